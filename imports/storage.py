"""The uploaded file kept between the preview and the import: MEDIA_ROOT/imports/<user id>/<token>.<kind>.

Only its owner finds it (the path holds their id; anyone else's token is 404), and the import reads and checks it
again from the server's copy: nothing of the preview is taken from the browser."""
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.http import Http404

TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _folder(user):
    return Path(settings.MEDIA_ROOT) / "imports" / str(user.pk)


def keep(user, kind, upload):
    """Store `upload` for `user`; its token."""
    folder = _folder(user)
    folder.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    with open(folder / f"{token}.{kind}", "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def find(user, token, kinds):
    """(path, kind) of the user's kept file, or 404."""
    if not TOKEN.match(token or ""):
        raise Http404
    for kind in kinds:
        path = _folder(user) / f"{token}.{kind}"
        if path.is_file():
            return path, kind
    raise Http404


def forget(path):
    Path(path).unlink(missing_ok=True)
