from .annual import compute, ranking, ranking_latest, rules, score
from .home import home
from .knowledge import round_create, round_detail, round_draw, round_import, round_scores, round_sheet, rounds
from .practical import task_create, task_detail, task_edit, tasks

__all__ = [
    "compute", "home", "ranking", "ranking_latest", "round_create", "round_detail", "round_draw", "round_import",
    "round_scores",
    "round_sheet", "rounds", "rules", "score", "task_create", "task_detail", "task_edit", "tasks",
]
