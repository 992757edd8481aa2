from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Statistics and bulletins")

    def ready(self):
        from . import signals
        from .definitions import register_study_metrics

        register_study_metrics()
        # Other apps register in their own ready(); connect to every source once all apps are ready.
        signals.connect_sources()
