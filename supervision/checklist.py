"""The default visit checklist. Rows live in ChecklistItem (admins may add more); these codes get translated labels."""
from django.utils.translation import gettext_lazy as _

DEFAULT_LABELS = {
    "preparation": _("Preparation"),  # 学前准备
    "attendance": _("Attendance"),  # 出勤情况
    "discussion": _("Depth of discussion"),  # 研讨深度
    "work-link": _("Link to the committee's work"),  # 联系工作实际
    "records": _("Completeness of records"),  # 学习记录完整
}
