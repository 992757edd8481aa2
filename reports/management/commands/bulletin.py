"""python manage.py bulletin --month 2021-12 [--committee CODE] [--lang zh-hans|en] [--current]: prints the bulletin.

The text is the committee's bulletin outline (or the nearest ancestor's, or the default). A published month prints
its latest published version, as the page and the downloads do, unless --current asks for today's figures."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from committees.models import Committee
from reports import bulletin, exports, outline_publish
from reports.forms import parse_month


class Command(BaseCommand):
    help = "Prints the monthly bulletin (通报) of a committee (default: the tree's root)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--committee", help="committee code (default: the root of the tree)")
        parser.add_argument("--lang", default=settings.LANGUAGE_CODE, choices=[code for code, _ in settings.LANGUAGES])
        parser.add_argument("--table", action="store_true", help="also print the tally table")
        parser.add_argument("--current", action="store_true",
                            help="print the current figures even when the month's bulletin is published")

    def handle(self, *args, month, committee, lang, table, current, **options):
        day = parse_month(month)
        if day is None:
            raise CommandError("--month must be YYYY-MM, e.g. 2021-12")
        scope = self._committee(committee)
        with translation.override(lang):
            versions = [] if current else outline_publish.versions(scope, day)
            document = outline_publish.document_from(versions[0]) if versions else bulletin.build(scope, day)
            self.stdout.write(document.title)
            if versions:
                self.stdout.write(exports.bulletin_note(document))
            for paragraph in document.paragraphs:
                self.stdout.write(paragraph)
            if table:
                for row in document.table:
                    self.stdout.write(f"{row.tally:<4} {row.label}: {row.value} / {row.ytd} {row.unit}")

    def _committee(self, code):
        if code:
            found = Committee.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"no committee with code {code!r}")
            return found
        root = Committee.objects.filter(depth=1).order_by("path").first()
        if root is None:
            raise CommandError("there are no committees; load one with `manage.py load_demo`")
        return root
