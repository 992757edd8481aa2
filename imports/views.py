"""Bulk import pages: pick a kind and upload, see the preview (new / matches / wrong, with row and column), import
all or nothing (over services.BIG_IMPORT new rows as a task, with a page showing its progress and outcome). Who
may: records and the roster, anyone who writes a committee (its rows only); committees, an administrator (under the
committees they administer). Anyone else: 404; someone else's upload or import: 404."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studygroup.spreadsheets import XLSX_TYPE

from . import storage
from .forms import UploadForm
from .kinds import kinds_for
from .reader import FileProblem
from .services import ImportRefused, Summary, import_enqueue, import_file, import_is_big, import_preview
from .templates_xlsx import template_bytes


def _kinds(user):
    kinds = kinds_for(user)
    if not kinds:
        raise Http404
    return kinds


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def start(request):
    kinds = _kinds(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        token = storage.keep(request.user, form.cleaned_data["kind"], form.cleaned_data["file"])
        return redirect("imports:preview", token=token)
    return render(request, "imports/start.html", {"form": form, "kinds": kinds},
                  status=400 if form.is_bound else 200)


def _kept(request, token):
    kinds = {kind.code: kind for kind in _kinds(request.user)}
    path, code = storage.find(request.user, token, kinds)
    return path, kinds[code]


@require_safe
@login_required
def preview(request, token):
    path, kind = _kept(request, token)
    try:
        summary = import_preview(user=request.user, kind_class=kind, path=path)
    except FileProblem as problem:
        storage.forget(path)
        messages.error(request, str(problem))
        return redirect("imports:start")
    return render(request, "imports/preview.html", {
        "summary": summary, "kind": kind, "token": token,
        "in_background": import_is_big(user=request.user, kind_class=kind, path=path)})


@require_POST
@login_required
def confirm(request, token):
    path, kind = _kept(request, token)
    try:
        if import_is_big(user=request.user, kind_class=kind, path=path):
            import_enqueue(user=request.user, kind_class=kind, path=path, token=token)
            return redirect("imports:status", token=token)
        summary = import_file(user=request.user, kind_class=kind, path=path)
    except FileProblem as problem:
        storage.forget(path)
        messages.error(request, str(problem))
        return redirect("imports:start")
    except storage.Busy:
        messages.warning(request, _("This file is being imported already: wait for its end."))
        return redirect("imports:start")
    except ImportRefused as refused:
        return _refused(request, refused.summary, kind, token)
    storage.forget(path)
    messages.success(request, _imported_message(summary.counts))
    return redirect("imports:start")


def _refused(request, summary, kind, token):
    messages.error(request, _("Nothing was imported: correct the rows listed below and upload the file again."))
    return render(request, "imports/preview.html", {"summary": summary, "kind": kind, "token": token,
                                                    "refused": True}, status=400)


def _imported_message(counts):
    return _("Imported: %(new)s new rows; %(match)s rows were already in the portal.") % {
        "new": counts["new"], "match": counts["match"]}


@require_safe
@login_required
def status(request, token):
    """A big import's progress (the page reloads itself until the end), then its outcome."""
    job = storage.status(request.user, token)
    summary = Summary.from_dict(job["summary"]) if "summary" in job else None
    response = render(request, "imports/status.html", {
        "job": job, "summary": summary, "token": token, "pending": job["state"] in ("queued", "running"),
        "percent": min(100, round(100 * job.get("done", 0) / job["total"])) if job.get("total") else 0,
        "imported": _imported_message(summary.counts) if job["state"] == "done" else "",
    })
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@login_required
def template(request, kind):
    kinds = {k.code: k for k in _kinds(request.user)}
    if kind not in kinds:
        raise Http404
    response = HttpResponse(template_bytes(kinds[kind]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="import-{kind}.xlsx"'
    return response
