"""Remove uploads previewed but never imported (with their checked rows) and old import statuses."""
from django.core.management.base import BaseCommand, CommandError

from imports.services import KEEP_HOURS, imports_forget


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=KEEP_HOURS,
                            help=f"remove what has been untouched for this many hours (default {KEEP_HOURS})")

    def handle(self, *args, hours, **options):
        if hours < 1:
            raise CommandError("--hours must be at least 1")
        removed = imports_forget(hours=hours)
        self.stdout.write(f"{removed} kept import files removed")
