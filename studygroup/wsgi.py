import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studygroup.settings")
application = get_wsgi_application()

from .startup import require_secret_key  # noqa: E402  (settings are loaded now)

require_secret_key()

from reports.kick import start  # noqa: E402

start()  # the embedded default's statistics thread (nothing with a Celery worker)
