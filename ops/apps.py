from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: the health endpoint, structured audit logs, backup and restore."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from studygroup import audit

        audit.connect()
