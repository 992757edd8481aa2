from .archive import archive
from .attachments import article_file, attachment_download
from .attendance import attendance
from .corrections import corrections
from .home import home
from .plans import plan_approve, plan_create, plan_detail, plan_edit, plans
from .records import record_create, record_delete, record_detail, record_edit
from .roster import roster, roster_edit, roster_leave
from .signin import signin_member, signin_show, signin_status

__all__ = [
    "archive", "article_file", "attendance", "attachment_download", "corrections", "home", "plan_approve", "plan_create",
    "plan_detail", "plan_edit", "plans", "record_create", "record_delete", "record_detail", "record_edit",
    "roster", "roster_edit", "roster_leave", "signin_member", "signin_show", "signin_status",
]
