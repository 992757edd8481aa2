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
        _follow_campaigns_and_themes()


def _follow_campaigns_and_themes():
    """A campaign or theme saved or deleted here changes the figures this process knows at once."""
    from django.db.models.signals import post_delete, post_save

    from committees.models import Campaign, Theme

    from .metrics import forget_instances

    for model in (Campaign, Theme):
        post_save.connect(forget_instances, sender=model, dispatch_uid=f"reports_forget_{model.__name__}_save")
        post_delete.connect(forget_instances, sender=model, dispatch_uid=f"reports_forget_{model.__name__}_delete")


def _install_triggers(sender, using="default", **kwargs):
    from . import triggers

    triggers.install(using)
