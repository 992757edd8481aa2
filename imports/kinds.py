"""What each import kind reads: its columns (the template's Chinese headers), its natural key, how one row is
checked (the same forms and model validation as the pages) and how it is saved (the same services).

A row is NEW (would be created), MATCH (its natural key is already stored, or repeats an earlier row of the file:
nothing is created, so re-importing a file creates nothing), or WRONG (errors, each with its column)."""
import datetime
import re
from dataclasses import dataclass, field
from functools import partial

from django import forms
from django.db.models import CheckConstraint
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees import policy
from committees.models import Committee, CommitteeKind, Member
from committees.services import committee_create, member_create
from sessions_app.forms import ActivityForm, kind_fields
from sessions_app.models import (
    ATTENDANCE_KINDS,
    REASON_REQUIRED,
    Activity,
    ActivityKind,
    AttendanceStatus,
    DeliveryMode,
    LecturerLevel,
    PlaceKind,
)
from sessions_app.views.roster import MemberForm

NEW, MATCH, WRONG = "new", "match", "wrong"
NAME_SEPARATORS = re.compile(r"[、,，;；\n]+")
NAME_AND_REASON = re.compile(r"^(?P<name>[^（(]+)[（(](?P<reason>[^）)]*)[）)]$")
YES_WORDS = {"是", "yes", "y", "true", "1", "√"}
NO_WORDS = {"否", "no", "n", "false", "0", "×"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's Chinese header (the file format: the same in either interface language)
    required: bool = False
    example: str = ""


@dataclass
class Row:
    number: int
    status: str = NEW
    errors: list = field(default_factory=list)  # [(column header or "", message)]
    summary: str = ""  # what the row is, for the preview
    note: str = ""  # for a match: what it matches
    save: object = None  # a callable that creates the row (NEW rows only, kinds that save row by row)
    kept: dict = None  # the validated, normalised row the import writes (NEW rows, kinds that keep rows)

    def error(self, column, message):
        self.errors.append((column, str(message)))
        self.status = WRONG


def choice_map(choices):
    """Text a person may type for a choice → its value: the value, and its label in Chinese and in English."""
    found = {}
    for value, label in choices:
        found[str(value).lower()] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[str(label).strip().lower()] = value
    return found


def parse_date(text):
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_bool(text):
    word = text.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


class Kind:
    """One import kind. Subclasses define `code`, `label`, `columns`, `may_use(user)` and `check(row, values)`, or
    `check_chunk(items)` to check many rows with one query per lookup. A kind that `keeps_rows` gives each NEW row
    its validated values (`row.kept`), which the import writes in bulk (imports/services.py); the others give a
    `row.save` that creates the row through the pages' service."""

    code = ""
    label = ""
    columns = ()
    keeps_rows = False
    do_not_call_in_templates = True  # a class: templates read its attributes, never instantiate it

    def __init__(self, user):
        self.user = user
        self.seen = {}  # natural key → the first row number that had it
        self.committees = {}
        self.header_of = {column.key: column.header for column in self.columns}

    @classmethod
    def headers(cls):
        return [column.header for column in cls.columns]

    def header_map(self, cells):
        """Column key → index, from the file's header row; the missing required columns."""
        by_header = {column.header: column for column in self.columns}
        by_key = {column.key: column for column in self.columns}
        index = {}
        for position, cell in enumerate(cells):
            column = by_header.get(cell) or by_key.get(cell)
            if column is not None and column.key not in index:
                index[column.key] = position
        missing = [column.header for column in self.columns if column.required and column.key not in index]
        return index, missing

    def check_chunk(self, items):
        """Check (row, values) pairs in file order."""
        for row, values in items:
            self.check(row, values)

    def repeated(self, row, key):
        """A natural key met earlier in the file: a match of that row (created once)."""
        first = self.seen.get(key)
        if first is not None:
            row.status = MATCH
            row.note = _("Same as row %(row)s of this file.") % {"row": first}
            return True
        self.seen[key] = row.number
        return False

    def writable_committee(self, row, code):
        """The committee by code among those the user writes (and still active), else None with the row's error:
        another committee's row is "not yours", whether or not it exists."""
        if code not in self.committees:
            writable = policy.restrict(Committee.objects.filter(active=True), self.user, policy.WRITE, field=None)
            self.committees[code] = writable.filter(code=code).first()
        if self.committees[code] is None:
            row.error(self.header_of["committee"], _("No committee of yours has the code “%(code)s”.") % {
                "code": code})
        return self.committees[code]

    def form_errors(self, row, errors):
        """A form's (or a model's) errors, each at its column."""
        for name, messages in errors.items():
            for message in messages:
                row.error(self.header_of.get(name, ""), message)


# ------------------------------------------------------------------ records with attendance

RECORD_FIELD_COLUMNS = [
    ("ends_on", "结束日期"), ("materials", "学习材料"), ("led_by", "领学人"), ("discussion", "研讨发言"),
    ("period_count", "学时"), ("day_count", "天数"), ("participant_count", "参加人数"), ("meeting_name", "会议名称"),
    ("opened_with_study", "会前学习（是/否）"), ("speaker", "主讲人"), ("inviting_body", "邀请单位"),
    ("delivery_mode", "线上线下"), ("lecturer_level", "宣讲人级别"), ("place_kind", "场所类型"),
    ("audience_count", "受众人数"), ("site", "地点"), ("author", "作者"), ("article_count", "篇数"),
    ("notes", "备注"),
]
ATTENDANCE_COLUMNS = ("present", "excused", "absent")  # the names listed present, on leave, absent
CHOICE_FIELDS = {"delivery_mode": DeliveryMode.choices, "lecturer_level": LecturerLevel.choices,
                 "place_kind": PlaceKind.choices}


_import_forms = {}

# The record's CHECK constraints that its fields' validators and clean() already check in Python (the founding date,
# the last day not before the first, the month from the date). The record page asks the database one query for
# each; an import of 10,000 rows cannot afford 30,000 such round trips. The database still enforces them on insert,
# and a constraint not named here is asked as the page asks it (tests/test_imports.py proves each one named is met).
CHECKED_IN_PYTHON = frozenset({"activity_ends_after_start", "activity_held_after_founding", "activity_month_of_held_on"})


def _constraints_asked_of_the_database(instance):
    """instance.get_constraints() without the CHECK constraints of CHECKED_IN_PYTHON."""
    def get_constraints():
        return [(model, [c for c in constraints if not (isinstance(c, CheckConstraint) and c.name in CHECKED_IN_PYTHON)])
                for model, constraints in type(instance).get_constraints(instance)]
    return get_constraints


NEVER_IMPORTED = ("campaign", "theme", "plan_topics")  # the record page's choices the template has no column for


def import_form_class(kind):
    """The record page's form of `kind` (its fields, bounds and checks), without the choices an import never fills
    (campaign, theme, plan topics: the page builds them for its pickers, a copy and a query each per form)."""
    if kind not in _import_forms:
        fields = [name for name in kind_fields(kind) if name not in NEVER_IMPORTED]

        class ImportForm(forms.modelform_factory(Activity, form=ActivityForm, fields=fields)):
            def _limit_plan_topics(self, writable_committees):
                pass  # not a field here

            def _post_clean(self):
                self.instance.get_constraints = _constraints_asked_of_the_database(self.instance)
                try:
                    super()._post_clean()
                finally:
                    del self.instance.get_constraints

        _import_forms[kind] = ImportForm
    return _import_forms[kind]


# Names offices use for a kind besides the portal's own (DOMAIN.md's glossary).
KIND_ALIASES = {
    "中心组集体学习": ActivityKind.COLLECTIVE, "专题研讨": ActivityKind.THEMATIC,
    "专题读书班": ActivityKind.READING_CLASS, "专题报告": ActivityKind.EXPERT_LECTURE,
    "参观": ActivityKind.FIELD_STUDY, "现场教学": ActivityKind.FIELD_STUDY,
}
# What a kept record carries: the fields a person or a form sets (the committee and the writer are kept apart).
KEPT_FIELDS = [f for f in Activity._meta.concrete_fields
               if f.editable and not f.primary_key and f.name not in ("committee", "created_by")]


# The rows of a committee the user writes (records and the roster), by its code.
COMMITTEE_COLUMN = Column("committee", "委员会编码", True, "county-a")


class RecordKind(Kind):
    code, label = "records", gettext_lazy("Study records with attendance")
    columns = (
        COMMITTEE_COLUMN,
        Column("kind", "类型", True, "集体学习"),
        Column("held_on", "日期", True, "2026-03-12"),
        Column("title", "主题", True, "学习党的二十届四中全会精神"),
        *[Column(key, header) for key, header in RECORD_FIELD_COLUMNS],
        Column("present", "出席人员", False, "张三、李四"),
        Column("excused", "请假人员", False, "王五（出差）"),
        Column("absent", "缺席人员", False, "赵六（因病）"),
    )
    keeps_rows = True

    def __init__(self, user):
        super().__init__(user)
        self.members = {}  # committee id → its members (the chunk's committees), for the rosters of each day
        self.kinds = {**choice_map(ActivityKind.choices), **KIND_ALIASES}
        self.choices = {name: choice_map(choices) for name, choices in CHOICE_FIELDS.items()}

    @staticmethod
    def may_use(user):
        return policy.may_any(user, policy.WRITE)

    def check(self, row, values):
        self.check_chunk([(row, values)])

    def check_chunk(self, items):
        """The key cells of every row first, then ONE query for the chunk's stored records, then the forms."""
        heads = [(row, values, self._head(row, values)) for row, values in items]
        stored = self.stored_keys({head[0] for _row, _values, head in heads if head})
        self.learn_members({head[1].pk for _row, values, head in heads
                            if head and any(values.get(key) for key in ATTENDANCE_COLUMNS)})
        for row, values, head in heads:
            if head is None:
                continue
            key, committee = head
            if self.repeated(row, key):
                continue
            if key in stored:
                row.status = MATCH
                row.note = _("Already in the portal.")
                continue
            self._validate(row, values, key, committee)

    def _head(self, row, values):
        """(natural key, committee) of a row whose committee, kind and date read, else None (with the errors)."""
        h = self.header_of
        committee = self.writable_committee(row, values.get("committee", ""))
        kind = self.kinds.get(values.get("kind", "").lower())
        if kind is None:
            row.error(h["kind"], _("Unknown kind “%(kind)s”: use one of the kinds listed in the template's sheet “可选值”.")
                      % {"kind": values.get("kind", "")})
        held_on = parse_date(values.get("held_on", ""))
        if held_on is None:
            row.error(h["held_on"], _("Write the date as YYYY-MM-DD."))
        title = values.get("title", "")
        row.summary = " · ".join(filter(None, [values.get("held_on"), values.get("committee"), title]))
        if row.status == WRONG:
            return None
        return (committee.pk, held_on, kind, title), committee

    @staticmethod
    def stored_keys(keys):
        """Which natural keys (committee id, date, kind, topic) are stored: one query for a chunk of rows."""
        if not keys:
            return set()
        found = Activity.objects.filter(
            committee_id__in={k[0] for k in keys}, held_on__in={k[1] for k in keys}, title__in={k[3] for k in keys},
        ).values_list("committee_id", "held_on", "kind", "title")
        return set(found) & keys

    def _validate(self, row, values, key, committee):
        _committee_id, held_on, kind, _title = key
        form = self._form(committee, kind, values, row)
        attendance = self._attendance(committee, kind, held_on, values, row)
        if not form.is_valid() or row.status == WRONG:
            self.form_errors(row, form.errors)
            return
        record = form.instance  # cleaned and validated by the form (fields, bounds, the model's checks)
        record.committee, record.kind = committee, kind
        row.kept = {
            "row": row.number, "committee": committee.pk,
            "fields": {f.attname: getattr(record, f.attname) for f in KEPT_FIELDS
                       if getattr(record, f.attname) != f.get_default()},
            "attendance": [[line["member"], line["status"], line["reason"]] for line in attendance],
        }

    @staticmethod
    def record(kept, user):
        """The unsaved record of a kept row, as the record page's service would build it."""
        fields = {f.attname: f.to_python(kept["fields"][f.attname]) for f in KEPT_FIELDS if f.attname in kept["fields"]}
        return Activity(committee_id=kept["committee"], created_by=user, **fields)

    def learn_members(self, committee_ids):
        """The members of the chunk's committees: ONE query, whatever the days of its rows."""
        self.members = {pk: [] for pk in committee_ids}
        if committee_ids:
            for member in Member.objects.filter(committee_id__in=committee_ids).order_by("order", "id").only(
                    "pk", "committee_id", "name", "joined_on", "left_on", "active"):
                self.members[member.committee_id].append(member)

    def roster(self, committee, held_on):
        """{name: [member ids]} of the roster on the session's date, as members_for() (sessions_app/forms.py)
        reads it: joined on or before that day (or always), and not yet left (left on or after it, or no leaving
        date and still active). tests/test_imports.py checks the two agree."""
        names = {}
        for member in self.members[committee.pk]:
            joined = member.joined_on is None or member.joined_on <= held_on
            staying = (member.left_on >= held_on) if member.left_on is not None else member.active
            if joined and staying:
                names.setdefault(member.name, []).append(member.pk)
        return names

    def _form(self, committee, kind, values, row):
        wanted = set(kind_fields(kind))
        data = {"held_on": values.get("held_on", ""), "title": values.get("title", "")}
        if kind == ActivityKind.FIRST_AGENDA:
            data["opened_with_study"] = "on"  # the model's default when the cell is empty
        for key, header in RECORD_FIELD_COLUMNS:
            text = values.get(key, "")
            if not text:
                continue
            if key not in wanted:
                row.error(header, _("A record of this kind has no “%(column)s”; leave the cell empty.")
                          % {"column": header})
                continue
            if key == "held_on" or key == "ends_on":
                day = parse_date(text)
                data[key] = day.isoformat() if day else text
            elif key in self.choices:
                data[key] = self.choices[key].get(text.lower(), text)
            elif key == "opened_with_study":
                flag = parse_bool(text)
                if flag is None:
                    row.error(header, _("Write 是 or 否."))
                elif flag:
                    data[key] = "on"
                else:
                    data.pop(key, None)
            else:
                data[key] = text
        held_on = parse_date(values.get("held_on", ""))
        if held_on:
            data["held_on"] = held_on.isoformat()
        # The committee is fixed (checked above against the user's writable committees), as on the page of a
        # secretary of one committee: the form then asks the database nothing for it.
        return import_form_class(kind)(data=data, kind=kind, committee=committee,
                                       writable_committees=Committee.objects.filter(pk=committee.pk))

    def _attendance(self, committee, kind, held_on, values, row):
        """Attendance rows from the names listed, each a member of the roster that day; leave and absence
        with their reason in brackets (张三（出差）), as the record page asks (REASON_REQUIRED)."""
        listed = list(zip((AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT),
                          ATTENDANCE_COLUMNS))
        if not any(values.get(key) for _status, key in listed):
            return []
        if kind not in ATTENDANCE_KINDS:
            row.error(self.header_of["present"], _("A record of this kind keeps no attendance; leave the cell empty."))
            return []
        roster = self.roster(committee, held_on)
        rows, seen = [], set()
        for status, key in listed:
            header = self.header_of[key]
            for item in filter(None, NAME_SEPARATORS.split(values.get(key, ""))):
                name, reason = _name_and_reason(item)
                ids = roster.get(name, [])
                if len(ids) != 1:
                    message = (_("“%(name)s” is not on this committee's roster on that date.") if not ids else
                               _("Two members are called “%(name)s”: enter this record in the portal."))
                    row.error(header, message % {"name": name})
                elif ids[0] in seen:
                    row.error(header, _("“%(name)s” is listed twice.") % {"name": name})
                elif status in REASON_REQUIRED and not reason:
                    row.error(header, _("%(problem)s Write it in brackets after the name, e.g. %(name)s（出差）.") % {
                        "problem": REASON_REQUIRED[status], "name": name})
                else:
                    seen.add(ids[0])
                    rows.append({"member": ids[0], "status": status, "reason": reason})
        return rows


def _name_and_reason(item):
    """张三（出差） → (张三, 出差); 张三 → (张三, "")."""
    found = NAME_AND_REASON.match(item)
    return (found["name"].strip(), found["reason"].strip()) if found else (item.strip(), "")


# ------------------------------------------------------------------ the roster

class MemberKind(Kind):
    code, label = "members", gettext_lazy("Study-group members (roster)")
    columns = (
        COMMITTEE_COLUMN,
        Column("name", "姓名", True, "张三"),
        Column("position", "职务", False, "县委书记"),
        Column("is_leader", "班子成员（是/否）", False, "是"),
        Column("joined_on", "加入日期", False, "2026-01-01"),
        Column("left_on", "离开日期"),
    )

    may_use = RecordKind.may_use

    def check(self, row, values):
        self.check_chunk([(row, values)])

    def check_chunk(self, items):
        """The cells of every row first, then ONE query for the chunk's members on the rosters, then the forms."""
        heads = [(row, self._head(row, values)) for row, values in items]
        keys = {(committee.pk, data["name"]) for _row, (committee, data) in heads if committee}
        stored = set(Member.objects.filter(
            committee_id__in={k[0] for k in keys}, name__in={k[1] for k in keys},
        ).values_list("committee_id", "name")) & keys if keys else set()
        for row, (committee, data) in heads:
            if committee is None or self.repeated(row, (committee.pk, data["name"])):
                continue
            if (committee.pk, data["name"]) in stored:
                row.status = MATCH
                row.note = _("Already on the roster.")
                continue
            form = MemberForm(data=data, instance=Member(committee=committee))
            if not form.is_valid():
                self.form_errors(row, form.errors)
                continue
            cleaned = {key: form.cleaned_data[key] for key in MemberForm.Meta.fields}
            row.save = partial(member_create, committee=committee, user=self.user, **cleaned)

    def _head(self, row, values):
        """(committee, form data) of a row whose cells read, else (None, None) with the errors."""
        committee = self.writable_committee(row, values.get("committee", ""))
        if committee is None:
            return None, None
        name = values.get("name", "")
        row.summary = f"{committee.name} · {name}"
        data = {"name": name, "position": values.get("position", "")}
        flag = parse_bool(values.get("is_leader", "") or "否")
        if flag is None:
            row.error(self.header_of["is_leader"], _("Write 是 or 否."))
        elif flag:
            data["is_leader"] = "on"
        for key in ("joined_on", "left_on"):
            text = values.get(key, "")
            day = parse_date(text) if text else None
            data[key] = day.isoformat() if day else text
        return (None, None) if row.status == WRONG else (committee, data)


# ------------------------------------------------------------------ committees (administrators)

class CommitteeKindImport(Kind):
    code, label = "committees", gettext_lazy("Committees (administrators)")
    columns = (
        Column("code", "编码", True, "county-c"),
        Column("name", "名称", True, "丙县委"),
        Column("kind", "类型", True, "县（市）区委"),
        Column("parent", "上级编码", True, "city"),
    )

    def __init__(self, user):
        super().__init__(user)
        self.kinds = choice_map(CommitteeKind.choices)
        self.pending = set()  # codes this file creates (a parent may come earlier in the same file)

    @staticmethod
    def may_use(user):
        return policy.may_any(user, policy.ADMINISTER)

    def _administered(self, code):
        return policy.restrict(Committee.objects.all(), self.user, policy.ADMINISTER, field=None).filter(
            code=code).first()

    def check(self, row, values):
        h = self.header_of
        code, name = values.get("code", ""), values.get("name", "")
        row.summary = f"{code} · {name}"
        kind = self.kinds.get(values.get("kind", "").lower())
        if kind is None:
            row.error(h["kind"], _("Unknown committee kind “%(kind)s”.") % {"kind": values.get("kind", "")})
        parent_code = values.get("parent", "")
        parent = self._administered(parent_code)
        if parent is None and parent_code not in self.pending:
            row.error(h["parent"], _("No committee you administer has the code “%(code)s”.") % {"code": parent_code})
        if row.status == WRONG:
            return
        if self.repeated(row, code):
            return
        existing = Committee.objects.filter(code=code).first()
        if existing is not None:
            if self._administered(code) is None:
                row.error(h["code"], _("This code is already in use."))
            else:
                row.status = MATCH
                row.note = _("Already in the committee tree.")
            return
        try:
            Committee(code=code, name=name, kind=kind).full_clean(exclude=["path", "depth", "numchild"])
        except forms.ValidationError as error:
            self.form_errors(row, error.message_dict)
            return
        self.pending.add(code)

        def save():
            parent_now = parent or Committee.objects.get(code=parent_code)
            return committee_create(parent=parent_now, code=code, name=name, kind=kind, user=self.user)

        row.save = save


KINDS = {kind.code: kind for kind in (RecordKind, MemberKind, CommitteeKindImport)}


def kinds_for(user):
    return [kind for kind in KINDS.values() if kind.may_use(user)]
