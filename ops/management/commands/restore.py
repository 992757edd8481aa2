from django.core.management.base import BaseCommand

from ops.backup import restore


class Command(BaseCommand):
    requires_system_checks = []  # the target database may not exist yet
    help = ("Restores an archive of `manage.py backup` into the configured database (DATABASE_URL; a PostgreSQL "
            "database is created if missing) and MEDIA_ROOT. Both must be empty unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="overwrite a database or media that hold data")

    def handle(self, *args, archive, force=False, **options):
        manifest, files = restore(archive, force=force)
        self.stdout.write(f"restored {manifest['vendor']} database of {manifest['created_at']} and {files} files")
