from django.db import migrations

# Labels are shown translated through supervision.checklist.DEFAULT_LABELS; the stored label is the fallback.
ITEMS = [
    ("preparation", "学前准备"),
    ("attendance", "出勤情况"),
    ("discussion", "研讨深度"),
    ("work-link", "联系工作实际"),
    ("records", "学习记录完整"),
]


def add_items(apps, schema_editor):
    ChecklistItem = apps.get_model("supervision", "ChecklistItem")
    for order, (code, label) in enumerate(ITEMS):
        ChecklistItem.objects.get_or_create(code=code, defaults={"label": label, "order": order})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(add_items, migrations.RunPython.noop)]
