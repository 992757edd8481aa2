"""Study campaigns and themes: who may make and change them, which concern a user, which records fit one, and
the writes.

Who: a leader or administrator of a committee makes and changes the campaigns and themes organised by that
committee or one under it (a superuser: any). One for the whole tree (no committee) belongs to whoever leads or
administers a root.

An *edition*: two campaigns are editions of one campaign when the same committee organises both (or both cover
the whole tree) and they have the same name (blanks and letter case aside) or codes that differ only by a year
suffix (`study-month-2025`, `study-month-2026`, `study-month`). Editions may not overlap in time: a record
tagged during the overlap would belong to either.

Writes are keyword-only services that check everything first and save in one transaction: a refusal is one
ValidationError keyed by the form's field names, and nothing is half-saved. A code is never changed here: it is
part of the figures' keys (`campaign.<code>.<template>`).
"""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Campaign, Committee, RoleKind, Theme
from .scope import committees_q, scope_for

MANAGER_ROLES = (RoleKind.LEADER, RoleKind.ADMIN)
RESERVED_CODES = {"new"}  # a path segment of the pages (reports/urls.py): /reports/campaigns/new/
CODE_LENGTH = 40  # Campaign.code / Theme.code
YEAR_SUFFIX = re.compile(r"-\d{4}$")
BLANKS = re.compile(r"\s+")


# ---------------------------------------------------------------- who may make and change them


def _active(user):
    return bool(user and user.is_authenticated and user.is_active)


def manager_paths(user):
    """Paths of the committees on which the user holds a leader or administrator role (one query, kept on the
    user object for the request)."""
    if not _active(user):
        return []
    cached = getattr(user, "_campaign_manager_paths", None)
    if cached is None:
        cached = sorted(user.roles.filter(kind__in=MANAGER_ROLES).values_list("committee__path", flat=True))
        user._campaign_manager_paths = cached
    return cached


def may_manage(user):
    """Whether the user may make campaigns and themes at all."""
    return _active(user) and (user.is_superuser or bool(manager_paths(user)))


def managed_committees(user):
    """The committees that may organise the user's campaigns and themes: the subtrees of their leader and
    administrator roles; a superuser's, every committee."""
    if not _active(user):
        return Committee.objects.none()
    if user.is_superuser:
        return Committee.objects.all()
    return Committee.objects.filter(committees_q(paths=manager_paths(user)))


