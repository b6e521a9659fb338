"""The assignments plugin's pages: teachers give and grade work, students do and hand it in,
parents follow their children, heads and the board read the reports.

One blueprint, `assignments`; its routes live in one module per audience.
"""
from __future__ import annotations

from flask import Blueprint

from lms.scores import format_score

from .. import schedule
from ..status import STATUS_LABELS

bp = Blueprint("assignments", __name__, url_prefix="/assignments",
               template_folder="../templates", static_folder="../static")


@bp.context_processor
def presentation():
    """What every page of the plugin formats with: school-time dates, scores with a decimal
    comma, status labels."""
    return {"local_time": schedule.format_local, "score_text": format_score,
            "status_labels": STATUS_LABELS}


# The routes register themselves on `bp` when their modules are imported.
from . import desk, files, student, teacher  # noqa: F401
