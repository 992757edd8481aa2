"""Supervision for the default demo city: the demo auditor's profile, filings, and one draw to visit."""
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from committees.models import User
from sessions_app.models import Activity
from supervision import services
from supervision.models import FILING_KINDS, Auditor, Filing, StrataMode

DEMO_AUDITOR = "auditor"  # the README's demo login
DEMO_AUDITOR_HOME = "d-xuanchuan"  # 市委宣传部: its auditors may visit every other unit of the city


def build_default_supervision(tree):
    """The demo `auditor` gets a pool profile and a fresh draw, so a newcomer sees assigned visits at once."""
    root = tree["qqhr"]
    demo_auditor_profile(tree, root)
    today = timezone.localdate()
    _file_recent_sessions(root, today)
    give_upcoming_work(tree, root)


def demo_auditor_profile(tree, root):
    """The demo login `auditor` in the auditor pool (home 市委宣传部, may visit the whole city); None without it."""
    user = User.objects.filter(username=DEMO_AUDITOR).first()
    if user is None:
        return None
    home = tree.get(DEMO_AUDITOR_HOME) or min((c for c in tree.values() if c.depth == 2), key=lambda c: c.path)
    auditor, created = Auditor.objects.get_or_create(user=user, defaults={"home_committee": home, "workload_limit": 12})
    if created:
        auditor.may_visit.add(root)
    return auditor


def give_upcoming_work(tree, root):
    """Upcoming filed sessions of the county-level groups and a draw over the weeks around today."""
    today = timezone.localdate()
    _file_upcoming_sessions(tree, today)
    try:
        services.draw_create(
            user=User.objects.filter(username="admin").first(), root=root,
            period_start=today - datetime.timedelta(days=21), period_end=today + datetime.timedelta(days=21),
            strata=StrataMode.COUNTY, size=8, seed=20261126,
        )
    except ValidationError:
        pass  # a demo without enough filings simply has no draw


def _file_recent_sessions(root, today):
    """Sessions of the last three weeks were filed ahead of time (most of them)."""
    recent = (
        Activity.objects.filter(
            committee__path__startswith=root.path, committee__depth=2, kind__in=FILING_KINDS,
            held_on__gte=today - datetime.timedelta(days=21),
        ).select_related("committee").order_by("id")
    )
    Filing.objects.bulk_create(
        Filing(committee=a.committee, kind=a.kind, planned_on=a.held_on, place="中心组会议室", topic=a.title, activity=a)
        for i, a in enumerate(recent) if i % 5
    )


def _file_upcoming_sessions(tree, today):
    counties = sorted((c for c in tree.values() if c.depth == 2), key=lambda c: c.path)
    Filing.objects.bulk_create(
        Filing(
            committee=committee, kind=FILING_KINDS[i % 2], planned_on=today + datetime.timedelta(days=4 + i % 14),
            place="中心组会议室", topic="学习贯彻党的二十大精神专题研讨",
        )
        for i, committee in enumerate(counties)
    )
