from django.core.management.base import BaseCommand

from ops.backup import backup


class Command(BaseCommand):
    help = ("Writes one .tar.gz archive of the database (pg_dump custom format, or a SQLite copy) and the "
            "attachments (MEDIA_ROOT). Default: var/backups/studygroup-<UTC time>.tar.gz.")

    def add_arguments(self, parser):
        parser.add_argument("--output", help="the archive to write")

    def handle(self, *args, output=None, **options):
        path, manifest = backup(output)
        self.stdout.write(f"{path} ({manifest['vendor']}, {manifest['media_files']} files, "
                          f"{manifest['media_bytes']} bytes of attachments)")
