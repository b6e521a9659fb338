"""Teachers' pages: their assignments with counts, the Giao bài form (new and edit), deleting,
and groups inside a class."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from lms.extensions import db
from lms.models import ClassEnrollment, Material, Role, SchoolClass, SchoolYear, Subject, User
from lms.models.base import utcnow
from lms.permissions import roles_required, teaches
from lms.plugins import registry

from .. import handin, publishing, schedule
from ..models import Assignment, AssignmentKind, StudentGroup
from . import bp
from .access import assignment_or_404, require_author
from .forms import AssignmentForm, GroupForm
from .listing import counts_by_assignment

TEACHING = (Role.TEACHER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD)
#: messages for selects whose value could not be read as a number (WTForms' own is English)
UNREADABLE = {"subject_id": _l("Hãy chọn môn học."), "material_id": _l("Hãy chọn học liệu.")}
#: the due date a new assignment suggests: a week ahead, 23:59
DEFAULT_DAYS_TO_DUE = 7


@bp.route("/")
@roles_required(*TEACHING)
def teacher_list():
    """The teacher's assignments of the current school year, newest due first, with counts."""
    year = SchoolYear.current()
    assignments = []
    if year is not None:
        assignments = list(db.session.scalars(
            select(Assignment).where(Assignment.created_by_id == current_user.id,
                                     Assignment.school_year_id == year.id,
                                     Assignment.deleted_at.is_(None))
            .order_by(Assignment.due_at.desc(), Assignment.id.desc())))
    subjects = {s.id: s for s in db.session.scalars(select(Subject).where(
        Subject.id.in_({a.subject_id for a in assignments})))} if assignments else {}
    return render_template("assignments/teacher_list.html", assignments=assignments,
                           subjects=subjects, counts=counts_by_assignment(assignments, utcnow()),
                           year=year)


# The form's choices --------------------------------------------------------------------------
@dataclass
class ClassChoice:
    school_class: SchoolClass
    subject_ids: set[int] = field(default_factory=set)
    students: list[User] = field(default_factory=list)
    groups: list[StudentGroup] = field(default_factory=list)


@dataclass
class FormChoices:
    """What the Giao bài form offers this teacher: their subjects and classes (with students and
    groups), and the library materials they may give."""

    subjects: list[Subject]
    classes: list[ClassChoice]
    materials: list[Material]
    type_names: dict[str, str]


def _form_choices(teacher) -> FormChoices:
    classes: dict[int, ClassChoice] = {}
    subjects: dict[int, Subject] = {}
    for school_class, subject in publishing.teachable(teacher):
        classes.setdefault(school_class.id, ClassChoice(school_class)).subject_ids.add(subject.id)
        subjects[subject.id] = subject
    if classes:
        for class_id, student in db.session.execute(
                select(ClassEnrollment.class_id, User)
                .join(User, User.id == ClassEnrollment.student_id)
                .where(ClassEnrollment.class_id.in_(sorted(classes)), User.active.is_(True))
                .order_by(User.sort_key, User.id)):
            classes[class_id].students.append(student)
        for group in db.session.scalars(publishing.groups_of_teacher(teacher)):
            if group.class_id in classes:
                classes[group.class_id].groups.append(group)
    materials = list(db.session.scalars(publishing.assignable_materials(teacher)))
    types = registry().content_types
    type_names = {}
    for content_type in {m.content_type for m in materials}:
        try:
            type_names[content_type] = types.get(content_type).name
        except KeyError:  # its plugin is not loaded here: show the id
            type_names[content_type] = content_type
    return FormChoices(subjects=sorted(subjects.values(), key=lambda s: s.name),
                       classes=sorted(classes.values(), key=lambda c: c.school_class.name),
                       materials=materials, type_names=type_names)


def _fill_choices(form: AssignmentForm, choices: FormChoices) -> None:
    form.subject_id.choices = [SelectChoice(s.id, s.name) for s in choices.subjects]
    form.material_id.choices = [SelectChoice(0, _("— Chọn học liệu —"))] + [
        SelectChoice(m.id, f"{m.title} · {choices.type_names[m.content_type]}")
        for m in choices.materials]


# Reading the recipients ----------------------------------------------------------------------
def _ids(name: str) -> list[int]:
    return [int(value) for value in request.form.getlist(name) if value.isdigit()]


