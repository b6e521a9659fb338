"""The assignments plugin's pages: teachers give and grade work, students do and hand it in,
parents follow their children, heads and the board read the reports.

One blueprint, `assignments`; its routes live in one module per audience.
"""
from __future__ import annotations

from flask import Blueprint

from lms.scores import format_score, round_half_up

from .. import schedule
from ..status import STATUS_LABELS

bp = Blueprint("assignments", __name__, url_prefix="/assignments",
               template_folder="../templates", static_folder="../static")


def proposed_text(value) -> str:
    """A proposed score (two decimals, from a lesson's percentage) as the teacher would write
    it: one decimal, rounded half up (8,25 → 8,3)."""
    return "" if value is None else format_score(round_half_up(value))


@bp.context_processor
def presentation():
    """What every page of the plugin formats with: school-time dates, scores with a decimal
    comma, status labels."""
    return {"local_time": schedule.format_local, "score_text": format_score,
            "proposed_text": proposed_text, "status_labels": STATUS_LABELS}


# The routes register themselves on `bp` when their modules are imported.
from . import desk, files, report, student, teacher  # noqa: F401
