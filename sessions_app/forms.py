"""The record forms: one per kind, asking only what that kind needs, plus attendance and evidence.

`RecordEntry` bundles the three parts a secretary fills in on one page (the record, the attendance
rows, the files) and validates them together, because attendance depends on the committee and the
date typed in the record form.
"""
import datetime
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees.campaigns import campaign_choice_label, campaigns_covering
from committees.models import Member
from studygroup.choices import PleaseChoose
from studygroup.dates import bound_form_dates
from studygroup.fields import ModelMultipleChoiceField

from .closing import MAX_REASON, close_day, closed_months, correction_reason
from .kinds import KIND_FIELDS, KIND_HELP, KIND_LABELS, KIND_REQUIRED  # noqa: F401  (imported from here by others)
from .models import (
    ATTENDANCE_KINDS,
    REASON_REQUIRED,
    Activity,
    ActivityKind,
    Article,
    Attendance,
    AttendanceStatus,
    PlanTopic,
    StudyPlan,
    month_start,
)
from .uploads import ACCEPT, ARTICLE_ACCEPT, check_record_uploads, checked_article_type, checked_content_type

DATE_WIDGET = {"type": "date"}
COMMON_HEAD = ["held_on", "title"]
COMMON_TAIL = ["materials", "campaign", "theme", "plan_topics", "notes"]

def kind_fields(kind):
    return COMMON_HEAD + KIND_FIELDS[kind] + COMMON_TAIL


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content and size, errors name the file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        checked, errors = [], []
        for upload in files:
            try:
                upload = super().clean(upload, initial)
                checked.append((upload, checked_content_type(upload)))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return checked


class TopicChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, topic):
        return f"{topic.plan.year} · {topic.title}"


