"""Giving work: validate an assignment, create it with its recipients and one submission per
student, change it later, give date overrides and extensions, make groups inside a class.

Everything is checked before anything is written: a `PublishError` lists every problem by field
so the form can show them all at once. Functions add to the session; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import nh3
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, select

from lms import signals
from lms.extensions import db
from lms.models import (
    ClassEnrollment,
    Material,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
    User,
)
from lms.models.base import utcnow
from lms.permissions import material_visibility, teaches

from .models import (
    Assignment,
    AssignmentKind,
    AssignmentRecipient,
    AttemptPolicy,
    DateOverride,
    GradingScale,
    StudentGroup,
    StudentGroupMember,
    Submission,
    SubmissionState,
)
from .schedule import format_local
from .workflow import log_event

TITLE_MAX = 300
GROUP_NAME_MAX = 100
REASON_MAX = 300


class PublishError(Exception):
    """Problems with an assignment's fields: `errors` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class RecipientSpec:
    """A whole class, a group of it (`group_id`) or one student of it (`student_id`)."""

    class_id: int
    group_id: int | None = None
    student_id: int | None = None


class _AnyStudent:
    """Stands for every student when asking `material_visibility` what students may open, so
    this list follows the one visibility rule rather than a copy of it."""

    is_authenticated = True
    is_board = False
    is_staff = False
    id = None

    @staticmethod
    def has_role(*_roles) -> bool:
        return False


def teachable(teacher) -> list[tuple[SchoolClass, Subject]]:
    """The (class, subject) pairs `teacher` teaches this school year, by class then subject."""
    year = SchoolYear.current()
    query = (select(SchoolClass, Subject)
             .join(TeachingAssignment, TeachingAssignment.class_id == SchoolClass.id)
             .join(Subject, Subject.id == TeachingAssignment.subject_id)
             .where(TeachingAssignment.teacher_id == teacher.id))
    if year is not None:
        query = query.where(SchoolClass.school_year_id == year.id)
    rows = db.session.execute(query).all()
    return sorted(((c, s) for c, s in rows), key=lambda pair: (pair[0].name, pair[1].name))


def assignable_materials(teacher, subject_id: int | None = None):
    """A select of the materials `teacher` may give: approved with a live version, not deleted,
    visible to the teacher and to students; optionally of one subject."""
    query = select(Material).where(
        Material.approved_at.is_not(None), Material.live_version_id.is_not(None),
        Material.deleted_at.is_(None), material_visibility(teacher),
        material_visibility(_AnyStudent()))
    if subject_id is not None:
        query = query.where(Material.subject_id == subject_id)
    return query.order_by(Material.title, Material.id)


