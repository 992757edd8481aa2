"""The archive volume's pages: the user's volumes with their progress, the request, the status and the download.

Everything is read through archive/selectors.py: a committee or a volume out of scope is 404."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from studygroup.audit import log_export

from .forms import VolumeRequestForm
from .selectors import LISTED_COMMITTEES, archive_committees, committee_for_request, volume_for_user, volumes_of
from .services import archive_volume_request

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHOWN_VOLUMES = 50


def _default_year():
    today = timezone.localdate()
    return today.year - 1 if today.month <= 2 else today.year  # the year-end inspection runs into the new year


def _page(request, form, status=200):
    committees = archive_committees(request.user).order_by("path")
    listed = list(committees[: LISTED_COMMITTEES + 1])
    return render(request, "archive/volumes.html", {
        "form": form,
        "committees": listed[:LISTED_COMMITTEES],
        "committees_listed_in_full": len(listed) <= LISTED_COMMITTEES,
        "volumes": list(volumes_of(request.user)[:SHOWN_VOLUMES]),
        "this_year": timezone.localdate().year,
    }, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def volumes(request):
    if not archive_committees(request.user).exists():
        raise Http404  # neither secretary, leader nor administrator: there is no volume to ask for
    if request.method != "POST":
        initial = {"year": _default_year()}
        first = archive_committees(request.user).order_by("path").values_list("code", flat=True).first()
        initial["committee"] = request.GET.get("committee", "")[:40] or first
        return _page(request, VolumeRequestForm(initial=initial))
    form = VolumeRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    committee = committee_for_request(request.user, form.cleaned_data["committee"].strip())
    try:
        archive_volume_request(user=request.user, committee=committee, year=form.cleaned_data["year"])
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return _page(request, form, status=400)
    messages.success(request, gettext("The volume is being built. This page shows its progress."))
    return redirect("archive:volumes")


@require_safe
@login_required
def status(request, pk):
    volume = volume_for_user(request.user, pk)
    return JsonResponse({
        "id": volume.pk,
        "status": volume.status,
        "status_label": volume.get_status_display(),
        "progress": volume.progress,
        "step": str(volume.step_label),
        "pending": volume.is_pending,
        "download_url": volume.get_download_url() if volume.is_done else None,
        "error": volume.error,
    }, headers={"Cache-Control": "no-store"})


@require_safe
@login_required
def download(request, pk):
    volume = volume_for_user(request.user, pk)
    if not volume.is_done:
        raise Http404
    try:
        handle = volume.file.open("rb")
    except FileNotFoundError:
        raise Http404
    filename = gettext("%(committee)s %(year)s study archive volume") % {
        "committee": volume.committee.name, "year": volume.year}
    response = FileResponse(handle, as_attachment=True, filename=f"{filename}.docx", content_type=DOCX_TYPE)
    response["Cache-Control"] = "private, no-store"
    log_export(request, "archive_volume", "docx", committee=volume.committee.code, year=volume.year)
    return response
