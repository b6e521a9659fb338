"""The teacher's per-package attempt settings: when a new attempt may start, how many, and how
attempts and SCOs are graded. `runtime.open_attempt`, the roll-up and the report read them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, NumberRange, ValidationError

from lms.extensions import db
from lms.models import Material, MaterialAuthor, MaterialVersion, audit

from . import grading
from .content_type import package_for
from .models import ScormPackage

bp = Blueprint("scorm_settings", __name__, url_prefix="/scorm/settings")

#: a limit beyond this is a typing slip, not a teaching choice
MAX_ATTEMPTS_LIMIT = 100
#: the package columns the form edits
FIELDS = ("attempt_policy", "max_attempts", "grading_method", "sco_grading")


def can_change_settings(user, material: Material) -> bool:
    """The author, a co-author, or the head or deputy head of the material's department."""
    if not getattr(user, "is_authenticated", False) or material.deleted_at is not None:
        return False
    if user.id == material.author_id or user.heads_department(material.department_id):
        return True
    return db.session.scalar(select(MaterialAuthor.id).where(
        MaterialAuthor.material_id == material.id, MaterialAuthor.user_id == user.id)) is not None


POLICY_LABELS = {
    "never": _l("Không cho làm lại (chỉ một lượt)"),
    "when_completed": _l("Khi lượt trước đã hoàn thành"),
    "when_passed": _l("Khi lượt trước đã đạt"),
    "always": _l("Luôn luôn (mỗi lần mở là một lượt mới)"),
}
ATTEMPT_METHOD_LABELS = {
    "highest": _l("Lượt cao điểm nhất"),
    "average": _l("Trung bình các lượt"),
    "first": _l("Lượt đầu tiên"),
    "last": _l("Lượt gần nhất"),
}
SCO_METHOD_LABELS = {
    "highest": _l("Bài cao điểm nhất"),
    "average": _l("Trung bình điểm các bài"),
    "sum": _l("Tổng điểm các bài"),
    "status": _l("Tỉ lệ bài đã hoàn thành hoặc đạt"),
}


def _choice(label, values: tuple[str, ...], labels: dict) -> SelectField:
    """A select of the grading module's values; anything else gets a Vietnamese message
    (WTForms' own "Not a valid choice" has no Vietnamese translation)."""
    return SelectField(label, choices=[SelectChoice(value, labels[value]) for value in values],
                       validate_choice=False,
                       validators=[AnyOf(values, message=_l("Lựa chọn không hợp lệ."))])


class CountField(IntegerField):
    """A whole number, refused in Vietnamese when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Hãy nhập một số nguyên, ví dụ 3.")) from error


class AttemptSettingsForm(FlaskForm):
    attempt_policy = _choice(_l("Cho làm lượt mới"), grading.NEW_ATTEMPT_POLICIES, POLICY_LABELS)
    max_attempts = CountField(_l("Số lượt tối đa (0 là không giới hạn)"), validators=[
        InputRequired(_l("Hãy nhập số lượt tối đa (0 là không giới hạn).")),
        NumberRange(min=0, max=MAX_ATTEMPTS_LIMIT,
                    message=_l("Số lượt tối đa phải từ %(min)s đến %(max)s."))])
    grading_method = _choice(_l("Điểm của học sinh qua các lượt"), grading.ATTEMPT_METHODS,
                             ATTEMPT_METHOD_LABELS)
    sco_grading = _choice(_l("Điểm của một lượt (gói nhiều bài)"), grading.SCORE_METHODS,
                          SCO_METHOD_LABELS)

    def validate_max_attempts(self, field) -> None:
        if self.attempt_policy.data == "never" and (field.data or 0) > 1:
            raise ValidationError(_l("Đã chọn không cho làm lại thì số lượt tối đa chỉ có thể "
                                     "là 0 hoặc 1."))


def inherit_settings(material: Material, version: MaterialVersion) -> None:
    """A version uploaded after the settings were saved follows them too (saving copies them
    onto the versions that exist then): it takes those of the material's previous version."""
    new = db.session.scalar(select(ScormPackage).where(ScormPackage.version_id == version.id))
    previous = db.session.scalar(
        select(ScormPackage).join(MaterialVersion, MaterialVersion.id == ScormPackage.version_id)
        .where(MaterialVersion.material_id == material.id, MaterialVersion.id != version.id)
        .order_by(MaterialVersion.number.desc()).limit(1))
    if new is None or previous is None:
        return
    for name in FIELDS:
        setattr(new, name, getattr(previous, name))


def _material(material_id: int) -> tuple[Material, ScormPackage]:
    material = db.session.get(Material, material_id)
    if material is None or material.deleted_at is not None or material.content_type != "scorm":
        abort(404)
    if not can_change_settings(current_user, material):
        abort(403)
    package = package_for(material)
    if package is None:
        abort(404)
    return material, package


@bp.route("/<int:material_id>", methods=["GET", "POST"])
@login_required
def edit(material_id: int):
    material, package = _material(material_id)
    form = AttemptSettingsForm(obj=package)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in FIELDS}
        # Every version of the material follows the same rules: a learner still finishing an
        # attempt on an older version is graded like the others.
        packages = db.session.scalars(
            select(ScormPackage).join(MaterialVersion, MaterialVersion.id == ScormPackage.version_id)
            .where(MaterialVersion.material_id == material.id))
        for row in packages:
            for name, value in values.items():
                setattr(row, name, value)
        audit("scorm.settings_changed", actor=current_user, target=material, **values)
        db.session.commit()
        flash(_("Đã lưu cài đặt lượt làm."), "success")
        return redirect(url_for("scorm_settings.edit", material_id=material.id))
    return render_template("scorm/settings.html", material=material, form=form)
