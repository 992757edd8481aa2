"""Bulletin outlines: which one applies, who may edit it, validating, saving and copying one.

The outline of a committee and year is its own, else the nearest ancestor's, else the portal's default (the
2021 document's sentences, stored on first use). Writes are keyword-only services that validate and save in one
transaction: an outline that names a missing figure is refused whole, nothing half-saved.
"""
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation

from committees import policy
from committees.models import Committee, RoleKind

from . import metrics as registry
from . import outline, outline_defaults
from .outline_models import BulletinOutline, OutlineParagraph

MAX_PARAGRAPHS = 40
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text):
    """An outline's text without control characters (a DOCX cannot hold them) or surrounding blanks."""
    return CONTROL_CHARS.sub("", text or "").strip()


# ---------------------------------------------------------------- the figure keys an outline may name


def figure_keys():
    """Every figure key that exists now (static, ratio, coverage, and one per campaign/theme and template)."""
    known = getattr(registry, "known_keys", None)
    if known is not None:
        return set(known())
    return set(registry.REGISTRY) | set(registry.RATIOS) | set(registry.COVERAGES)


def percentage_keys():
    return set(registry.RATIOS) | set(registry.COVERAGES)


def check_text(text, known=None):
    """The figure keys `text` names; OutlineError (translated, naming the placeholder) when it cannot print."""
    known = figure_keys() if known is None else known
    return outline.check(text, known, percentages=percentage_keys(), no_month=set(registry.COVERAGES))


# ---------------------------------------------------------------- which outline applies


@dataclass
class InEffect:
    outline: BulletinOutline
    own: bool  # the committee's own outline of that year (else inherited or the default)


def ancestors_and_self(committee):
    """The committee and every committee above it, nearest first (from the materialized path)."""
    steps = len(committee.path) // committee.steplen
    paths = [committee.path[: committee.steplen * n] for n in range(steps, 0, -1)]
    found = {c.path: c for c in Committee.objects.filter(path__in=paths)}
    return [found[p] for p in paths if p in found]


def outline_in_effect(committee, year, language=None):
    language = language or translation.get_language() or "zh-hans"
    chain = ancestors_and_self(committee) if committee is not None else []
    rows = {
        o.committee_id: o for o in BulletinOutline.objects.filter(
            committee__in=chain, year=year, language=language,
        ).select_related("committee")
    }
    for candidate in chain:
        if candidate.pk in rows:
            return InEffect(rows[candidate.pk], own=candidate.pk == getattr(committee, "pk", None))
    return InEffect(default_outline(year, language), own=False)


def default_outline(year, language):
    """The portal's default for `year`: the latest default of that year or before (else the earliest), stored
    from outline_defaults on first use."""
    defaults = BulletinOutline.objects.filter(committee__isnull=True, language=language)
    found = defaults.filter(year__lte=year).order_by("-year").first() or defaults.order_by("year").first()
    if found is not None:
        return found
    with translation.override(language):
        title, texts = outline_defaults.title(), outline_defaults.paragraphs()
    try:
        with transaction.atomic():
            made = BulletinOutline.objects.create(
                committee=None, year=outline_defaults.DEFAULT_YEAR, language=language, title=title,
            )
            _write_paragraphs(made, texts)
            return made
    except IntegrityError:  # another request stored it at the same moment
        return BulletinOutline.objects.get(committee__isnull=True, year=outline_defaults.DEFAULT_YEAR,
                                           language=language)


# ---------------------------------------------------------------- who may edit, who may publish


def administers(user, committee):
    """A superuser, or an administrator role on the committee or a committee above it (committees/scope.py)."""
    return policy.may(user, policy.ADMINISTER, committee)


def may_publish(user, committee):
    """The committee's leader or administrator (a role on it or above), or a superuser."""
    if administers(user, committee):
        return True
    return bool(user and user.is_authenticated) and _holds_role_above(user, committee, (RoleKind.LEADER,))


def _holds_role_above(user, committee, kinds):
    return user.roles.filter(kind__in=kinds).filter(
        committee__path__in=[committee.path[:n] for n in range(committee.steplen, len(committee.path) + 1,
                                                                  committee.steplen)],
    ).exists()


def administered_committee(user, code):
    """The committee `code` if the user administers it, else 404 (missing and not yours look alike)."""
    committee = Committee.objects.filter(code=code).first() if code else None
    if committee is None or not administers(user, committee):
        raise Http404
    return committee


def committees_in_reach(committee):
    """The committees whose bulletin an outline editor of `committee` may preview: it and its subtree."""
    return Committee.objects.filter(path__startswith=committee.path).order_by("path")


def outline_exists(committee, year, language):
    return BulletinOutline.objects.filter(committee=committee, year=year, language=language).exists()


def last_outline_before(committee, year, language):
    """What a new year starts from: the committee's own latest outline before `year`, else the outline in effect
    for `year` (an ancestor's or the default)."""
    own = BulletinOutline.objects.filter(committee=committee, year__lt=year, language=language).order_by("-year")
    return own.first() or outline_in_effect(committee, year, language).outline


# ---------------------------------------------------------------- writes


def outline_validate(*, title, texts):
    """{field: message} for every field that cannot print: "title" and "paragraph-<n>" (0-based)."""
    known = figure_keys()
    errors = {}
    for name, text in [("title", title), *((f"paragraph-{n}", t) for n, t in enumerate(texts))]:
        try:
            check_text(text, known)
        except outline.OutlineError as error:
            errors[name] = str(error)
    return errors


@transaction.atomic
def outline_save(*, committee, year, language, title, texts, user):
    """Create or replace the committee's outline of `year` (title and paragraphs), validated first."""
    title, texts = clean_text(title), [clean_text(t) for t in texts if clean_text(t)]
    errors = outline_validate(title=title, texts=texts)
    if errors:
        raise ValidationError(errors)
    found, _ = BulletinOutline.objects.select_for_update().get_or_create(
        committee=committee, year=year, language=language,
        defaults={"title": title, "updated_by": user},
    )
    found.title, found.updated_by, found.updated_at = title, user, timezone.now()
    found.save()
    found.paragraphs.all().delete()
    _write_paragraphs(found, texts)
    return found


def outline_copy(*, source, committee, year, user):
    """A new outline of `committee` for `year`, starting from a copy of `source` (e.g. last year's). The copy is
    stored as it is, even if it names figures that no longer exist, so its author sees and fixes them in the
    editor (which then refuses to save until they are fixed)."""
    with transaction.atomic():
        if BulletinOutline.objects.filter(committee=committee, year=year, language=source.language).exists():
            raise ValidationError({"year": _exists_message(year)})
        made = BulletinOutline.objects.create(
            committee=committee, year=year, language=source.language, title=source.title, updated_by=user,
        )
        _write_paragraphs(made, source.texts)
    return made


def _exists_message(year):
    from django.utils.translation import gettext

    return gettext("There is already an outline for %(year)s.") % {"year": year}


def _write_paragraphs(target, texts):
    OutlineParagraph.objects.bulk_create(
        OutlineParagraph(outline=target, position=n, text=text) for n, text in enumerate(texts[:MAX_PARAGRAPHS])
    )
