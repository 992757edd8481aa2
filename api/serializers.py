"""What the API shows of each row. Records are written through the pages' own forms and services
(api/records.py); these serializers describe them (and the schema), they do not save."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessment.models import PracticalTask
from committees.models import Committee, Member
from sessions_app.models import Activity, ActivityKind, Article, Attendance, AttendanceStatus
from supervision.models import Filing, Rectification, Visit

from .representation import Compiled


class CommitteeSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(read_only=True, allow_null=True, help_text=_("code of the committee above"))
    level = serializers.IntegerField(source="depth", read_only=True, help_text=_("1 = the tree's root"))

    class Meta:
        model = Committee
        fields = ["id", "code", "name", "kind", "active", "level", "parent_code"]


class CommitteeRowSerializer(serializers.ModelSerializer):
    # A row that belongs to a committee: the committee's id (`committee`) and its code beside it. (A comment: the
    # schema publishes a serializer's docstring, an inherited one too.)
    committee_code = serializers.CharField(source="committee.code", read_only=True)


class MemberSerializer(CommitteeRowSerializer):
    class Meta:
        model = Member
        fields = ["id", "committee", "committee_code", "name", "position", "is_leader", "active", "joined_on",
                  "left_on", "order"]


class MemberNameField(serializers.CharField):
    """The member's name: annotated on the row by the record list (api/views.py with_attendance), else read."""

    def get_attribute(self, instance):
        name = getattr(instance, "member_name", None)
        return name if name is not None else instance.member.name


class AttendanceSerializer(Compiled, serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", help_text=_("a member of the record's committee"))
    member_name = MemberNameField(read_only=True)
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    made_up_on = serializers.DateField(required=False, allow_null=True)
    made_up_note = serializers.CharField(required=False, allow_blank=True, max_length=200)

    class Meta:
        model = Attendance
        fields = ["member", "member_name", "status", "reason", "made_up_on", "made_up_note"]


class ArticleSerializer(Compiled, serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "author", "title", "text", "original_name"]


# Where a record's related rows are read: plain lists the API puts on each record it shows (api/reading.py).
ATTENDANCE_ROWS, ARTICLE_ROWS, PLAN_TOPIC_IDS = "attendance_rows", "article_rows", "plan_topic_ids"

RECORD_FIELDS = [
    "id", "committee", "committee_code", "kind", "held_on", "ends_on", "month", "title", "materials", "notes",
    "campaign", "theme", "plan_topics", "led_by", "discussion", "period_count", "day_count", "participant_count",
    "meeting_name", "opened_with_study", "speaker", "inviting_body", "delivery_mode", "lecturer_level",
    "place_kind", "audience_count", "site", "author", "article_count", "is_late", "month_closed",
    "created_at", "updated_at", "attendance", "articles",
]


class RecordSerializer(Compiled, CommitteeRowSerializer):
    """A study record of any kind with its attendance (kinds that keep none have an empty list)."""

    attendance = AttendanceSerializer(many=True, required=False, source=ATTENDANCE_ROWS, help_text=_(
        "Rows to add or change, one per member; members not listed keep their row (omitted: all kept)."
    ))
    articles = ArticleSerializer(many=True, read_only=True, source=ARTICLE_ROWS)
    month_closed = serializers.BooleanField(read_only=True)
    plan_topics = serializers.ListField(child=serializers.IntegerField(), read_only=True, source=PLAN_TOPIC_IDS)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=500, help_text=_(
        "Required when the record's month is closed: the change is then a correction."
    ))
    submission_key = serializers.UUIDField(write_only=True, required=False, allow_null=True, help_text=_(
        "Optional: a second create with the same key returns the first record instead of a second one."
    ))

    class Meta:
        model = Activity
        fields = RECORD_FIELDS + ["reason", "submission_key"]
        read_only_fields = ["month", "is_late", "created_at", "updated_at"]


class ArticleWriteSerializer(serializers.Serializer):
    author = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(required=False, allow_blank=True)


class RecordWriteSerializer(RecordSerializer):
    """The body of a create or change (documentation: the page's form validates it, api/records.py)."""

    committee = serializers.IntegerField(required=False, help_text=_(
        "the committee the record is for (optional for a user who writes for one committee only)"
    ))
    kind = serializers.ChoiceField(choices=ActivityKind.choices, help_text=_("fixed once created"))
    plan_topics = serializers.ListField(child=serializers.IntegerField(), required=False)
    campaign = serializers.IntegerField(required=False, allow_null=True)
    theme = serializers.IntegerField(required=False, allow_null=True)
    articles = ArticleWriteSerializer(many=True, required=False, help_text=_(
        "Reflection records: articles to add (the record's count follows its articles); those it has are kept."
    ))

    class Meta(RecordSerializer.Meta):
        fields = [f for f in RECORD_FIELDS if f not in ("id", "committee_code", "month_closed")] + [
            "reason", "submission_key",
        ]


class FilingSerializer(CommitteeRowSerializer):
    class Meta:
        model = Filing
        fields = ["id", "committee", "committee_code", "kind", "planned_on", "place", "topic", "activity", "filed_at"]


class VisitSerializer(CommitteeRowSerializer):
    class Meta:
        model = Visit
        fields = ["id", "committee", "committee_code", "kind", "visited_on", "filing", "activity", "observed_count",
                  "reported_count", "discrepancy", "findings", "status", "submitted_at"]


class RectificationSerializer(CommitteeRowSerializer):
    class Meta:
        model = Rectification
        fields = ["id", "visit", "committee", "committee_code", "raised_on", "description", "owner", "due_on",
                  "status", "evidence_note", "closed_at"]


class TaskSerializer(CommitteeRowSerializer):
    class Meta:
        model = PracticalTask
        fields = ["id", "committee", "committee_code", "level", "title", "description", "due_on", "status",
                  "completed_on", "created_at", "updated_at"]


class FigureSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text=_("year to date (a ratio: percent, or null)"))
    label = serializers.CharField()
    tally = serializers.CharField(allow_null=True)


class StatisticsSerializer(serializers.Serializer):
    """The figures of `manage.py stats --json`: one committee's subtree, a month, year to date."""

    scope = serializers.CharField(help_text=_("committee code"))
    month = serializers.CharField(help_text="YYYY-MM")
    as_of = serializers.DateTimeField(allow_null=True)
    figures = serializers.DictField(child=FigureSerializer())
    own_group = serializers.BooleanField(required=False, help_text=_(
        "present and true when the figures are the committee's own group's (a reader of that committee alone)"
    ))