class ActivityForm(PleaseChoose, forms.ModelForm):
    """The record itself. Built per kind by `activity_form_class`; never used bare."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason for the correction"), required=False, max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the record's history and to the leaders above, with who corrected it and when."),
    )
    attachments = MultipleFileField(
        label=_("Photos and scans"),
        required=False,
        help_text=_("Photos of the sign-in sheet, scans or PDFs; up to 10 MB each."),
    )

    class Meta:
        model = Activity
        fields = ["held_on"]  # replaced per kind
        widgets = {
            "held_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "materials": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "discussion": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"plan_topics": TopicChoiceField}

    def __init__(self, *args, kind, writable_committees, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fixed_committee = committee
        # The month as stored, before this form changes the instance: a closed month's record needs a reason.
        self.original_month = self.instance.month if self.instance.pk else None
        if not self.instance.pk:
            del self.fields["reason"]  # a record dated in a closed month is a late entry, not a correction
        if "committee" in self.fields:
            # A retired committee is offered no more for new records; its own records can still be edited.
            self.fields["committee"].queryset = writable_committees.filter(
                Q(active=True) | Q(pk=self.instance.committee_id)
            )
            self.fields["committee"].widget.attrs["data-reload"] = "committee"
        for name in KIND_REQUIRED.get(kind, ()):
            self.fields[name].required = True
        for name, label in KIND_LABELS.get(kind, {}).items():
            self.fields[name].label = label
        for name, text in KIND_HELP.get(kind, {}).items():
            self.fields[name].help_text = text
        for name in ("audience_count", "participant_count", "period_count", "day_count", "article_count"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})
        if "held_on" in self.fields:
            self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
            if not self.instance.pk:
                # Secretaries log right after the session: today is the likeliest date. (The form's own
                # initial, read from the empty instance, would otherwise hide the field's.)
                if self.initial.get("held_on") is None:
                    self.initial["held_on"] = timezone.localdate()
        if "held_on" in self.fields:
            self.fields["held_on"].help_text = _(
                "A month closes on day %(day)s of the next month; a record dated in a closed month is a late entry."
            ) % {"day": close_day()}
        if not self.is_bound and not self.initial.get("submission_key"):
            self.initial["submission_key"] = uuid.uuid4()
        self._limit_plan_topics(writable_committees)
        self._limit_campaigns(writable_committees)

    def _limit_campaigns(self, writable_committees):
        """Offer the campaigns whose subtree holds the record's committee (Activity.clean() checks the date too)."""
        if "campaign" not in self.fields:
            return
        # A posted committee may differ from the one the page opened with: then every writable committee's.
        chosen = self.fixed_committee or (None if self.is_bound else self.initial.get("committee"))
        committees = [chosen] if hasattr(chosen, "path") else writable_committees
        field = self.fields["campaign"]
        field.queryset = campaigns_covering(committees, keep=self.instance.campaign_id)
        field.label_from_instance = campaign_choice_label

    def _limit_plan_topics(self, writable_committees):
        """Offer topics of the plans of this year and last year (and of the record's own year)."""
        today = timezone.localdate()
        years = {today.year, today.year - 1}
        if self.instance.held_on:
            years.add(self.instance.held_on.year)
        committees = [self.fixed_committee] if self.fixed_committee else writable_committees
        self.fields["plan_topics"].queryset = (
            PlanTopic.objects.filter(plan__committee__in=committees, plan__year__in=sorted(years))
            .select_related("plan")
            .order_by("-plan__year", "order", "id")
        )
        self.fields["plan_topics"].widget = forms.CheckboxSelectMultiple()
        self.fields["plan_topics"].widget.choices = self.fields["plan_topics"].choices
        approved = StudyPlan.objects.filter(
            committee__in=committees, year=today.year, approved_on__isnull=False,
        ).exclude(approved_by="")
        if not approved.exists():
            # An empty list of checkboxes says nothing: say where the topics come from, and where to add them.
            self.fields["plan_topics"].help_text = format_html(
                '<span id="no-plan-hint">{}</span> <a href="{}">{}</a>',
                _("There is no approved study plan for %(year)s yet: the topics come from the committee's "
                  "annual study plan.") % {"year": today.year},
                reverse("sessions_app:plans"), _("Open the study plans"),
            )

    def clean_submission_key(self):
        # A hidden field a person cannot correct: a mangled key just means "no double-post protection".
        try:
            return uuid.UUID(self.cleaned_data.get("submission_key") or "")
        except ValueError:
            return None

    def chosen_committee(self):
        """The committee the record is for: fixed, or picked (valid) in the form; None if not yet known."""
        if self.fixed_committee:
            return self.fixed_committee
        return self.cleaned_data.get("committee") if hasattr(self, "cleaned_data") else None

    def clean(self):
        cleaned = super().clean()
        committee = self.chosen_committee()
        held_on = cleaned.get("held_on")
        topics = cleaned.get("plan_topics") or []
        wrong = [t for t in topics if committee and held_on and (t.plan.committee_id != committee.id or t.plan.year != held_on.year)]
        if wrong:
            self.add_error("plan_topics", _("Pick topics from this committee's study plan for the year the record is dated."))
        if "reason" in self.fields:
            self._check_reason(cleaned)
        return cleaned

    @property
    def needs_reason(self):
        """Whether saving is a correction: the record's month (as stored) is closed."""
        return bool(self.original_month and closed_months(self.original_month))

    def _check_reason(self, cleaned):
        """A closed month's record, or one moved into a closed month, is saved only with a reason."""
        held_on = cleaned.get("held_on")
        closed = closed_months(self.original_month, month_start(held_on) if held_on else None)
        try:
            cleaned["reason"] = correction_reason(closed, cleaned.get("reason"))
        except ValidationError as error:
            self.add_error(None, error)

    def _post_clean(self):
        # The model's own checks (future dates, last day before first day) need the committee on the instance.
        if self.fixed_committee and not self.instance.committee_id:
            self.instance.committee = self.fixed_committee
        super()._post_clean()


_form_classes = {}


def activity_form_class(kind, *, with_committee):
    key = (kind, with_committee)
    if key not in _form_classes:
        fields = (["committee"] if with_committee else []) + kind_fields(kind)
        _form_classes[key] = forms.modelform_factory(Activity, form=ActivityForm, fields=fields)
    return _form_classes[key]


