"""The uploaded file kept between the preview and the import: MEDIA_ROOT/imports/<user id>/<token>.<kind>, and
what the preview and the import leave beside it (same name, one suffix each):

- `.checked.json` and `.checked.jsonl.gz`: the rows the preview validated and normalised, keyed by the upload's
  SHA-256: the import writes them without reading and checking the spreadsheet again; a file that changed since
  (another digest) is checked again;
- `.status.json`: a big import's progress and outcome, for its page.

Only its owner finds it (the path holds their id; anyone else's token is 404), and nothing of the preview is
taken from the browser. Uploads previewed but never imported are removed by `manage.py imports_forget`."""
import fcntl
import gzip
import hashlib
import json
import os
import re
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404

TOKEN = re.compile(r"^[0-9a-f]{32}$")
CHECKED, CHECKED_ROWS, STATUS = ".checked.json", ".checked.jsonl.gz", ".status.json"


def _root():
    return Path(settings.MEDIA_ROOT) / "imports"


def _folder(user):
    return _root() / str(user.pk)


def keep(user, kind, upload):
    """Store `upload` for `user`; its token."""
    folder = _folder(user)
    folder.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    with open(folder / f"{token}.{kind}", "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


class Busy(Exception):
    """The file is being imported by another request or task."""


def kept_path(user, token, kind):
    """Where the user's file of that token and kind is (or was) kept; 404 for a malformed token."""
    if not TOKEN.match(token or ""):
        raise Http404
    return _folder(user) / f"{token}.{kind}"


def find(user, token, kinds):
    """(path, kind) of the user's kept file, or 404."""
    for kind in kinds:
        path = kept_path(user, token, kind)
        if path.is_file():
            return path, kind
    raise Http404


def _beside(path, suffix):
    return Path(f"{path}{suffix}")


def forget(path):
    """The upload and its checked rows (its status stays for its page, until imports_forget)."""
    for name in (path, _beside(path, CHECKED), _beside(path, CHECKED_ROWS)):
        Path(name).unlink(missing_ok=True)


@contextmanager
def exclusive(path):
    """One import of a file at a time (a second click, a redelivered task): Busy while another runs."""
    with open(path, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def digest(path):
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _write_json(target, value):
    """Whole or not at all: a reader never sees half a file."""
    temporary = _beside(target, f".{uuid.uuid4().hex}.tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(value, out, ensure_ascii=False, cls=DjangoJSONEncoder)
    os.replace(temporary, target)


def _read_json(target):
    try:
        with open(target, encoding="utf-8") as handle:
            return json.load(handle)
    except (FileNotFoundError, ValueError):
        return None


class CheckedWriter:
    """Writes the preview's validated rows one at a time (gzip JSON lines); `close(meta)` publishes them with
    the upload's digest, `discard()` leaves nothing."""

    def __init__(self, path, upload_digest):
        self.path, self.digest = Path(path), upload_digest
        self.temporary = _beside(path, f".{uuid.uuid4().hex}.tmp.gz")
        self.out = gzip.open(self.temporary, "wt", encoding="utf-8", compresslevel=1)

    def add(self, values):
        self.out.write(json.dumps(values, ensure_ascii=False, cls=DjangoJSONEncoder))
        self.out.write("\n")

    def close(self, meta):
        self.out.close()
        os.replace(self.temporary, _beside(self.path, CHECKED_ROWS))
        _write_json(_beside(self.path, CHECKED), {**meta, "digest": self.digest})

    def discard(self):
        self.out.close()
        self.temporary.unlink(missing_ok=True)


def checked(path, upload_digest=None):
    """What the preview kept for the file at `path` as it is now (its meta), or None: never previewed, kept
    without rows, or the file changed since."""
    meta = _read_json(_beside(path, CHECKED))
    if meta is None or not _beside(path, CHECKED_ROWS).is_file():
        return None
    if meta.get("digest") != (upload_digest or digest(path)):
        return None
    return meta


def checked_rows(path):
    """The kept rows, streamed."""
    with gzip.open(_beside(path, CHECKED_ROWS), "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def status(user, token):
    """A big import's status (a dict), or 404: only its owner's."""
    if not TOKEN.match(token or ""):
        raise Http404
    for found in _folder(user).glob(f"{token}.*{STATUS}"):
        value = _read_json(found)
        if value is not None:
            return value
    raise Http404


def set_status(path, **values):
    _write_json(_beside(path, STATUS), {**values, "at": time.time()})


def read_status(path):
    return _read_json(_beside(path, STATUS))


def stale(older_than_seconds, now=None):
    """Every kept file (uploads, checked rows, statuses, half-written files) untouched for that long."""
    cutoff = (now or time.time()) - older_than_seconds
    if not _root().is_dir():
        return
    for folder in _root().iterdir():
        if not folder.is_dir():
            continue
        for found in folder.iterdir():
            try:
                if found.is_file() and found.stat().st_mtime < cutoff:
                    yield found
            except FileNotFoundError:
                continue  # removed meanwhile (an import finishing)
