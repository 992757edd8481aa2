"""What the supervision pages show as history: studygroup.history with the rows each object saves with it."""
from django.utils.translation import gettext_lazy as _

from studygroup.history import Rows, history_of

from .models import Rating, Rectification

# Kept for the figures or shown elsewhere on the page: not worth a line of history.
RECTIFICATION_HIDDEN = ("visit", "committee", "raised_on", "closed_at", "closed_by")


def filing_history(filing):
    return history_of(filing, hidden=("filed_by",))


def visit_history(visit):
    """The visit's saves, each with the ratings and rectification items it changed, in one line."""
    ratings = Rows(Rating.history.filter(visit_id=visit.pk), _("Ratings"), name="item", key=lambda v: v.item_id,
                   describe=lambda version, shown: str(version.score))
    items = Rows(Rectification.history.filter(visit_id=visit.pk), _("Rectification items"), name="description",
                 hidden=RECTIFICATION_HIDDEN)
    return history_of(visit, rows=[ratings, items], hidden=("submitted_at",))


def rectification_history(rectification):
    return history_of(rectification, hidden=RECTIFICATION_HIDDEN)