def manages(user, obj):
    """Whether the user may change this campaign or theme."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    paths = manager_paths(user)
    if obj.committee_id is None:
        return may_cover_whole_tree(user)
    return any(obj.committee.path.startswith(p) for p in paths)


def default_committee(user):
    """The committee a new campaign is organised by unless the user picks another: their own (the highest one
    they lead or administer; a superuser without roles: the first root)."""
    paths = manager_paths(user)
    if paths:
        return Committee.objects.filter(path=paths[0]).first()
    return Committee.objects.get_first_root_node() if _active(user) and user.is_superuser else None


# ---------------------------------------------------------------- which concern a user


def _paths_above(path):
    step = Committee.steplen
    return [path[:n] for n in range(step, len(path) + 1, step)]


def relevant_q(user):
    """The campaigns (or themes) that concern the user: for the whole tree, organised by a committee they hold a
    role on or one above it, or (leaders and administrators) by a committee in their subtrees. A system
    administrator reads everything (committees/scope.py), so every one concerns them."""
    scope = scope_for(user)
    if scope.is_empty:
        return Q(pk__in=[])
    if scope.is_admin:
        return Q()
    above = sorted({p for committee in scope.roots for p in _paths_above(committee.path)})
    found = Q(committee__isnull=True) | Q(committee__path__in=above)
    if manager_paths(user):
        found |= committees_q("committee__", paths=manager_paths(user))
    return found


def campaigns_for(user):
    return Campaign.objects.filter(relevant_q(user)).select_related("committee").order_by("-starts_on", "code")


def themes_for(user):
    return Theme.objects.filter(relevant_q(user)).select_related("committee").order_by("name", "code")


# ---------------------------------------------------------------- which records fit a campaign


def campaigns_covering(committees, *, keep=None):
    """The campaigns whose subtree holds one of `committees` (a queryset or a list of committees), plus the
    campaign `keep` (a record's present tag, so its own error is shown rather than "not a valid choice")."""
    if isinstance(committees, (list, tuple)):
        committees = Committee.objects.filter(pk__in=[c.pk for c in committees])
    inside = committees.order_by().filter(path__startswith=OuterRef("committee__path"))
    found = Q(committee__isnull=True) | Q(Exists(inside))
    if keep:
        found |= Q(pk=keep)
    return Campaign.objects.filter(found)


def campaign_misfit(campaign, committee, day):
    """Why a record of `committee` dated `day` cannot be tagged with `campaign` (None: it can). The one rule
    behind sessions_app.Activity.clean(), so the forms, the imports and the API share it."""
    organiser = campaign.committee
    if organiser is not None and committee is not None and not committee.path.startswith(organiser.path):
        return _("“%(campaign)s” is organised by %(organiser)s for the committees under it; %(committee)s is not "
                 "among them.") % {"campaign": campaign.name, "organiser": organiser.name, "committee": committee.name}
    if day is not None and not campaign.starts_on <= day <= campaign.ends_on:
        return _("“%(campaign)s” runs from %(start)s to %(end)s; this record is dated %(day)s.") % {
            "campaign": campaign.name, "start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat(),
            "day": day.isoformat(),
        }
    return None


def campaign_choice_label(campaign):
    return _("%(name)s (%(start)s to %(end)s)") % {
        "name": campaign.name, "start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat(),
    }


# ---------------------------------------------------------------- codes


def normal_code(code):
    return (code or "").strip().lower()


def code_stem(code):
    """The code without a year suffix: `study-month-2026` → `study-month`."""
    return YEAR_SUFFIX.sub("", code)


def _ascii_slug(text):
    slug = re.sub(r"-{2,}", "-", slugify(text or "").replace("_", "-")).strip("-")
    return slug


def suggested_code(model, *, name, year=None, fallback):
    """A free code from the name's Latin letters and digits and the year (`Study month` 2026 →
    `study-month-2026`); a name without any (a Chinese name) gives `fallback` (e.g. `campaign-202603`)."""
    slug = _ascii_slug(name)
    suffix = f"-{year}" if year and slug and not slug.endswith(str(year)) else ""
    base = (slug[: CODE_LENGTH - len(suffix) - 3].strip("-") + suffix) if slug else fallback
    taken = set(model.objects.filter(code__startswith=base).values_list("code", flat=True)) | RESERVED_CODES
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def _code_errors(model, code):
    """Messages for a code typed by the user (format, reserved, taken)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code):
        return [_("Use 1–40 lower-case letters, digits or hyphens, starting with a letter or digit.")]
    if code in RESERVED_CODES:
        return [_("“%(code)s” is reserved for the portal's pages; choose another code.") % {"code": code}]
    taken = model.objects.filter(code=code).first()
    if taken is not None:
        return [_("The code “%(code)s” is already used by “%(name)s”. Codes are unique because they are part of "
                  "the figures' keys.") % {"code": code, "name": taken.name}]
    return []


def _taken(code):
    return ValidationError({"code": _("The code “%(code)s” was taken a moment ago; choose another code.")
                            % {"code": code}})


# ---------------------------------------------------------------- campaigns


def _clean(text):
    return BLANKS.sub(" ", text or "").strip()


def same_name(a, b):
    return _clean(a).casefold() == _clean(b).casefold()


def editions_of(campaign):
    """The other editions of `campaign` (see the module's docstring): same organising committee, and the same
    name or the same code up to a year suffix."""
    stem = code_stem(campaign.code)
    same_committee = Q(committee__isnull=True) if campaign.committee_id is None else Q(committee=campaign.committee_id)
    by_code = Q(code=stem) | Q(code__startswith=f"{stem}-")  # the year suffix is checked below
    found = Campaign.objects.filter(same_committee).filter(by_code | Q(name__iexact=_clean(campaign.name)))
    if campaign.pk is not None:
        found = found.exclude(pk=campaign.pk)
    return [c for c in found if code_stem(c.code) == stem or same_name(c.name, campaign.name)]


def _overlap_error(campaign, errors):
    """An edition whose period shares a day with this one's: the message at the date that falls inside it."""
    for other in editions_of(campaign):
        if other.starts_on <= campaign.ends_on and campaign.starts_on <= other.ends_on:
            field = "starts_on" if other.starts_on <= campaign.starts_on <= other.ends_on else "ends_on"
            errors.setdefault(field, []).append(_(
                "This period overlaps “%(other)s” (%(code)s, %(start)s to %(end)s), an edition of the same campaign "
                "by the same committee. Editions of a campaign may not overlap: change the dates."
            ) % {"other": other.name, "code": other.code, "start": other.starts_on.isoformat(),
                 "end": other.ends_on.isoformat()})
            return


def _tagged_outside(campaign, errors):
    """A changed campaign must still hold every record already tagged with it (Activity.clean() would refuse
    their next edit): the period and the organising committee cannot shrink past them."""
    if campaign.pk is None:
        return
    tagged = campaign.activities.all()
    early = tagged.filter(Q(held_on__lt=campaign.starts_on) | Q(held_on__gt=campaign.ends_on)).count()
    if early:
        errors.setdefault("starts_on", []).append(_(
            "%(count)s records tagged with this campaign are dated outside the new period; keep the period "
            "around them or untag them first.") % {"count": early})
    if campaign.committee_id is not None:
        outside = tagged.exclude(committee__path__startswith=campaign.committee.path).count()
        if outside:
            errors.setdefault("committee", []).append(_(
                "%(count)s records tagged with this campaign belong to committees outside %(committee)s; "
                "choose a committee above them.") % {"count": outside, "committee": campaign.committee.name})


def may_cover_whole_tree(user):
    """A campaign or theme for the whole tree (no organising committee): a superuser's, or a root's leader's or
    administrator's."""
    return _active(user) and (user.is_superuser or any(len(p) == Committee.steplen for p in manager_paths(user)))


def _check_committee(user, committee, errors):
    if committee is None:
        if not may_cover_whole_tree(user):
            errors.setdefault("committee", []).append(_("Choose the organising committee."))
        return
    if not managed_committees(user).filter(pk=committee.pk).exists():
        errors.setdefault("committee", []).append(
            _("Choose your own committee or one under it."))


def _model_errors(obj, errors, exclude=()):
    try:
        obj.full_clean(exclude=["code", *exclude], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def campaign_validate(*, user, campaign, code_typed=True):
    """{field: [messages]} of everything wrong with `campaign` (unsaved values), the code included when new."""
    errors = {}
    if campaign.pk is None and code_typed:
        code_errors = _code_errors(Campaign, campaign.code)
        if code_errors:
            errors["code"] = code_errors
    _model_errors(campaign, errors)
    _check_committee(user, campaign.committee, errors)
    dates_ok = campaign.starts_on and campaign.ends_on and not {"starts_on", "ends_on"} & errors.keys()
    if dates_ok and campaign.ends_on < campaign.starts_on:
        errors.setdefault("ends_on", []).append(_("The campaign cannot end before it starts."))
        dates_ok = False
    if dates_ok:
        _overlap_error(campaign, errors)
        _tagged_outside(campaign, errors)
    return errors


def _require_manager(user, obj=None):
    # Views answer 404 before this; reaching here without the right is a programming error.
    if not may_manage(user) or (obj is not None and obj.pk and not manages(user, obj)):
        raise PermissionDenied


def _lock(committee):
    """Serialise the writes of one committee's campaigns, so two overlapping editions cannot pass the check at
    the same moment (a no-op on SQLite, whose writes are serial anyway)."""
    if committee is not None:
        list(Committee.objects.select_for_update().filter(pk=committee.pk).values_list("pk"))


@transaction.atomic
def campaign_create(*, user, name, committee, starts_on, ends_on, description="", code=""):
    """A new campaign; `code` empty: one is made from the name and the year (see `suggested_code`)."""
    _require_manager(user)
    _lock(committee)
    name, code = _clean(name), normal_code(code)
    campaign = Campaign(name=name, committee=committee, starts_on=starts_on, ends_on=ends_on,
                        description=(description or "").strip(), code=code)
    if not code and name and starts_on:
        campaign.code = suggested_code(Campaign, name=name, year=getattr(starts_on, "year", None),
                                       fallback=f"campaign-{starts_on:%Y%m}")
    errors = campaign_validate(user=user, campaign=campaign, code_typed=bool(code))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        raise _taken(campaign.code)
    return campaign


@transaction.atomic
def campaign_update(*, user, campaign, name, committee, starts_on, ends_on, description=""):
    """Change a campaign; its code stays (it is part of the figures' keys)."""
    stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_manager(user, stored)
    _lock(committee)
    stored.name, stored.committee, stored.starts_on, stored.ends_on = _clean(name), committee, starts_on, ends_on
    stored.description = (description or "").strip()
    errors = campaign_validate(user=user, campaign=stored)
    if errors:
        raise ValidationError(errors)
    stored.save()
    return stored


# ---------------------------------------------------------------- themes


def theme_validate(*, user, theme, code_typed=True):
    errors = {}
    if theme.pk is None and code_typed:
        code_errors = _code_errors(Theme, theme.code)
        if code_errors:
            errors["code"] = code_errors
    _model_errors(theme, errors)
    _check_committee(user, theme.committee, errors)
    same_committee = Q(committee__isnull=True) if theme.committee_id is None else Q(committee=theme.committee_id)
    twin = Theme.objects.filter(same_committee, name__iexact=theme.name).exclude(pk=theme.pk).first()
    if theme.name and twin is not None:
        errors.setdefault("name", []).append(
            _("This committee already has the theme “%(name)s” (%(code)s).") % {"name": twin.name, "code": twin.code})
    return errors


@transaction.atomic
def theme_create(*, user, name, committee, code=""):
    _require_manager(user)
    _lock(committee)
    name, code = _clean(name), normal_code(code)
    theme = Theme(name=name, committee=committee, code=code)
    if not code and name:
        theme.code = suggested_code(Theme, name=name, fallback=f"theme-{timezone.localdate():%Y%m}")
    errors = theme_validate(user=user, theme=theme, code_typed=bool(code))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError:
        raise _taken(theme.code)
    return theme


@transaction.atomic
def theme_update(*, user, theme, name, committee):
    """Change a theme's name or organising committee; its code stays (part of the figures' keys)."""
    stored = Theme.objects.select_for_update().get(pk=theme.pk)
    _require_manager(user, stored)
    _lock(committee)
    stored.name, stored.committee = _clean(name), committee
    errors = theme_validate(user=user, theme=stored)
    if errors:
        raise ValidationError(errors)
    stored.save()
    return stored
