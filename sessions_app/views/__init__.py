from .archive import archive
from .attachments import attachment_download
from .home import home
from .plans import plan_approve, plan_create, plan_detail, plan_edit, plans
from .records import record_create, record_delete, record_detail, record_edit

__all__ = [
    "archive", "attachment_download", "home", "plan_approve", "plan_create", "plan_detail", "plan_edit", "plans",
    "record_create", "record_delete", "record_detail", "record_edit",
]
