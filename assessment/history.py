"""What the assessment pages show as history: studygroup.history, with a round's scores counted per save."""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from studygroup.history import Rows, history_from, history_of

from .models import AssessmentRule, TestSitting

RULES_SHOWN = 50  # the rules page shows the latest changes; the admin keeps them all


def round_history(test_round):
    """The round's saves; the scores of one entry or import are one line, however many members it scored."""
    sittings = Rows(TestSitting.history.filter(round_id=test_round.pk), _("person-tests"), counted=_sittings_text)
    return history_of(test_round, rows=[sittings])


def _sittings_text(n, history_type):
    if history_type == "+":
        return ngettext("%(n)s member drawn", "%(n)s members drawn", n) % {"n": n}
    if history_type == "-":
        return ngettext("%(n)s member removed", "%(n)s members removed", n) % {"n": n}
    return ngettext("scores of %(n)s member entered", "scores of %(n)s members entered", n) % {"n": n}


def task_history(task):
    return history_of(task, hidden=("created_by",))


def rules_history():
    """The latest changes to any rule, each line naming its rule."""
    versions = {}
    for version in AssessmentRule.history.select_related("history_user").order_by("history_date", "history_id"):
        versions.setdefault(version.id, []).append(version)
    labels = {rule.pk: str(rule.display_label) for rule in AssessmentRule.objects.filter(pk__in=list(versions))}
    entries = []
    for rule_id, rule_versions in versions.items():
        entries += history_from(rule_versions, subject=labels.get(rule_id, rule_versions[-1].label))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:RULES_SHOWN]