def manages(actor, assignment) -> bool:
    """The assignment's author, or a teacher of its subject in one of its classes."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if assignment.created_by_id == actor.id:
        return True
    class_ids = {r.class_id for r in assignment.recipients}
    return any(teaches(actor, class_id, assignment.subject_id) for class_id in sorted(class_ids))


# Validation ------------------------------------------------------------------------------------
@dataclass
class _Checked:
    """What validation found, ready to write."""

    fields: dict
    #: student id → class id, in recipient order
    students: dict[int, int]
    recipients: list[RecipientSpec]
    school_year_id: int | None


def _check_choice(errors, field, value, enum_cls, message) -> None:
    if value not in {member.value for member in enum_cls}:
        errors[field] = message


def _check_dates(errors: dict, opens_at, due_at, cutoff_at) -> None:
    if not isinstance(opens_at, datetime):
        errors["opens_at"] = _("Hãy chọn ngày giờ giao bài.")
    if not isinstance(due_at, datetime):
        errors["due_at"] = _("Hãy chọn hạn nộp bài.")
    if cutoff_at is not None and not isinstance(cutoff_at, datetime):
        errors["cutoff_at"] = _("Hạn chót không hợp lệ.")
    if "opens_at" in errors or "due_at" in errors or "cutoff_at" in errors:
        return
    if due_at < opens_at:
        errors["due_at"] = _("Hạn nộp phải sau ngày giờ giao bài.")
    if cutoff_at is not None and cutoff_at < due_at:
        errors["cutoff_at"] = _("Hạn chót (sau đó không nhận bài) phải sau hạn nộp.")


def _resolve_recipients(errors: dict, teacher, subject_id, recipients) -> tuple[dict, int | None]:
    """Check every recipient and return ({student id: class id}, school year id), in four
    queries whatever the number of recipients."""
    if not recipients:
        errors["recipients"] = _("Hãy chọn ít nhất một lớp, nhóm hoặc học sinh nhận bài.")
        return {}, None
    class_ids = sorted({spec.class_id for spec in recipients})
    classes = {c.id: c for c in db.session.scalars(
        select(SchoolClass).where(SchoolClass.id.in_(class_ids)))}
    taught = set(db.session.scalars(select(TeachingAssignment.class_id).where(
        TeachingAssignment.teacher_id == teacher.id, TeachingAssignment.subject_id == subject_id,
        TeachingAssignment.class_id.in_(class_ids))))
    enrolled: dict[int, list[int]] = {class_id: [] for class_id in class_ids}
    for class_id, student_id in db.session.execute(
            select(ClassEnrollment.class_id, ClassEnrollment.student_id)
            .join(User, User.id == ClassEnrollment.student_id)
            .where(ClassEnrollment.class_id.in_(class_ids), User.active.is_(True))
            .order_by(ClassEnrollment.id)):
        enrolled[class_id].append(student_id)
    group_ids = sorted({spec.group_id for spec in recipients if spec.group_id is not None})
    groups: dict[int, StudentGroup] = {}
    members: dict[int, list[int]] = {}
    if group_ids:
        groups = {g.id: g for g in db.session.scalars(
            select(StudentGroup).where(StudentGroup.id.in_(group_ids)))}
        for group_id, student_id in db.session.execute(
                select(StudentGroupMember.group_id, StudentGroupMember.student_id)
                .where(StudentGroupMember.group_id.in_(group_ids))
                .order_by(StudentGroupMember.id)):
            members.setdefault(group_id, []).append(student_id)
    problems: list[str] = []
    students: dict[int, int] = {}
    for spec in recipients:
        school_class = classes.get(spec.class_id)
        if school_class is None:
            problems.append(_("Không tìm thấy lớp đã chọn."))
            continue
        if spec.class_id not in taught:
            problems.append(_("Bạn không được phân công dạy môn này ở lớp %(name)s.",
                              name=school_class.name))
            continue
        in_class = enrolled[spec.class_id]
        if spec.group_id is not None and spec.student_id is not None:
            problems.append(_("Một người nhận chỉ là một nhóm hoặc một học sinh."))
            continue
        if spec.group_id is not None:
            group = groups.get(spec.group_id)
            if group is None or group.class_id != spec.class_id:
                problems.append(_("Nhóm đã chọn không thuộc lớp %(name)s.",
                                  name=school_class.name))
                continue
            chosen = [s for s in members.get(spec.group_id, []) if s in in_class]
        elif spec.student_id is not None:
            if spec.student_id not in in_class:
                problems.append(_("Học sinh đã chọn không học lớp %(name)s.",
                                  name=school_class.name))
                continue
            chosen = [spec.student_id]
        else:
            chosen = in_class
        for student_id in chosen:
            students.setdefault(student_id, spec.class_id)
    if problems:
        errors["recipients"] = " ".join(dict.fromkeys(problems))
    elif not students:
        errors["recipients"] = _("Lớp hoặc nhóm đã chọn chưa có học sinh nào.")
    years = {c.school_year_id for c in classes.values()}
    return students, (years.pop() if len(years) == 1 else None)


def _validate(teacher, *, title, instructions, kind, subject_id, recipients, opens_at, due_at,
              cutoff_at, material_id, grading_scale, attempt_policy, offline, accepts_text,
              accepts_files) -> _Checked:
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = _("Hãy nhập tên bài tập.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Tên bài tập dài quá %(n)s ký tự.", n=TITLE_MAX)
    _check_choice(errors, "kind", kind, AssignmentKind, _("Loại bài tập không hợp lệ."))
    _check_choice(errors, "grading_scale", grading_scale, GradingScale,
                  _("Cách chấm điểm không hợp lệ."))
    _check_choice(errors, "attempt_policy", attempt_policy, AttemptPolicy,
                  _("Cách lấy điểm từ các lượt làm không hợp lệ."))
    subject = db.session.get(Subject, subject_id) if isinstance(subject_id, int) else None
    if subject is None:
        errors["subject_id"] = _("Hãy chọn môn học.")
    if kind == AssignmentKind.MATERIAL.value:
        allowed = material_id is not None and db.session.scalar(
            assignable_materials(teacher).where(Material.id == material_id)
            .with_only_columns(Material.id)) is not None
        if not allowed:
            errors["material_id"] = _("Hãy chọn một học liệu đã được phê duyệt mà học sinh "
                                      "xem được.")
    else:
        material_id = None
    if kind == AssignmentKind.TASK.value and not (accepts_text or accepts_files or offline):
        errors["accepts_text"] = _("Bài tập phải nhận bài viết, tệp đính kèm, hoặc được làm "
                                   "trên giấy.")
    _check_dates(errors, opens_at, due_at, cutoff_at)
    students, school_year_id = ({}, None)
    if subject is not None:
        students, school_year_id = _resolve_recipients(errors, teacher, subject_id, recipients)
    if errors:
        raise PublishError(errors)
    fields = {"title": title, "instructions": nh3.clean(instructions or ""), "kind": kind,
              "subject_id": subject_id, "opens_at": opens_at, "due_at": due_at,
              "cutoff_at": cutoff_at, "material_id": material_id,
              "grading_scale": grading_scale, "attempt_policy": attempt_policy,
              "offline": bool(offline), "accepts_text": bool(accepts_text),
              "accepts_files": bool(accepts_files)}
    return _Checked(fields=fields, students=students, recipients=list(recipients),
                    school_year_id=school_year_id)


# Writing ---------------------------------------------------------------------------------------
def _add_recipients(assignment: Assignment, recipients: list[RecipientSpec]) -> None:
    seen = set()
    for spec in recipients:
        if spec in seen:
            continue
        seen.add(spec)
        assignment.recipients.append(AssignmentRecipient(
            class_id=spec.class_id, group_id=spec.group_id, student_id=spec.student_id))


def _add_submissions(assignment: Assignment, students: dict[int, int]) -> None:
    for student_id, class_id in students.items():
        db.session.add(Submission(assignment_id=assignment.id, student_id=student_id,
                                  class_id=class_id, state=SubmissionState.ASSIGNED.value))


def publish(*, teacher, title, instructions, kind, subject_id, recipients: list[RecipientSpec],
            opens_at, due_at, cutoff_at=None, material_id=None, grading_scale="score",
            attempt_policy="best", offline=False, accepts_text=True,
            accepts_files=True) -> Assignment:
    """Validate and create an assignment, its recipients and one submission per student."""
    checked = _validate(
        teacher, title=title, instructions=instructions, kind=kind, subject_id=subject_id,
        recipients=recipients, opens_at=opens_at, due_at=due_at, cutoff_at=cutoff_at,
        material_id=material_id, grading_scale=grading_scale, attempt_policy=attempt_policy,
        offline=offline, accepts_text=accepts_text, accepts_files=accepts_files)
    year_id = checked.school_year_id or getattr(SchoolYear.current(), "id", None)
    assignment = Assignment(**checked.fields, school_year_id=year_id, created_by_id=teacher.id)
    _add_recipients(assignment, checked.recipients)
    db.session.add(assignment)
    db.session.flush()
    _add_submissions(assignment, checked.students)
    db.session.flush()
    signals.assignment_published.send(current_app._get_current_object(), assignment=assignment,
                                      actor=teacher)
    return assignment


_UPDATABLE = ("title", "instructions", "kind", "subject_id", "opens_at", "due_at", "cutoff_at",
              "material_id", "grading_scale", "attempt_policy", "offline", "accepts_text",
              "accepts_files")


def _has_work(submission: Submission) -> bool:
    return (submission.state != SubmissionState.ASSIGNED.value or bool(submission.files)
            or bool(submission.text) or submission.score is not None
            or submission.passed is not None or submission.released_at is not None)


def update(assignment: Assignment, actor, **changes) -> Assignment:
    """Change an assignment with the same checks as `publish`. Students newly reached get their
    submission; a student who is no longer reached loses theirs, which is refused once they
    have started or handed in work."""
    unknown = set(changes) - {*_UPDATABLE, "recipients"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if not manages(actor, assignment):
        raise PublishError({"recipients": _("Bạn không quản lý bài tập này.")})
    current = {name: getattr(assignment, name) for name in _UPDATABLE}
    current["recipients"] = [RecipientSpec(r.class_id, r.group_id, r.student_id)
                             for r in assignment.recipients]
    current.update(changes)
    recipients = current.pop("recipients")
    checked = _validate(actor, recipients=recipients, **current)
    existing = {s.student_id: s for s in db.session.scalars(
        select(Submission).where(Submission.assignment_id == assignment.id))}
    dropped = [s for student_id, s in existing.items() if student_id not in checked.students]
    started = [s for s in dropped if _has_work(s)]
    if started:
        names = ", ".join(sorted(s.student.full_name for s in started))
        raise PublishError({"recipients": _(
            "Không thể bỏ những học sinh đã làm hoặc đã nộp bài: %(names)s.", names=names)})
    for name, value in checked.fields.items():
        setattr(assignment, name, value)
    wanted = list(dict.fromkeys(checked.recipients))
    kept = []
    for recipient in list(assignment.recipients):
        spec = RecipientSpec(recipient.class_id, recipient.group_id, recipient.student_id)
        if spec in wanted and spec not in kept:
            kept.append(spec)
        else:
            assignment.recipients.remove(recipient)
    _add_recipients(assignment, [spec for spec in wanted if spec not in kept])
    for submission in dropped:
        db.session.delete(submission)
    _add_submissions(assignment, {student_id: class_id
                                  for student_id, class_id in checked.students.items()
                                  if student_id not in existing})
    db.session.flush()
    return assignment


def delete(assignment: Assignment, actor) -> None:
    """Remove an assignment from every list (soft delete: its history and grades stay)."""
    if not manages(actor, assignment):
        raise PublishError({"assignment": _("Bạn không quản lý bài tập này.")})
    assignment.deleted_at = assignment.deleted_at or utcnow()


# Overrides and extensions ----------------------------------------------------------------------
def _check_override_dates(assignment, opens_at, due_at, cutoff_at, errors: dict) -> None:
    opens = opens_at or assignment.opens_at
    due = due_at or assignment.due_at
    cutoff = cutoff_at or assignment.cutoff_at
    if due < opens:
        errors["due_at"] = _("Hạn nộp phải sau ngày giờ giao bài.")
    elif cutoff_at is not None and cutoff < due:
        errors["cutoff_at"] = _("Hạn chót (sau đó không nhận bài) phải sau hạn nộp.")


def set_override(assignment: Assignment, actor, *, student_id: int | None = None,
                 group_id: int | None = None, opens_at: datetime | None = None,
                 due_at: datetime | None = None, cutoff_at: datetime | None = None,
                 reason: str = "") -> DateOverride:
    """Give one student or one group other dates (a null date keeps the assignment's); an
    existing override of the same student or group is updated."""
    errors: dict[str, str] = {}
    if not manages(actor, assignment):
        raise PublishError({"recipients": _("Bạn không quản lý bài tập này.")})
    if (student_id is None) == (group_id is None):
        raise PublishError({"recipients": _("Hãy chọn một học sinh hoặc một nhóm.")})
    reached: list[Submission] = []
    if student_id is not None:
        reached = list(db.session.scalars(select(Submission).where(
            Submission.assignment_id == assignment.id, Submission.student_id == student_id)))
        if not reached:
            errors["recipients"] = _("Học sinh này không được giao bài tập này.")
    else:
        group = db.session.get(StudentGroup, group_id)
        class_ids = {r.class_id for r in assignment.recipients}
        if group is None or group.class_id not in class_ids:
            errors["recipients"] = _("Nhóm này không thuộc lớp được giao bài tập này.")
        else:
            reached = list(db.session.scalars(
                select(Submission).join(StudentGroupMember, and_(
                    StudentGroupMember.student_id == Submission.student_id,
                    StudentGroupMember.group_id == group_id))
                .where(Submission.assignment_id == assignment.id)))
    if not any((opens_at, due_at, cutoff_at)):
        errors["due_at"] = _("Hãy chọn ít nhất một ngày giờ mới.")
    else:
        _check_override_dates(assignment, opens_at, due_at, cutoff_at, errors)
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        errors["reason"] = _("Lý do dài quá %(n)s ký tự.", n=REASON_MAX)
    if errors:
        raise PublishError(errors)
    override = db.session.scalar(select(DateOverride).where(
        DateOverride.assignment_id == assignment.id,
        DateOverride.student_id == student_id if student_id is not None
        else DateOverride.group_id == group_id))
    if override is None:
        override = DateOverride(assignment_id=assignment.id, student_id=student_id,
                                group_id=group_id, created_by_id=actor.id)
        db.session.add(override)
    override.opens_at, override.due_at, override.cutoff_at = opens_at, due_at, cutoff_at
    override.reason = reason
    for submission in reached:
        log_event(submission, "extended", actor, group_id=group_id,
                  opens_at=format_local(opens_at), due_at=format_local(due_at),
                  cutoff_at=format_local(cutoff_at), reason=reason)
    db.session.flush()
    return override


def extend(submissions: list[Submission], actor, *, due_at: datetime,
           cutoff_at: datetime | None = None, reason: str = "") -> list[DateOverride]:
    """Extend the work of several students at once: each gets a student override with the new
    due date (and cut-off); a date they were already given to open keeps. One query for the
    existing overrides whatever the number of students."""
    if not submissions:
        raise PublishError({"recipients": _("Hãy chọn ít nhất một học sinh.")})
    if not isinstance(due_at, datetime):
        raise PublishError({"due_at": _("Hãy chọn hạn nộp mới.")})
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        raise PublishError({"reason": _("Lý do dài quá %(n)s ký tự.", n=REASON_MAX)})
    assignments = {s.assignment_id: s.assignment for s in submissions}
    errors: dict[str, str] = {}
    for assignment in assignments.values():
        if not manages(actor, assignment):
            raise PublishError({"recipients": _("Bạn không quản lý bài tập này.")})
        _check_override_dates(assignment, None, due_at, cutoff_at, errors)
    if errors:
        raise PublishError(errors)
    existing = {(o.assignment_id, o.student_id): o for o in db.session.scalars(
        select(DateOverride).where(
            DateOverride.assignment_id.in_(sorted(assignments)),
            DateOverride.student_id.in_(sorted({s.student_id for s in submissions}))))}
    overrides = []
    for submission in submissions:
        key = (submission.assignment_id, submission.student_id)
        override = existing.get(key)
        if override is None:
            override = existing[key] = DateOverride(
                assignment_id=submission.assignment_id, student_id=submission.student_id,
                created_by_id=actor.id)
            db.session.add(override)
        override.due_at, override.cutoff_at, override.reason = due_at, cutoff_at, reason
        log_event(submission, "extended", actor, due_at=format_local(due_at),
                  cutoff_at=format_local(cutoff_at), reason=reason)
        overrides.append(override)
    db.session.flush()
    return overrides


# Groups ------------------------------------------------------------------------------------------
def create_group(teacher, class_id: int, name: str, student_ids) -> StudentGroup:
    """A group inside a class the teacher teaches, of students enrolled in it."""
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Hãy đặt tên nhóm.")
    elif len(name) > GROUP_NAME_MAX:
        errors["name"] = _("Tên nhóm dài quá %(n)s ký tự.", n=GROUP_NAME_MAX)
    elif db.session.scalar(select(StudentGroup.id).where(
            StudentGroup.class_id == class_id, StudentGroup.name == name,
            StudentGroup.created_by_id == teacher.id)) is not None:
        errors["name"] = _("Bạn đã có nhóm tên “%(name)s” ở lớp này.", name=name)
    if not teaches(teacher, class_id):
        errors["class_id"] = _("Bạn không dạy lớp này.")
    wanted = list(dict.fromkeys(int(s) for s in student_ids or []))
    if not wanted:
        errors["student_ids"] = _("Hãy chọn ít nhất một học sinh.")
    else:
        enrolled = set(db.session.scalars(select(ClassEnrollment.student_id).where(
            ClassEnrollment.class_id == class_id, ClassEnrollment.student_id.in_(wanted))))
        if set(wanted) - enrolled:
            errors["student_ids"] = _("Có học sinh không học lớp này.")
    if errors:
        raise PublishError(errors)
    group = StudentGroup(class_id=class_id, name=name, created_by_id=teacher.id)
    group.members = [StudentGroupMember(student_id=student_id) for student_id in wanted]
    db.session.add(group)
    db.session.flush()
    return group


def groups_of_teacher(teacher, class_id: int | None = None):
    """A select of the groups `teacher` made (in one class), by class and name."""
    query = select(StudentGroup).where(StudentGroup.created_by_id == teacher.id)
    if class_id is not None:
        query = query.where(StudentGroup.class_id == class_id)
    return query.order_by(StudentGroup.class_id, StudentGroup.name)

