from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Statistics and bulletins")

    def ready(self):
        from . import kick
        from .definitions import register_study_metrics

        register_study_metrics()
        # The marking triggers follow the registry of the code that migrated (every app is ready by then).
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="reports_install_triggers")
        kick.connect()


def _install_triggers(sender, using="default", **kwargs):
    from . import triggers

    triggers.install(using)
