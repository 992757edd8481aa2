"""docs/metrics.md, generated from the registry (`python manage.py metrics_doc`; a test checks it is current)."""
from pathlib import Path

from django.conf import settings
from django.utils import translation

from . import metrics as registry

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "metrics.md"

INTRO = """# Metrics

Generated from the metric registry (`reports/metrics.py`, definitions in `reports/definitions.py` and the
apps' `metrics.py`) by `python manage.py metrics_doc`. Do not edit by hand: a test fails when this file
and the registry disagree.

How to read a figure:
- Every metric is rolled up per committee and month into `reports.MetricValue`: `own` (the committee's
  own study group), `subtree` (the committee and everything under it), and `own_ytd` / `subtree_ytd`,
  cumulative from January 1 of that year to the end of the month.
- The **headline** of a metric (the `stats` command, the dashboard cards, the bulletin) is **year to date**
  as of the end of the month, of the own group (scope *own*) or of the whole subtree (scope *subtree*):
  "截至2021年12月底" is January 1 – December 31, 2021. All metrics below are year-to-date figures in that
  sense; the month alone is `own` / `subtree` (`month_value` in `reports.figures`).
- A metric with no row for a committee and month is 0.
- A record belongs to a month by its date field, to a committee by its committee field.
- Ratios are not stored: numerator / denominator of two metrics' year-to-date values, in percent,
  computed when read (no denominator: no value).
- Tallies T1–T15 are the figures of DOMAIN.md; `stats --month 2021-12 --json` of the `qiqihar-2021`
  scenario reproduces T1–T11 exactly.
"""


def _filters(metric):
    parts = [f"`{k}={v!r}`" for k, v in sorted(metric.filters.items())]
    return ", ".join(parts) if parts else "all rows"


def _aggregate(metric):
    return f"SUM `{metric.value_field}`" if metric.aggregate == registry.SUM else "COUNT"


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def render():
    lines = [INTRO, "## Metrics", "",
             "| key | T | label (en) | label (zh) | scope | value | source, date, filters | meaning |",
             "|---|---|---|---|---|---|---|---|"]
    for m in registry.all_metrics(instances=False):
        with translation.override("en"):
            en, meaning, unit = str(m.label), str(m.description), str(m.unit)
        with translation.override("zh-hans"):
            zh = str(m.label)
        lines.append(
            f"| `{m.key}` | {m.tally or ''} | {_cell(en)} | {_cell(zh)} | {m.scope} | {_aggregate(m)} ({_cell(unit)}) "
            f"| `{m.source}` by `{m.date_field}`; {_cell(_filters(m))} | {_cell(meaning)} |"
        )
    lines += ["", "## Templates: the figures of every campaign and theme", "",
              "Each campaign and theme created in the portal gets these figures without code, under the key "
              "`campaign.<code>.<name>` or `theme.<code>.<name>`, counting the records tagged with it (its own "
              "column of the record, so no per-campaign code or trigger exists). T4–T8 of the document are the "
              "instances for `party-spirit-2021` and `plenum-6`.", "",
              "| key | T | label (en) | label (zh) | value | records | meaning |", "|---|---|---|---|---|---|---|"]
    for key, t in sorted(registry.TEMPLATES.items(), key=lambda kv: (kv[1].order, kv[0])):
        with translation.override("en"):
            en, meaning, unit = str(t.label) % {"name": "…"}, str(t.description), str(t.unit)
        with translation.override("zh-hans"):
            zh = str(t.label) % {"name": "…"}
        tallies = sorted({v for k, v in registry.TEMPLATE_TALLIES.items() if k.endswith("." + t.name)
                          and k.startswith(t.dimension + ".")})
        lines.append(
            f"| `{t.dimension}.<code>.{t.name}` | {', '.join(tallies)} | {_cell(en)} | {_cell(zh)} "
            f"| {_aggregate(t)} ({_cell(unit)}) | {_cell(_filters(t))} | {_cell(meaning)} |"
        )
    lines += ["", "## Ratios", "", "| key | T | label (en) | label (zh) | numerator / denominator | meaning |",
              "|---|---|---|---|---|---|"]
    for r in registry.all_ratios():
        with translation.override("en"):
            en, meaning = str(r.label), str(r.description)
        with translation.override("zh-hans"):
            zh = str(r.label)
        lines.append(
            f"| `{r.key}` | {r.tally or ''} | {_cell(en)} | {_cell(zh)} | `{r.numerator}` / `{r.denominator}` "
            f"| {_cell(meaning)} |"
        )
    lines += ["", "## Coverages", "", "Share of the subtree's committees at a depth whose *own group's* year-to-date "
              "figure of a metric is not zero (what happened under them does not count), in percent, read from the "
              "rollup table.", "",
              "| key | T | label (en) | label (zh) | metric, depth | meaning |", "|---|---|---|---|---|---|"]
    for c in registry.all_coverages():
        with translation.override("en"):
            en, meaning = str(c.label), str(c.description)
        with translation.override("zh-hans"):
            zh = str(c.label)
        lines.append(f"| `{c.key}` | {c.tally or ''} | {_cell(en)} | {_cell(zh)} | `{c.metric}`, depth {c.depth} "
                     f"| {_cell(meaning)} |")
    return "\n".join(lines) + "\n"
