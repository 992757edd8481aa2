import sys

from django.core.management.base import BaseCommand, CommandError

from reports import rollup
from reports.months import parse_month


class Command(BaseCommand):
    help = (
        "Recomputes the monthly statistics now (the same code as the Celery tasks), or with --verify recomputes "
        "them aside and prints every stored figure that differs (exit status 1 if any)."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--month", action="append", help="YYYY-MM; may be given several times.")
        group.add_argument("--all", action="store_true", help="Every month from the first record to now.")
        group.add_argument("--dirty", action="store_true", help="Every month marked dirty (what the worker does).")
        parser.add_argument("--verify", action="store_true", help="Compare, do not write (besides the report).")
        parser.add_argument("--repair", action="store_true", help="With --verify: mark the months that differ.")

    def handle(self, *args, month=None, all=False, dirty=False, verify=False, repair=False, **options):
        months = self._months(month) if month else None
        if verify:
            return self._verify(months if months else rollup.all_months(), repair)
        if all:
            done = rollup.rollup_all()
        elif dirty:
            done = rollup.rollup_dirty()
        else:
            done = rollup.rollup_months(months)
        self.stdout.write(f"Computed {len(done)} month(s): {', '.join(m.strftime('%Y-%m') for m in done)}")

    def _months(self, values):
        try:
            return [parse_month(m) for m in values]
        except ValueError:
            raise CommandError("--month must look like 2021-12.")

    def _verify(self, months, repair):
        run = rollup.verify(months, repair=repair)
        for d in run.differences:
            self.stdout.write(
                f"DIFFERS {d['month'][:7]} {d['committee']} {d['metric']}: stored {d['stored']} fresh {d['fresh']}"
            )
        if run.difference_count > len(run.differences):
            self.stdout.write(f"… and {run.difference_count - len(run.differences)} more")
        self.stdout.write(
            f"Verified {run.rows} figure rows in {run.months} month(s): {run.difference_count} differ"
            + (" (months with pending changes are skipped)" if run.months < len(months) else "")
        )
        if run.difference_count:
            sys.exit(1)