class AttendanceRowForm(PleaseChoose, forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("attendance"), choices=AttendanceStatus.choices, initial=AttendanceStatus.PRESENT)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)
    made_up_on = forms.DateField(
        label=_("make-up study on"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    made_up_note = forms.CharField(label=_("make-up study"), max_length=200, required=False)

    member_obj = None  # set by the formset for display

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_form_dates(self, Attendance, "made_up_on")

    def clean(self):
        cleaned = super().clean()
        # Leave (请假) and absence (缺席) are both accounted for: the row says why, at its reason field.
        reason = (cleaned.get("reason") or "").strip()
        if not reason and cleaned.get("status") in REASON_REQUIRED:
            self.add_error("reason", REASON_REQUIRED[cleaned["status"]])
        cleaned["reason"] = reason
        return cleaned


class BaseAttendanceFormSet(forms.BaseFormSet):
    """One row per study-group member; `members` is {id: Member} of the record's committee."""

    def __init__(self, *args, members, **kwargs):
        self.members = members
        super().__init__(*args, **kwargs)
        for form in self.forms:
            member_id = form.data.get(form.add_prefix("member")) if form.is_bound else form.initial.get("member")
            try:
                form.member_obj = self.members.get(int(member_id))
            except (TypeError, ValueError):
                form.member_obj = None

    def check(self, *, held_on):
        """Cross-checks against the record: members of this committee only, once each, make-up after the session."""
        seen = set()
        for form in self.forms:
            member_id = form.cleaned_data.get("member") if hasattr(form, "cleaned_data") else None
            if member_id is None:
                continue
            if member_id not in self.members:
                form.add_error("member", _("This person is not a member of this committee's study group."))
            elif member_id in seen:
                form.add_error("member", _("This member is listed twice."))
            seen.add(member_id)
            made_up_on = form.cleaned_data.get("made_up_on")
            if made_up_on and held_on and made_up_on < held_on:
                form.add_error("made_up_on", _("Make-up study cannot be before the session itself."))

    def rows(self):
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


AttendanceFormSet = forms.formset_factory(AttendanceRowForm, formset=BaseAttendanceFormSet, extra=0, max_num=500)


class ArticleForm(forms.ModelForm):
    """One reflection article: author and title, and its text or a file (PDF, DOCX or photos)."""

    upload = forms.FileField(
        label=_("File"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ARTICLE_ACCEPT}),
        help_text=_("PDF, Word (DOCX) or a photo; up to 10 MB."),
    )

    class Meta:
        model = Article
        fields = ["author", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        return (upload, checked_article_type(upload)) if upload else None

    def values(self):
        return {**{name: self.cleaned_data.get(name, "") for name in ("author", "title", "text")},
                "file": self.cleaned_data.get("upload")}


class BaseArticleFormSet(forms.BaseInlineFormSet):
    """The record's articles, one row each. Posted without its rows (an older form, a script), it keeps
    the articles as they are."""

    def valid(self):
        return not self.is_bound or self.is_valid()

    def kept(self):
        if not self.is_bound:
            return list(self.initial_forms)
        return [f for f in self.initial_forms if not self._should_delete_form(f)]

    def new_values(self):
        if not self.is_bound:
            return []
        return [f.values() for f in self.extra_forms if f.has_changed() and not self._should_delete_form(f)]

    def changed(self):
        return [(f.instance, f.values()) for f in self.kept() if f.has_changed()] if self.is_bound else []

    def removed(self):
        return [f.instance for f in self.initial_forms if self._should_delete_form(f)] if self.is_bound else []


ArticleFormSet = forms.inlineformset_factory(
    Activity, Article, form=ArticleForm, formset=BaseArticleFormSet, extra=1, can_delete=True, max_num=1000,
)

# "author — title": the first dash, colon, bar or tab on the line separates them.
ARTICLE_LINE = re.compile(r"\s*(?:——|—|－|–|\t|\||｜|：|:|\s-\s)\s*")
MAX_ARTICLE_LINES = 500


class ArticleListForm(forms.Form):
    """Many articles at once: one "author — title" a line, pasted from a list or a spreadsheet."""

    articles_list = forms.CharField(
        label=_("Many articles at once"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One article a line: author — title, for example “张三 — 学习党史的体会”."),
    )

    def clean_articles_list(self):
        lines = [(n, line.strip()) for n, line in enumerate(self.cleaned_data.get("articles_list", "").splitlines(), 1)]
        lines = [(n, line) for n, line in lines if line]
        if len(lines) > MAX_ARTICLE_LINES:
            raise ValidationError(_("At most %(limit)s articles at once (there are %(count)s lines)."),
                                  params={"limit": MAX_ARTICLE_LINES, "count": len(lines)})
        articles, errors = [], []
        for number, line in lines:
            parts = ARTICLE_LINE.split(line, maxsplit=1)
            author, title = (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else ("", "")
            if not author or not title:
                errors.append(_("Line %(line)s: give the author and the title, separated by “—”.") % {"line": number})
            elif len(author) > 60:
                errors.append(_("Line %(line)s: the author's name is longer than 60 characters.") % {"line": number})
            elif len(title) > 200:
                errors.append(_("Line %(line)s: the title is longer than 200 characters.") % {"line": number})
            else:
                articles.append({"author": author, "title": title, "text": "", "file": None})
        if errors:
            raise ValidationError(errors)
        return articles


def members_for(committee, activity=None, on=None):
    """The roster on the day `on` (today when not given), plus anyone already on this record's attendance.

    On the roster that day: joined on or before it (or always) and not yet left (left on or after it). A member
    with no leaving date who is no longer active (marked so before the roster kept dates) is not offered.
    """
    if committee is None:
        return {}
    on = on or timezone.localdate()
    members = Member.objects.filter(committee=committee)
    joined = Q(joined_on__isnull=True) | Q(joined_on__lte=on)
    staying = Q(left_on__gte=on) | Q(left_on__isnull=True, active=True)
    on_roster = members.filter(joined & staying)
    if activity is not None and activity.pk:
        on_roster = on_roster | members.filter(attendance__activity=activity)
    return {m.id: m for m in on_roster.distinct().order_by("order", "id")}


def _as_date(value):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


class RecordEntry:
    """The record form, its attendance rows and its files, validated together."""

    prefix_attendance = "att"
    prefix_articles = "art"

    def __init__(
        self, *, kind, writable_committees, sole_committee=None, data=None, files=None, instance=None,
        initial_committee=None, initial_held_on=None,
    ):
        self.kind = kind
        self.instance = instance or Activity(kind=kind)
        editing = self.instance.pk is not None
        fixed = self.instance.committee if editing else sole_committee
        form_class = activity_form_class(kind, with_committee=fixed is None)
        initial = {"committee": initial_committee} if fixed is None and initial_committee else {}
        if initial_held_on and not editing:
            initial["held_on"] = initial_held_on  # a new record opened for a given day (?held_on=)
        self.form = form_class(
            data, files, instance=self.instance, kind=kind, committee=fixed,
            writable_committees=writable_committees, initial=initial,
        )
        self.remove_attachments = None
        if editing and self.instance.attachments.exists():
            self.remove_attachments = ModelMultipleChoiceField(
                queryset=self.instance.attachments.all(), required=False, widget=forms.CheckboxSelectMultiple,
            )
        committee = fixed or self._posted_committee(data, writable_committees) or initial_committee
        self.committee = committee
        self.articles = self.article_list = None
        if kind == ActivityKind.REFLECTION:
            posted = data is not None and f"{self.prefix_articles}-TOTAL_FORMS" in data
            self.articles = ArticleFormSet(
                data if posted else None, files if posted else None, prefix=self.prefix_articles,
                instance=self.instance if editing else Activity(kind=kind),
            )
            self.article_list = ArticleListForm(data)
            if editing and self.instance.articles.exists():
                # The count follows the listed articles: shown, not typed.
                self.form.fields["article_count"].disabled = True
                self.form.fields["article_count"].help_text = _("Counted from the articles listed below.")
        self.attendance = None
        if kind in ATTENDANCE_KINDS:
            members = members_for(committee, self.instance if editing else None, on=self._session_date(data))
            self.attendance = AttendanceFormSet(
                data, prefix=self.prefix_attendance, members=members,
                initial=None if data is not None else self._initial_rows(members),
            )

    def _session_date(self, data):
        """The day whose roster is offered: the posted date, else the record's, else the form's initial (today)."""
        if data is not None:
            try:
                return self.form.fields["held_on"].clean(data.get("held_on"))
            except ValidationError:
                pass
        return self.instance.held_on or _as_date(self.form.initial.get("held_on"))

    def _posted_committee(self, data, writable_committees):
        if data is None or "committee" not in self.form.fields:
            return None
        try:
            return writable_committees.get(pk=int(data.get("committee")))
        except (TypeError, ValueError, writable_committees.model.DoesNotExist):
            return None

    def _initial_rows(self, members):
        existing = {}
        if self.instance.pk:
            existing = {a.member_id: a for a in self.instance.attendance.all()}
        rows = []
        for member_id in members:
            row = existing.get(member_id)
            if row:
                rows.append({
                    "member": member_id, "status": row.status, "reason": row.reason,
                    "made_up_on": row.made_up_on, "made_up_note": row.made_up_note,
                })
            else:
                rows.append({"member": member_id, "status": AttendanceStatus.PRESENT})
        return rows

    def is_valid(self):
        form_ok = self.form.is_valid()
        removal_ok = True
        if self.remove_attachments is not None:
            try:
                self.removed = self.remove_attachments.clean(self.form.data.getlist("remove_attachments"))
            except ValidationError:
                removal_ok = False
        else:
            self.removed = []
        if form_ok and removal_ok:
            form_ok = self._attachments_within_limits()
        articles_ok = self._articles_valid() if self.articles is not None else True
        if self.attendance is None:
            return form_ok and removal_ok and articles_ok
        rows_ok = self.attendance.is_valid()
        self.attendance.check(held_on=self.form.cleaned_data.get("held_on"))
        rows_ok = rows_ok and not any(f.errors for f in self.attendance.forms)
        return form_ok and rows_ok and removal_ok and articles_ok

    def _attachments_within_limits(self):
        """Files per record, in number and bytes: those the record keeps plus the new ones (sessions_app/uploads.py)."""
        kept = self.instance.attachments.exclude(pk__in=[a.pk for a in self.removed]) if self.instance.pk else None
        try:
            check_record_uploads(self.form.cleaned_data.get("attachments") or [], kept)
        except ValidationError as error:
            self.form.add_error("attachments", error)
            return False
        return True

    def _articles_valid(self):
        """The articles' rows and pasted list; then the count: derived from the articles when there are any,
        else typed (a counted batch), with an author when it is a single article."""
        ok = self.articles.valid() & self.article_list.is_valid()
        if not ok:
            return False
        listed = len(self.articles.kept()) + len(self.new_articles())
        cleaned = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        if listed:
            return True
        if self.articles.initial_forms:
            self.article_list.add_error("articles_list", _(
                "A record that lists its articles keeps at least one. To remove them all, delete the record."
            ))
            return False
        if "article_count" in self.form.errors:
            return False
        if cleaned.get("article_count") is None:
            self.form.add_error("article_count", _("Give the number of articles, or list the articles below."))
            return False
        if cleaned.get("article_count") == 1 and not cleaned.get("author"):
            self.form.add_error("author", _("Give the author of the article, or the number of articles in the batch."))
            return False
        return True

    def new_articles(self):
        """New articles, from the rows and the pasted list ({author, title, text, file})."""
        if self.articles is None:
            return []
        return self.articles.new_values() + (self.article_list.cleaned_data.get("articles_list") or [])

    def article_changes(self):
        return self.articles.changed() if self.articles is not None else []

    def removed_articles(self):
        return self.articles.removed() if self.articles is not None else []

    @property
    def has_upload_error(self):
        rows = self.articles.forms if self.articles is not None else []
        return self.has_files_error or any(f.errors.get("upload") for f in rows)

    @property
    def has_files_error(self):
        return bool(self.form.errors.get("attachments"))

    def record_data(self):
        """The record's own facts (no committee, topics, key or files), for the services."""
        skip = {"committee", "plan_topics", "submission_key", "attachments", "reason"}
        return {name: value for name, value in self.form.cleaned_data.items() if name not in skip}


class CorrectionReasonForm(forms.Form):
    """The reason for deleting a closed month's record (required then; not asked otherwise)."""

    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the corrections list to the leaders above, with who deleted the record and when."),
    )

    def __init__(self, *args, required, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].error_messages["required"] = _(
            "This record's month is closed: deleting the record is a correction. Give the reason for it."
        )

    def clean_reason(self):
        return (self.cleaned_data.get("reason") or "").strip()


class StudyPlanForm(PleaseChoose, forms.ModelForm):
    class Meta:
        model = StudyPlan
        fields = ["committee", "year", "title", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, writable_committees, sole_committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk or sole_committee:
            del self.fields["committee"]
            if not self.instance.pk:
                self.instance.committee = sole_committee
        else:
            # A retired committee is offered no more for new records; its own records can still be edited.
            self.fields["committee"].queryset = writable_committees.filter(
                Q(active=True) | Q(pk=self.instance.committee_id)
            )
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        committee = cleaned.get("committee") or getattr(self.instance, "committee", None)
        year = cleaned.get("year")
        if committee and year:
            clash = StudyPlan.objects.filter(committee=committee, year=year).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("year", _("This committee already has a study plan for %(year)s.") % {"year": year})
        return cleaned


class PlanTopicForm(PleaseChoose, forms.ModelForm):
    class Meta:
        model = PlanTopic
        fields = ["title", "source", "planned_month"]
        widgets = {"planned_month": forms.NumberInput(attrs={"min": 1, "max": 12, "inputmode": "numeric"})}


PlanTopicFormSet = forms.inlineformset_factory(
    StudyPlan, PlanTopic, form=PlanTopicForm, extra=3, can_delete=True, max_num=200
)


class PlanApprovalForm(forms.Form):
    approved_by = forms.CharField(label=_("Approved by (committee secretary)"), max_length=60)
    approved_on = forms.DateField(label=_("approved on"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_form_dates(self, StudyPlan, "approved_on")