def _recipients_from_form(choices: FormChoices) -> list[publishing.RecipientSpec]:
    """A whole class when its box is ticked; otherwise the groups and students ticked in it."""
    whole = set(_ids("class_ids"))
    specs = []
    for choice in choices.classes:
        class_id = choice.school_class.id
        if class_id in whole:
            specs.append(publishing.RecipientSpec(class_id))
            continue
        specs += [publishing.RecipientSpec(class_id, group_id=group_id)
                  for group_id in _ids(f"groups-{class_id}")]
        specs += [publishing.RecipientSpec(class_id, student_id=student_id)
                  for student_id in _ids(f"students-{class_id}")]
    # a class not offered (not taught) still goes to publishing, which refuses it by name
    offered = {c.school_class.id for c in choices.classes}
    specs += [publishing.RecipientSpec(class_id) for class_id in sorted(whole - offered)]
    return specs


def _ticked(recipients) -> dict[str, set]:
    """The boxes to show ticked for these recipients (the form again, or an edit)."""
    ticked: dict[str, set] = defaultdict(set)
    for spec in recipients:
        if spec.group_id is not None:
            ticked["groups"].add(spec.group_id)
        elif spec.student_id is not None:
            ticked["students"].add((spec.class_id, spec.student_id))
        else:
            ticked["classes"].add(spec.class_id)
            continue
        ticked["open"].add(spec.class_id)  # a class whose groups or students were chosen
    return ticked


# Reading the dates ---------------------------------------------------------------------------
def _parse_dates(form: AssignmentForm, errors: dict[str, str]) -> dict:
    """The three dates as naive UTC; a date typed without a time means 23:59 for the due date
    and the cut-off. Unreadable ones go to `errors` under their field."""
    values = {}
    for name, end_of_day in (("opens_at", False), ("due_at", True), ("cutoff_at", True)):
        text = (getattr(form, name).data or "").strip()
        if not text:
            values[name] = None
            continue
        try:
            values[name] = schedule.parse_local(text, end_of_day=end_of_day)
        except schedule.DateError as error:
            errors[name] = str(error)
    return values


def _save_attachments(form: AssignmentForm, assignment: Assignment) -> None:
    for upload in form.attachments.data or []:
        if upload and upload.filename:
            handin.add_attachment(assignment, upload, current_user)


def _apply_errors(form: AssignmentForm, errors: dict[str, str]) -> str | None:
    """Put each message under its field; return the recipients' message (shown above the
    class list) and anything without a field."""
    leftover = []
    for name, message in errors.items():
        target = getattr(form, name, None)
        if name != "recipients" and target is not None and hasattr(target, "errors"):
            target.errors = [*list(target.errors or []), message]
        else:
            leftover.append(message)
    return " ".join(leftover) or None


def _publish_fields(form: AssignmentForm, dates: dict) -> dict:
    kind = form.kind.data
    material_id = form.material_id.data or None
    return {
        "title": form.title.data or "", "instructions": form.instructions.data or "",
        "kind": kind, "subject_id": form.subject_id.data, "opens_at": dates["opens_at"],
        "due_at": dates["due_at"], "cutoff_at": dates["cutoff_at"],
        "material_id": material_id if kind == AssignmentKind.MATERIAL.value else None,
        "grading_scale": form.grading_scale.data, "attempt_policy": form.attempt_policy.data,
        "offline": form.offline.data, "accepts_text": form.accepts_text.data,
        "accepts_files": form.accepts_files.data}


def _render_form(form, choices, ticked, *, assignment=None, recipient_error=None, status=200):
    return render_template("assignments/form.html", form=form, choices=choices, ticked=ticked,
                           assignment=assignment, recipient_error=recipient_error), status


