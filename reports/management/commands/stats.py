import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from committees.models import Committee
from reports import rollup
from reports.figures import figures_for
from reports.models import DirtyMonth, MonthStatus
from reports.months import parse_month


class Command(BaseCommand):
    help = "Prints the figures of a committee (default: the root) for a month, year to date."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--committee", help="committee code (default: the tree's root)")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="language of the labels")

    def handle(self, *args, month, committee=None, json=False, language, **options):
        try:
            month = parse_month(month)
        except ValueError:
            raise CommandError("--month must look like 2021-12.")
        target = self._committee(committee)
        if not _current(month):
            # Never a computed-looking 0: a month never computed (or with changes pending) is computed first.
            rollup.rollup_months([month])
        with translation.override(language):
            figures = figures_for(target, month)
            if json:
                self.stdout.write(self._json(target, month, figures))
            else:
                self._table(target, month, figures)

    def _committee(self, code):
        qs = Committee.objects.filter(code=code) if code else Committee.objects.get_root_nodes()
        committee = qs.first()
        if committee is None:
            raise CommandError(f"No committee {code!r}." if code else "There is no committee yet.")
        return committee

    def _json(self, committee, month, figures):
        data = {
            "scope": committee.code,
            "month": month.strftime("%Y-%m"),
            "as_of": timezone.localtime(figures.as_of).isoformat() if figures.as_of else None,
            "figures": {f.key: {"value": f.value, "label": str(f.label), "tally": f.tally} for f in figures.items},
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    def _table(self, committee, month, figures):
        as_of = timezone.localtime(figures.as_of).isoformat(timespec="seconds") if figures.as_of else "never computed"
        self.stdout.write(f"{committee.name} ({committee.code}) · {month:%Y-%m} · year to date · as of {as_of}")
        for f in figures.items:
            value = "—" if f.value is None else f"{f.value:,}"
            month_value = "—" if f.month_value is None else f"{f.month_value:,}"
            tally = f.tally or ""
            self.stdout.write(
                f"  {tally:<4} {f.key:<30} {value:>12} {str(f.unit):<8} (month {month_value:>8})  {f.label}"
            )


def _current(month):
    computed = MonthStatus.objects.filter(month=month, computed_at__isnull=False).exists()
    pending = DirtyMonth.objects.filter(month__gte=month.replace(month=1), month__lte=month).exists()
    return computed and not pending
