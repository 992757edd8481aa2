"""`python manage.py assess --year 2021`: compute the annual assessment now (or enqueue it with --async)."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessment.services import assessment_compute
from assessment.tasks import assessment_compute as assessment_compute_task


class Command(BaseCommand):
    help = "Compute the annual assessment scores of every committee for one year."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="the year to assess (default: this year)")
        parser.add_argument("--async", action="store_true", dest="enqueue", help="enqueue the Celery task instead")

    def handle(self, *args, year=None, enqueue=False, **options):
        year = year or timezone.localdate().year
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be between 2000 and 2100")
        if enqueue:
            transaction.on_commit(lambda: assessment_compute_task.delay(year))
            self.stdout.write(f"assessment {year}: enqueued")
            return
        run = assessment_compute(year=year)
        self.stdout.write(f"assessment {year}: {run.committee_count} committees scored")