def _save(form: AssignmentForm, choices: FormChoices, assignment: Assignment | None):
    """Validate everything, write in one transaction, or show the form again as typed."""
    recipients = _recipients_from_form(choices)
    errors: dict[str, str] = {}
    form.validate()
    for name, field_errors in form.errors.items():
        # a select that could not be read (nothing chosen) gets the domain's own wording
        errors[name] = str(UNREADABLE.get(name) or field_errors[0])
    for field_ in form:
        field_.errors = []
    dates = _parse_dates(form, errors)
    saved = assignment
    if not errors:
        try:
            if saved is None:
                saved = publishing.publish(teacher=current_user, recipients=recipients,
                                           **_publish_fields(form, dates))
            else:
                publishing.update(saved, current_user, recipients=recipients,
                                  **_publish_fields(form, dates))
            _save_attachments(form, saved)
        except publishing.PublishError as error:
            errors.update(error.errors)
        except handin.HandinError as error:
            errors["attachments"] = str(error)
    if errors:
        db.session.rollback()
        recipient_error = _apply_errors(form, errors)
        return _render_form(form, choices, _ticked(recipients), assignment=assignment,
                            recipient_error=recipient_error, status=400)
    db.session.commit()
    return saved


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*TEACHING)
def new():
    choices = _form_choices(current_user)
    form = AssignmentForm()
    _fill_choices(form, choices)
    if request.method == "POST":
        result = _save(form, choices, None)
        if not isinstance(result, Assignment):
            return result
        flash(_("Đã giao bài “%(title)s”.", title=result.title), "success")
        return redirect(url_for("assignments.desk", assignment_id=result.id))
    now = utcnow()
    form.opens_at.data = schedule.format_local(now)
    due_day = schedule.local_today(now) + timedelta(days=DEFAULT_DAYS_TO_DUE)
    form.due_at.data = schedule.format_local(schedule.due_end_of_day(due_day))
    if len(choices.subjects) == 1:
        form.subject_id.data = choices.subjects[0].id
    return _render_form(form, choices, _ticked([]))


@bp.route("/<int:assignment_id>/edit", methods=["GET", "POST"])
@roles_required(*TEACHING)
def edit(assignment_id: int):
    assignment = assignment_or_404(assignment_id)
    require_author(current_user, assignment)
    choices = _form_choices(current_user)
    if request.method == "POST":
        form = AssignmentForm()
        _fill_choices(form, choices)
        result = _save(form, choices, assignment)
        if not isinstance(result, Assignment):
            return result
        flash(_("Đã lưu bài “%(title)s”.", title=result.title), "success")
        return redirect(url_for("assignments.desk", assignment_id=result.id))
    form = AssignmentForm(obj=assignment)
    _fill_choices(form, choices)
    form.material_id.data = assignment.material_id or 0
    form.opens_at.data = schedule.format_local(assignment.opens_at)
    form.due_at.data = schedule.format_local(assignment.due_at)
    form.cutoff_at.data = schedule.format_local(assignment.cutoff_at)
    recipients = [publishing.RecipientSpec(r.class_id, r.group_id, r.student_id)
                  for r in assignment.recipients]
    return _render_form(form, choices, _ticked(recipients), assignment=assignment)


@bp.route("/<int:assignment_id>/delete", methods=["POST"])
@roles_required(*TEACHING)
def delete(assignment_id: int):
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    require_author(current_user, assignment)
    if assignment.deleted_at is not None:  # a second click, another tab: already done
        flash(_("Bài “%(title)s” đã được xóa.", title=assignment.title), "success")
        return redirect(url_for("assignments.teacher_list"))
    try:
        publishing.delete(assignment, current_user)
    except publishing.PublishError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("assignments.desk", assignment_id=assignment.id))
    db.session.commit()
    flash(_("Đã xóa bài “%(title)s”.", title=assignment.title), "success")
    return redirect(url_for("assignments.teacher_list"))


# Groups ----------------------------------------------------------------------------------------
@bp.route("/classes/<int:class_id>/groups", methods=["GET", "POST"])
@roles_required(*TEACHING)
def groups(class_id: int):
    """The teacher's groups in one class they teach, and a form to make another."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None:
        abort(404)
    if not teaches(current_user, class_id):
        abort(403)
    form = GroupForm()
    students = list(db.session.scalars(
        select(User).join(ClassEnrollment, ClassEnrollment.student_id == User.id)
        .where(ClassEnrollment.class_id == class_id, User.active.is_(True))
        .order_by(User.sort_key, User.id)))
    chosen = set(_ids("student_ids"))
    status = 200
    error = None
    if request.method == "POST":
        form.validate()
        try:
            publishing.create_group(current_user, class_id, form.name.data or "",
                                    sorted(chosen))
        except publishing.PublishError as problem:
            db.session.rollback()
            form.name.errors = [problem.errors["name"]] if "name" in problem.errors else []
            error = " ".join(m for k, m in problem.errors.items() if k != "name") or None
            status = 400
        else:
            db.session.commit()
            flash(_("Đã tạo nhóm “%(name)s”.", name=form.name.data.strip()), "success")
            return redirect(url_for("assignments.groups", class_id=class_id))
    existing = list(db.session.scalars(publishing.groups_of_teacher(current_user, class_id)
                                       .options(selectinload(StudentGroup.members))))
    names = {s.id: s.full_name for s in students}
    return render_template("assignments/groups.html", school_class=school_class, form=form,
                           students=students, chosen=chosen, groups=existing, names=names,
                           error=error), status
