"""Supervision for the default demo city: the demo auditor's profile, filings, and one draw to visit."""
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from committees.models import User
from sessions_app.models import Activity

from . import services
from .models import FILING_KINDS, Auditor, Filing, StrataMode

DEMO_AUDITOR_HOME = "d-xuanchuan"  # 市委宣传部: its auditors may visit every other unit of the city


def build_default_supervision(tree):
    """The demo `auditor` gets a pool profile and a fresh draw, so a newcomer sees assigned visits at once."""
    root = tree["qqhr"]
    user = User.objects.get(username="auditor")
    auditor = Auditor.objects.create(user=user, home_committee=tree[DEMO_AUDITOR_HOME], workload_limit=12)
    auditor.may_visit.add(root)
    today = timezone.localdate()
    _file_recent_sessions(root, today)
    _file_upcoming_sessions(tree, today)
    admin = User.objects.get(username="admin")
    try:
        services.draw_create(
            user=admin, root=root, period_start=today - datetime.timedelta(days=21),
            period_end=today + datetime.timedelta(days=21), strata=StrataMode.COUNTY, size=8, seed=20261126,
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
