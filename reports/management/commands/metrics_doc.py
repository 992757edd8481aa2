from django.core.management.base import BaseCommand, CommandError

from reports.docs import DOC_PATH, render


class Command(BaseCommand):
    help = "Writes docs/metrics.md from the metric registry (--check: fail if it is not current)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        text = render()
        if check:
            if not DOC_PATH.exists() or DOC_PATH.read_text(encoding="utf-8") != text:
                raise CommandError(f"{DOC_PATH} is not current: run `python manage.py metrics_doc`.")
            self.stdout.write("docs/metrics.md is current.")
            return
        DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
        DOC_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {DOC_PATH}.")
