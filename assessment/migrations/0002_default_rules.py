"""The default rule set of the annual assessment: 100 points over six rules (editable by administrators).

Labels are the English source strings; AssessmentRule.display_label shows them translated until an
administrator changes them. The values are written out here (not imported) so this migration never
changes when the code does.
"""
from decimal import Decimal

from django.db import migrations

DEFAULT_RULES = [
    # key, label, weight, threshold, params, order
    ("study_frequency", "Study every month", Decimal("25"), Decimal("1"), {"months": 12}, 10),
    ("attendance_rate", "Attendance", Decimal("20"), Decimal("0.9"), {}, 20),
    ("plan_coverage", "Plan topics covered", Decimal("20"), Decimal("1"), {}, 30),
    # These read the supervision app and come last; they count only once its models exist.
    ("filing_compliance", "Sessions filed in advance", Decimal("15"), Decimal("1"), {}, 40),
    ("audit_ratings", "Sit-in visit ratings", Decimal("10"), Decimal("0.8"), {"when_no_data": "skip"}, 50),
    ("rectifications_on_time", "Rectifications closed on time", Decimal("10"), Decimal("1"), {"when_no_data": "full"}, 60),
]


def add_rules(apps, schema_editor):
    AssessmentRule = apps.get_model("assessment", "AssessmentRule")
    for key, label, weight, threshold, params, order in DEFAULT_RULES:
        AssessmentRule.objects.get_or_create(
            key=key, defaults={"label": label, "weight": weight, "threshold": threshold, "params": params, "order": order}
        )


def remove_rules(apps, schema_editor):
    AssessmentRule = apps.get_model("assessment", "AssessmentRule")
    AssessmentRule.objects.filter(key__in=[r[0] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
