import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studygroup.settings")
application = get_wsgi_application()

from .startup import require_secret_key  # noqa: E402  (settings are loaded now)

require_secret_key()

from django.conf import settings  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.translation import trans_real  # noqa: E402

# Load now what the first request would: every view (reversing a URL imports the URL conf and its views), the
# translation catalogues and the login page's templates. Under gunicorn --preload the workers fork with them
# loaded, and no user waits ~1 s for a fresh worker's first page. (Nothing here touches the database.)
reverse("login")
for code, _name in settings.LANGUAGES:
    trans_real.translation(code)
get_template("registration/login.html")

from reports.kick import start  # noqa: E402

start()  # the embedded default's statistics thread (nothing with a Celery worker)
