"""The bulletin's pages: the monthly bulletin (published or current), publishing, and the outline editor.

Reading follows the scoping layer (committees/scope.py through scoping.committee_for): out of scope is 404.
Editing an outline takes an administrator of the committee or a committee above it; publishing, its leader or
administrator. Anyone else gets the same 404 as for a committee that does not exist.
"""
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studygroup.audit import log_export

from . import bulletin as bulletins
from . import exports, outline_publish, outline_services, scoping
from .forms import DashboardForm, parse_month
from .months import default_month
from .outline_forms import OutlineTitleForm, ParagraphFormSet, PreviewForm, paragraph_initial, paragraph_texts

FIRST_YEAR, LAST_YEAR = 2000, 2100


# ---------------------------------------------------------------- the bulletin


def _version_asked(request):
    raw = request.GET.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 6 else None


def _shown(request, committee, month, subtree_readable):
    """(document, published versions): the published version asked for (or the latest), else the current text.
    A reader of the committee alone (a secretary) gets the current own-group text: a published bulletin speaks
    of committees they may not read."""
    versions = outline_publish.versions(committee, month) if subtree_readable else []
    if versions and request.GET.get("draft") != "1":
        asked = _version_asked(request)
        chosen = next((v for v in versions if v.version == asked), versions[0])
        return outline_publish.document_from(chosen), versions
    return bulletins.build_cached(committee, month, subtree_readable=subtree_readable), versions


@login_required
@require_GET
def bulletin(request):
    form = DashboardForm(request.GET)
    committee = scoping.committee_for(request.user, form.value("committee"))
    month = form.value("month") or default_month()
    subtree_readable = scoping.reads_subtree(request.user, committee)
    document, versions = _shown(request, committee, month, subtree_readable)
    export = request.GET.get("format")
    if export in exports.FORMATS and export != "csv":
        log_export(request, "bulletin", export, committee=committee.code, month=f"{month:%Y-%m}")
        return exports.bulletin_response(export, document)
    published = document.published
    changes = outline_publish.changes_since(published) if published else []
    query = urlencode({"committee": committee.code, "month": f"{month:%Y-%m}"})
    return render(request, "reports/bulletin.html", {
        "document": document, "committee": committee, "month": month, "versions": versions,
        "published": published, "changes": changes,
        "corrections": outline_publish.corrections_since(published) if published else None,
        "corrections_url": _corrections_url(committee, month),
        "may_publish": subtree_readable and outline_services.may_publish(request.user, committee),
        "may_edit_outline": outline_services.administers(request.user, committee),
        "may_subscribe": subtree_readable,  # a leader may have the bulletin e-mailed each month (reminders app)
        "outline_url": reverse("reports:outline", args=[committee.code, month.year]),
        "query": query + (f"&version={published.version}" if published else "") + (
            "&draft=1" if request.GET.get("draft") == "1" and versions else ""),
        "base_query": query, "draft": request.GET.get("draft") == "1" and bool(versions),
    })


def _corrections_url(committee, month):
    try:
        url = reverse("sessions_app:corrections")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'committee': committee.pk, 'month': f'{month:%Y-%m}'})}"


@login_required
@require_POST
def publish(request):
    committee = scoping.committee_for(request.user, request.POST.get("committee") or None)
    month = parse_month(request.POST.get("month", ""))
    if month is None or not scoping.reads_subtree(request.user, committee):
        raise Http404
    if not outline_services.may_publish(request.user, committee):
        raise Http404
    try:
        version, created = outline_publish.bulletin_publish(committee=committee, month=month, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            messages.success(request, _("Published as version %(version)s.") % {"version": version.version})
        else:
            messages.info(request, _("Version %(version)s already says exactly this: nothing new was published.")
                          % {"version": version.version})
    return redirect(f"{reverse('reports:bulletin')}?{urlencode({'committee': committee.code, 'month': f'{month:%Y-%m}'})}")


# ---------------------------------------------------------------- the outline editor


def _year_or_404(year):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _preview_choices(data, committee, year):
    """(committee, month) of the preview: a committee in the editor's subtree, a month of the outline's year."""
    form = PreviewForm(data)
    code, month = form.value("preview_committee"), form.value("preview_month")
    shown = committee
    if code:
        shown = outline_services.committees_in_reach(committee).filter(code=code).first() or committee
    if month is None or month.year != year:
        default = default_month()
        month = default if default.year == year else datetime.date(year, 12, 1)
    return shown, month


@login_required
@require_http_methods(["GET", "POST"])
def outline_edit(request, code, year):
    committee = outline_services.administered_committee(request.user, code)
    year = _year_or_404(year)
    language = translation.get_language() or "zh-hans"
    in_effect = outline_services.outline_in_effect(committee, year, language)
    source = in_effect.outline
    data = request.POST if request.method == "POST" else request.GET
    shown_committee, shown_month = _preview_choices(data, committee, year)
    if request.method == "POST":
        title_form = OutlineTitleForm(request.POST)
        formset = ParagraphFormSet(request.POST, prefix="paragraphs")
        valid = title_form.is_valid() and formset.is_valid()
        if valid and request.POST.get("action") == "save":
            try:
                outline_services.outline_save(
                    committee=committee, year=year, language=language, title=title_form.cleaned_data["title"],
                    texts=paragraph_texts(formset), user=request.user,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The outline is saved."))
                return redirect(f"{reverse('reports:outline', args=[committee.code, year])}?"
                                f"{urlencode(_preview_query(shown_committee, shown_month))}")
        title, texts = (title_form.cleaned_data["title"], paragraph_texts(formset)) if valid else (None, None)
    else:
        title_form = OutlineTitleForm(initial={"title": source.title})
        formset = ParagraphFormSet(prefix="paragraphs", initial=paragraph_initial(source.texts))
        title, texts = source.title, source.texts
    preview = None
    if title is not None:
        preview = bulletins.render(shown_committee, shown_month, title=title, texts=texts, language=language)
    return render(request, "reports/outline_edit.html", {
        "committee": committee, "year": year, "in_effect": in_effect, "source": source,
        "title_form": title_form, "formset": formset, "preview": preview,
        "preview_committee": shown_committee, "preview_month": shown_month,
        "preview_committees": outline_services.committees_in_reach(committee)[:500],
        "next_year": year + 1 if year < LAST_YEAR else None,
        "next_year_exists": outline_services.outline_exists(committee, year + 1, language),
        "known_keys": sorted(outline_services.figure_keys()),
    })


def _preview_query(committee, month):
    return {"preview_committee": committee.code, "preview_month": f"{month:%Y-%m}"}


@login_required
@require_POST
def outline_copy(request, code, year):
    """Start the committee's outline of `year` from a copy of its latest own outline (e.g. 2022 from 2021), else of
    the outline in effect (an ancestor's or the default)."""
    committee = outline_services.administered_committee(request.user, code)
    year = _year_or_404(year)
    language = translation.get_language() or "zh-hans"
    source = outline_services.last_outline_before(committee, year, language)
    try:
        outline_services.outline_copy(source=source, committee=committee, year=year, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The %(year)s outline starts as a copy of the %(source)s outline.") % {
            "year": year, "source": source.year,
        })
    return redirect("reports:outline", committee.code, year)
