"""The teacher's view of a SCORM material: every student who attempted it, and a drill-down."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.extensions import db
from lms.materials.results import (
    LearnerResult,
    duration,
    latest_attempt,
    learner_results,
    percent,
    status_labels,
)
from lms.models import LearningAttempt, Material
from lms.permissions import sees_pending_work

from . import grading
from .content_type import package_for
from .models import ScormInteraction, ScormPackage, ScormSco, ScormScoState

bp = Blueprint("scorm_report", __name__, url_prefix="/scorm/report")


# Results are for those who see the material's pending work: authors and co-authors,
# the department's head and deputy, the board and Tổ CNTT (one rule, in lms.permissions).
can_see_report = sees_pending_work


def _material_for_report(material_id: int) -> Material:
    material = db.session.get(Material, material_id)
    if material is None or material.deleted_at is not None or material.content_type != "scorm":
        abort(404)
    if not can_see_report(current_user, material):
        abort(403)
    return material


@dataclass
class StudentRow:
    """A learner's results, graded by the package's own method across attempts."""

    result: LearnerResult
    grade: grading.Grade

    @property
    def user(self):
        return self.result.user

    @property
    def attempts(self) -> list[LearningAttempt]:
        return self.result.attempts

    @property
    def total_time_seconds(self) -> float:
        return self.result.total_time_seconds

    @property
    def last_access_at(self):
        return self.result.last_access_at


def student_rows(material: Material, grading_method: str) -> list[StudentRow]:
    """One row per student, from the core's single query over the material's attempts."""
    return [StudentRow(result=result,
                       grade=grading.grade_attempts(result.attempts, grading_method))
            for result in learner_results(material, pick=latest_attempt)]


@bp.route("/<int:material_id>")
@login_required
def students(material_id: int):
    material = _material_for_report(material_id)
    package = package_for(material)
    method = package.grading_method if package else "highest"
    return render_template("scorm/report.html", material=material,
                           rows=student_rows(material, method), method=method,
                           duration=duration, percent=percent, labels=status_labels())


@bp.route("/<int:material_id>/attempts/<int:attempt_id>")
@login_required
def attempt_detail(material_id: int, attempt_id: int):
    material = _material_for_report(material_id)
    attempt = db.session.get(LearningAttempt, attempt_id)
    if attempt is None or attempt.material_id != material.id:
        abort(404)
    states = {state.sco_id: state for state in db.session.scalars(
        select(ScormScoState).where(ScormScoState.attempt_id == attempt.id))}
    scos = list(db.session.scalars(
        select(ScormSco).join(ScormPackage, ScormPackage.id == ScormSco.package_id)
        .where(ScormPackage.version_id == attempt.version_id, ScormSco.is_launchable)
        .order_by(ScormSco.position)))
    interactions = list(db.session.scalars(
        select(ScormInteraction).where(ScormInteraction.attempt_id == attempt.id)
        .order_by(ScormInteraction.sco_id, ScormInteraction.position)))
    by_sco = {sco_id: list(group) for sco_id, group in
              groupby(interactions, key=lambda interaction: interaction.sco_id)}
    return render_template("scorm/attempt.html", material=material, attempt=attempt,
                           scos=scos, states=states, interactions=by_sco,
                           duration=duration, percent=percent, labels=status_labels())
