"""How a record reads at a glance: its kind's icon and its key figure (from the row alone, no queries)."""
from django.utils.translation import gettext_lazy as _

from .kinds import KIND_ICONS, key_figure  # noqa: F401  (imported from here by the views)
from .models import ActivityKind


def quick_add_kinds():
    return [(kind.value, kind.label, KIND_ICONS[kind]) for kind in ActivityKind]


LATE_HELP = _("Entered after the month closed")
