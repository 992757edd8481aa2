from django.core.management.base import BaseCommand, CommandError

from reports import rollup
from reports.months import parse_month


class Command(BaseCommand):
    help = "Recomputes the monthly statistics now (the same code as the Celery tasks)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--month", action="append", help="YYYY-MM; may be given several times.")
        group.add_argument("--all", action="store_true", help="Every month from the first record to now.")

    def handle(self, *args, month=None, all=False, **options):
        if all:
            done = rollup.rollup_all()
        else:
            try:
                months = [parse_month(m) for m in month]
            except ValueError:
                raise CommandError("--month must look like 2021-12.")
            done = rollup.rollup_months(months)
        self.stdout.write(f"Computed {len(done)} month(s): {', '.join(m.strftime('%Y-%m') for m in done)}")
