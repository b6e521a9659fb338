"""The core results page of a material: every learner who attempted it, whatever the format.

Every content type rolls a learner's progress up into `LearningAttempt`, so one query over that
table lists the learners; content types only add a drill-down link per attempt. The plugins'
own reports (SCORM, video) build their lists with `learner_results` too.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import ClassEnrollment, LearningAttempt, Material, SchoolClass, SchoolYear, User
from ..permissions import material_or_abort, sees_pending_work
from ..plugins import registry

bp = Blueprint("material_results", __name__)


def latest_attempt(attempts: Sequence[LearningAttempt]) -> LearningAttempt:
    return attempts[-1]


def best_attempt(attempts: Sequence[LearningAttempt]) -> LearningAttempt:
    """The attempt with the highest scaled score (the earliest on a tie); without any score,
    the latest attempt, which shows how far the learner got."""
    scored = [(index, a) for index, a in enumerate(attempts) if a.score_scaled is not None]
    if not scored:
        return attempts[-1]
    return max(scored, key=lambda pair: (pair[1].score_scaled, -pair[0]))[1]


@dataclass
class LearnerResult:
    """One learner's attempts at a material, oldest first, and the one that counts."""

    user: User
    class_name: str | None
    attempts: list[LearningAttempt]
    graded: LearningAttempt

    @property
    def total_time_seconds(self) -> float:
        return sum(attempt.total_time_seconds for attempt in self.attempts)

    @property
    def last_access_at(self) -> datetime:
        return max(attempt.last_access_at for attempt in self.attempts)


def _current_class_name():
    """SQL: the name of the learner's class in the current school year (first by name)."""
    current_year = select(SchoolYear.id).where(SchoolYear.is_current.is_(True)).limit(1)
    return (select(SchoolClass.name)
            .join(ClassEnrollment, ClassEnrollment.class_id == SchoolClass.id)
            .where(ClassEnrollment.student_id == User.id,
                   SchoolClass.school_year_id == current_year.scalar_subquery())
            .order_by(SchoolClass.name).limit(1).scalar_subquery())


def learner_results(material: Material,
                    pick: Callable[[Sequence[LearningAttempt]], LearningAttempt] = best_attempt,
                    ) -> list[LearnerResult]:
    """Every learner who attempted `material`, in Vietnamese name order, from ONE query.

    `pick` chooses the graded attempt among a learner's attempts (oldest first).
    """
    rows = db.session.execute(
        select(User, LearningAttempt, _current_class_name())
        .join(LearningAttempt, LearningAttempt.user_id == User.id)
        .where(LearningAttempt.material_id == material.id)
        .order_by(User.sort_key, User.id, LearningAttempt.number)
    ).all()
    results = []
    for user, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        attempts = [attempt for _user, attempt, _class in group]
        results.append(LearnerResult(user=user, class_name=group[0][2], attempts=attempts,
                                     graded=pick(attempts)))
    return results


def status_labels() -> dict[str, str]:
    """Completion and success values of `LearningAttempt`, as teachers read them."""
    return {"completed": _("Hoàn thành"), "incomplete": _("Đang học"),
            "not attempted": _("Chưa học"), "unknown": _("Chưa rõ"), "passed": _("Đạt"),
            "failed": _("Chưa đạt")}


def duration(seconds: float | None) -> str:
    """Seconds as h:mm:ss (hours are not wrapped at 24)."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def percent(scaled: float | None) -> str:
    return "" if scaled is None else f"{scaled * 100:.0f}%"


def can_see_results(user, material: Material) -> bool:
    """Those who see a material's pending work see its results: the authors (uploader and
    co-authors), the head and deputy head of its department, the board and Tổ CNTT."""
    return sees_pending_work(user, material)


def _detail_url(material: Material) -> Callable[[LearningAttempt], str | None]:
    try:
        content_type = registry().content_types.get(material.content_type)
    except KeyError:  # the plugin of this format is not loaded: no drill-down
        return lambda _attempt: None
    return content_type.attempt_detail_url


@bp.route("/materials/<int:id>/results")
@login_required
def results(id: int):
    material = material_or_abort(id)
    if not can_see_results(current_user, material):
        abort(403)
    return render_template("materials/results.html", material=material,
                           rows=learner_results(material), detail_url=_detail_url(material),
                           labels=status_labels(), duration=duration, percent=percent)
