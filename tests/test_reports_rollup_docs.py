"""docs/metrics.md documents every registered metric, and is current."""
from reports import metrics as registry
from reports.docs import DOC_PATH, render


def test_it_keeps_the_metrics_doc_current():
    assert DOC_PATH.read_text(encoding="utf-8") == render(), "run `python manage.py metrics_doc`"


def test_it_documents_every_metric_and_ratio():
    text = render()
    for item in [*registry.all_metrics(instances=False), *registry.all_ratios()]:
        assert f"| `{item.key}` |" in text
    for template in registry.TEMPLATES.values():  # campaign and theme figures: documented once, as templates
        assert f"| `{template.dimension}.<code>.{template.name}` |" in text
    for tally in ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11"):
        assert f"| {tally} |" in text
