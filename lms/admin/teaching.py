"""Phân công chuyên môn: Tổ CNTT records which teacher teaches each subject in each class.

It decides whose classes a teacher gives work to and whose gradebook columns they keep. One
teacher per class and subject here (the common case); a class × subject with several teachers
(set by an import) is shown with all of them and kept unless the administrator changes it.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.orm import contains_eager, selectinload

from ..extensions import db
from ..models import (
    Department,
    DepartmentMembership,
    Role,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
    User,
    UserRole,
    audit,
)
from ..permissions import roles_required
from .views import bp

TEACHING_ROLES = (Role.TEACHER.value, Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value)


def _classes(year):
    if year is None:
        return []
    return db.session.scalars(select(SchoolClass).where(SchoolClass.school_year_id == year.id)
                              .order_by(SchoolClass.name)).all()


def _teachers():
    return db.session.scalars(
        select(User).where(User.active.is_(True),
                           User.id.in_(select(UserRole.user_id)
                                       .where(UserRole.role.in_(TEACHING_ROLES))))
        .options(selectinload(User.department_membership)
                 .selectinload(DepartmentMembership.department))
        .order_by(User.sort_key)).all()


@bp.route("/teaching")
@bp.route("/teaching/<int:class_id>")
@roles_required(Role.ADMIN)
def teaching(class_id: int | None = None):
    year = SchoolYear.current()
    classes = _classes(year)
    if class_id is None:
        if not classes:
            return render_template("admin/teaching.html", classes=[], school_class=None)
        return redirect(url_for("admin.teaching", class_id=classes[0].id))
    school_class = next((c for c in classes if c.id == class_id), None)
    if school_class is None:
        abort(404)
    subjects = db.session.scalars(
        select(Subject).join(Department).options(contains_eager(Subject.department))
        .order_by(Department.name, Subject.name)).all()
    current: dict[int, list[int]] = {}
    for subject_id, teacher_id in db.session.execute(
            select(TeachingAssignment.subject_id, TeachingAssignment.teacher_id)
            .where(TeachingAssignment.class_id == class_id)):
        current.setdefault(subject_id, []).append(teacher_id)
    return render_template("admin/teaching.html", classes=classes, school_class=school_class,
                           subjects=subjects, teachers=_teachers(), current=current)


@bp.route("/teaching/<int:class_id>", methods=["POST"])
@roles_required(Role.ADMIN)
def save_teaching(class_id: int):
    year = SchoolYear.current()
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None or year is None or school_class.school_year_id != year.id:
        abort(404)
    subjects = {s.id: s for s in db.session.scalars(select(Subject))}
    teacher_ids = {t.id for t in _teachers()}
    wanted: dict[int, int | None] = {}
    errors = []
    for subject_id, subject in subjects.items():
        raw = request.form.get(f"subject_{subject_id}")
        if raw is None:
            continue  # not on the form: leave that subject as it is
        if raw in ("", "keep"):
            wanted[subject_id] = None if raw == "" else -1
            continue
        if not raw.isdigit() or int(raw) not in teacher_ids:
            errors.append(_("Môn %(subject)s: giáo viên đã chọn không còn dạy ở trường.",
                            subject=subject.name))
            continue
        wanted[subject_id] = int(raw)
    if errors:
        for message in errors:
            flash(message, "error")
        flash(_("Chưa lưu gì: hãy sửa các lỗi trên."), "error")
        return redirect(url_for("admin.teaching", class_id=class_id))
    existing: dict[int, set[int]] = {}
    for subject_id, teacher_id in db.session.execute(
            select(TeachingAssignment.subject_id, TeachingAssignment.teacher_id)
            .where(TeachingAssignment.class_id == class_id)):
        existing.setdefault(subject_id, set()).add(teacher_id)
    changed = {}
    for subject_id, teacher_id in wanted.items():
        if teacher_id == -1:
            continue  # several teachers, left as they are
        before = existing.get(subject_id, set())
        after = {teacher_id} if teacher_id else set()
        if before == after:
            continue
        db.session.execute(delete(TeachingAssignment).where(
            TeachingAssignment.class_id == class_id, TeachingAssignment.subject_id == subject_id))
        if teacher_id:
            db.session.add(TeachingAssignment(class_id=class_id, subject_id=subject_id,
                                              teacher_id=teacher_id))
        changed[subjects[subject_id].code] = {"before": sorted(before), "after": sorted(after)}
    if changed:
        audit("teaching.changed", current_user, school_class, changes=changed)
        db.session.commit()
        flash(_("Đã lưu phân công chuyên môn của lớp %(name)s.", name=school_class.name),
              "success")
    else:
        flash(_("Không có gì thay đổi."), "info")
    return redirect(url_for("admin.teaching", class_id=class_id))
