from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Knowledge tests, practical-matter tasks and annual assessment")

    def ready(self):
        from .metrics import register_assessment_metrics

        register_assessment_metrics()
