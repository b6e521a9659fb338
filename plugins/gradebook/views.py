"""Routes: the teacher's list of sheets, the grid (typing, pasting, filling from assignments,
publishing), its history, the homeroom class view, and the settings (subject rules, semesters,
locking). Every route checks who may do what here, on the server."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.extensions import db
from lms.models import (
    GradeLevel,
    Role,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
    audit,
)
from lms.models.base import utcnow
from lms.permissions import roles_required, teaches
from lms.scores import ScoreError

from .class_report import load_class_report
from .fill import FILL_RULES, FillError, assignments_loaded, fill_slot, released_grades
from .models import Change, Semester, Sheet, SubjectRule
from .rule_settings import RuleInput, apply_rules
from .rules import LEVEL_LABELS, slot_label
from .semesters import (
    SemesterError,
    ensure_semesters,
    lock,
    may_lock,
    semester_name,
    semester_of,
    semesters_of,
    set_dates,
    unlock,
)
from .sheets import (
    CellChange,
    CellErrors,
    SheetLocked,
    StaleCell,
    format_cell,
    get_or_create_sheet,
    load_sheet_view,
    may_read,
    may_see_history,
    missing_rule_message,
    parse_cell,
    save_cells,
)

bp = Blueprint("gradebook", __name__, url_prefix="/gradebook", template_folder="templates",
               static_folder="static")

STAFF = (Role.ADMIN, Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD,
         Role.TEACHER)
BOARD_AND_ADMIN = (Role.ADMIN, Role.PRINCIPAL, Role.VICE_PRINCIPAL)
HISTORY_PAGE_SIZE = 100


# App-wide (prefixed), because the student overview renders gradebook markup on a core page.
@bp.app_template_filter("gradebook_cell")
def _cell_filter(value) -> str:
    return format_cell(value)


@bp.app_context_processor
def _gradebook_helpers():
    return {"gradebook_slot_label": slot_label,
            "gradebook_level_label": lambda level: LEVEL_LABELS[level]}


# The list of sheets ------------------------------------------------------------------------------
@bp.route("/")
@roles_required(*STAFF)
def index():
    year = SchoolYear.current()
    if year is None:
        return render_template("gradebook/index.html", year=None)
    taught = db.session.scalars(
        select(TeachingAssignment)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .where(SchoolClass.school_year_id == year.id)
        .options(joinedload(TeachingAssignment.school_class),
                 joinedload(TeachingAssignment.subject))).unique().all()
    mine = sorted({(t.school_class, t.subject) for t in taught if t.teacher_id == current_user.id},
                  key=lambda pair: (pair[0].name, pair[1].name))
    homeroom = list(db.session.scalars(select(SchoolClass).where(
        SchoolClass.school_year_id == year.id, SchoolClass.homeroom_teacher_id == current_user.id)
        .order_by(SchoolClass.name)))
    # Read-only browsing: the board and Tổ CNTT every class, heads their department's subjects.
    membership = current_user.department_membership
    heads = (membership.department_id if membership is not None
             and membership.position in ("head", "deputy") else None)
    reads_all = current_user.is_board or current_user.has_role(Role.ADMIN)
    browse: dict[SchoolClass, set[Subject]] = {}
    for t in taught:
        if reads_all or (heads is not None and t.subject.department_id == heads):
            browse.setdefault(t.school_class, set()).add(t.subject)
    browse_rows = [(c, sorted(subjects, key=lambda s: s.name))
                   for c, subjects in sorted(browse.items(), key=lambda item: item[0].name)]
    return render_template("gradebook/index.html", year=year, mine=mine, homeroom=homeroom,
                           browse=browse_rows, reads_all=reads_all,
                           is_admin=current_user.has_role(Role.ADMIN),
                           may_lock=may_lock(current_user))


# The grid ----------------------------------------------------------------------------------------
def _class_and_subject(class_id: int, subject_id: int) -> tuple[SchoolClass, Subject]:
    """The class and subject of a sheet URL: 404 unless someone teaches the subject there."""
    school_class = db.session.get(SchoolClass, class_id)
    subject = db.session.get(Subject, subject_id)
    if school_class is None or subject is None:
        abort(404)
    taught = db.session.scalar(select(TeachingAssignment.id).where(
        TeachingAssignment.class_id == class_id, TeachingAssignment.subject_id == subject_id)
        .limit(1))
    if taught is None:
        abort(404)
    return school_class, subject


def _sheet(class_id: int, subject_id: int, number: int, *, keeper: bool = False) -> Sheet:
    """The sheet for the current user: 403 unless they may read it (keep it, with `keeper`),
    created on demand only after that check."""
    school_class, subject = _class_and_subject(class_id, subject_id)
    if number not in (1, 2):
        abort(404)
    allowed = (teaches(current_user, class_id, subject_id) if keeper
               else may_read(current_user, school_class, subject))
    if not allowed:
        abort(403)
    return _existing_or_new_sheet(school_class, subject_id, number)


def _existing_or_new_sheet(school_class: SchoolClass, subject_id: int, number: int) -> Sheet:
    # Reading an existing sheet must not commit (a commit expires the page's loaded rows).
    sheet = db.session.scalar(
        select(Sheet).join(Semester, Semester.id == Sheet.semester_id)
        .where(Sheet.class_id == school_class.id, Sheet.subject_id == subject_id,
               Semester.school_year_id == school_class.school_year_id, Semester.number == number))
    if sheet is None:
        sheet = get_or_create_sheet(school_class.id, subject_id,
                                    semester_of(school_class.school_year, number))
        db.session.commit()
    return sheet


def _sheet_url(sheet: Sheet) -> str:
    return url_for("gradebook.sheet", class_id=sheet.class_id, subject_id=sheet.subject_id,
                   number=sheet.semester.number)


def _render_grid(sheet: Sheet, *, posted=None, errors=None, status: int = 200):
    view = load_sheet_view(sheet)
    keeper = teaches(current_user, sheet.class_id, sheet.subject_id)
    editable = keeper and not view.locked and view.rule is not None
    released = released_grades(sheet.class_id, sheet.subject_id, view.semester) \
        if editable else []
    errors = errors or {}
    on_grid = {(student.id, slot) for student in view.students for slot in view.slots}
    return render_template(
        "gradebook/sheet.html", view=view, editable=editable, keeper=keeper,
        posted=posted or {}, errors=errors, released=released,
        # errors about cells the grid does not show (a student who left the class, a column
        # the subject does not have) are listed above it instead
        other_errors=[message for key, message in errors.items() if key not in on_grid],
        fill_available=assignments_loaded(), fill_rules=FILL_RULES,
        semester_label=semester_name(view.semester),
        missing_rule=(missing_rule_message(view.subject, view.school_class)
                      if view.rule is None else None),
        is_admin=current_user.has_role(Role.ADMIN),
        sees_history=may_see_history(current_user, view.school_class, view.subject),
    ), status


@bp.route("/class/<int:class_id>/subject/<int:subject_id>/hk<int:number>")
@roles_required(*STAFF)
def sheet(class_id: int, subject_id: int, number: int):
    return _render_grid(_sheet(class_id, subject_id, number))


@bp.route("/class/<int:class_id>/subject/<int:subject_id>/hk<int:number>/save", methods=["POST"])
@roles_required(*STAFF)
def save(class_id: int, subject_id: int, number: int):
    sheet = _sheet(class_id, subject_id, number, keeper=True)
    view = load_sheet_view(sheet)
    posted, errors, changes = {}, {}, []
    for name, text in request.form.items():
        if not name.startswith("c-"):
            continue
        student_text, _sep, slot = name[2:].partition("-")
        if not student_text.isdigit():
            continue
        student_id = int(student_text)
        posted[(student_id, slot)] = text
        version_text = request.form.get(f"v-{student_id}-{slot}", "")
        try:
            value = parse_cell(text, view.comment_only)
        except ScoreError as error:
            errors[(student_id, slot)] = str(error)
            continue
        changes.append(CellChange(student_id, slot, value,
                                  int(version_text) if version_text.isdigit() else None))
    source = "pasted" if request.form.get("source") == "pasted" else "typed"
    written = []
    try:
        written = save_cells(sheet, changes, current_user, source)
    except SheetLocked as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(_sheet_url(sheet))
    except CellErrors as error:
        for student_id, slot, message in error.errors:
            errors.setdefault((student_id, slot), message)
    except StaleCell as error:
        db.session.rollback()
        current = load_sheet_view(sheet)
        for student_id, slot in error.cells:
            errors[(student_id, slot)] = _(
                "Người khác vừa sửa ô này (hiện là “%(value)s”); hãy kiểm tra rồi lưu lại.",
                value=format_cell(current.value(student_id, slot)))
    if errors:
        db.session.rollback()
        flash(_("Chưa lưu gì: hãy sửa %(count)s ô được đánh dấu.", count=len(errors)), "error")
        return _render_grid(sheet, posted=posted, errors=errors, status=422)
    db.session.commit()
    if written:
        flash(_("Đã lưu %(count)s ô.", count=len(written)), "success")
    else:
        flash(_("Không có ô nào thay đổi."), "info")
    return redirect(_sheet_url(sheet))


@bp.route("/class/<int:class_id>/subject/<int:subject_id>/hk<int:number>/fill", methods=["POST"])
@roles_required(*STAFF)
def fill(class_id: int, subject_id: int, number: int):
    sheet = _sheet(class_id, subject_id, number, keeper=True)
    ids = [int(v) for v in request.form.getlist("assignment") if v.isdigit()]
    try:
        written = fill_slot(sheet, request.form.get("slot", ""), ids,
                            request.form.get("rule", ""), current_user)
    except (FillError, SheetLocked) as error:
        db.session.rollback()
        flash(str(error), "error")
    except CellErrors as error:
        db.session.rollback()
        flash(_("Chưa điền: %(reason)s", reason=error.errors[0][2]), "error")
    else:
        db.session.commit()
        flash(_("Đã điền %(count)s ô từ điểm bài tập.", count=len(written)) if written
              else _("Không có ô nào thay đổi: chưa học sinh nào có điểm mới ở các bài đã chọn."),
              "success" if written else "info")
    return redirect(_sheet_url(sheet))


@bp.route("/class/<int:class_id>/subject/<int:subject_id>/hk<int:number>/publish",
          methods=["POST"])
@roles_required(*STAFF)
def publish(class_id: int, subject_id: int, number: int):
    """Công bố (or withdraw) the sheet's scores to the students and their parents."""
    sheet = _sheet(class_id, subject_id, number, keeper=True)
    if sheet.published_at is None:
        sheet.published_at, sheet.published_by_id = utcnow(), current_user.id
        audit("gradebook.published", actor=current_user, target=sheet)
        flash(_("Đã công bố sổ điểm cho học sinh và phụ huynh."), "success")
    else:
        sheet.published_at, sheet.published_by_id = None, None
        audit("gradebook.unpublished", actor=current_user, target=sheet)
        flash(_("Đã ngừng công bố: học sinh và phụ huynh không còn thấy sổ điểm này."), "success")
    db.session.commit()
    return redirect(_sheet_url(sheet))


@bp.route("/class/<int:class_id>/subject/<int:subject_id>/hk<int:number>/history")
@roles_required(*STAFF)
def history(class_id: int, subject_id: int, number: int):
    school_class, subject = _class_and_subject(class_id, subject_id)
    if number not in (1, 2):
        abort(404)
    if not may_see_history(current_user, school_class, subject):
        abort(403)
    sheet = _existing_or_new_sheet(school_class, subject_id, number)
    page = db.paginate(
        select(Change).where(Change.sheet_id == sheet.id)
        .options(joinedload(Change.actor), joinedload(Change.student))
        .order_by(Change.at.desc(), Change.id.desc()),
        per_page=HISTORY_PAGE_SIZE, error_out=False)
    return render_template("gradebook/history.html", sheet=sheet, page=page,
                           semester_label=semester_name(sheet.semester))


# The homeroom class view -------------------------------------------------------------------------
@bp.route("/class/<int:class_id>")
@roles_required(*STAFF)
def class_view(class_id: int):
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None:
        abort(404)
    if not (school_class.homeroom_teacher_id == current_user.id or current_user.is_board
            or current_user.has_role(Role.ADMIN)):
        abort(403)
    if ensure_semesters(school_class.school_year):
        db.session.commit()
    report = load_class_report(school_class)
    return render_template("gradebook/class.html", report=report,
                           subject_names={s.id: s.name for s in report.subjects})


# Settings ----------------------------------------------------------------------------------------
@bp.route("/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    subjects = list(db.session.scalars(select(Subject).order_by(Subject.name)))
    grades = list(db.session.scalars(select(GradeLevel).order_by(GradeLevel.number)))
    rules = {(r.subject_id, r.grade_level_id): r for r in db.session.scalars(select(SubjectRule))}
    values = {key: (str(r.periods_per_year), r.comment_only) for key, r in rules.items()}
    errors: dict[tuple[int, int], str] = {}
    if request.method == "POST":
        # Only the cells the form sent: an empty field removes a rule, a missing one keeps it.
        inputs = [RuleInput(s.id, g.id, request.form[f"p-{s.id}-{g.id}"],
                            request.form.get(f"k-{s.id}-{g.id}") == "1")
                  for s in subjects for g in grades if f"p-{s.id}-{g.id}" in request.form]
        values.update({(i.subject_id, i.grade_level_id): (i.periods, i.comment_only)
                       for i in inputs})
        errors = apply_rules(inputs, current_user)
        if not errors:
            db.session.commit()
            flash(_("Đã lưu số tiết và cách đánh giá các môn."), "success")
            return redirect(url_for("gradebook.settings"))
        db.session.rollback()
        flash(_("Chưa lưu: hãy sửa các ô được đánh dấu."), "error")
    return render_template("gradebook/settings.html", subjects=subjects, grades=grades,
                           values=values, errors=errors), 422 if errors else 200


@bp.route("/semesters")
@roles_required(*BOARD_AND_ADMIN)
def semesters():
    year = SchoolYear.current()
    if year is not None and ensure_semesters(year):
        db.session.commit()
    rows = semesters_of(year) if year is not None else []
    return render_template("gradebook/semesters.html", year=year, semesters=rows,
                           is_admin=current_user.has_role(Role.ADMIN))


def _parse_day(name: str, label: str):
    text = request.form.get(name, "").strip()
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise SemesterError(_("%(label)s: “%(text)s” không phải ngày dạng dd/mm/yyyy.",
                              label=label, text=text)) from None


@bp.route("/semesters/dates", methods=["POST"])
@roles_required(Role.ADMIN)
def semester_dates():
    year = SchoolYear.current()
    if year is None:
        abort(404)
    try:
        first = (_parse_day("hk1_start", _("Ngày bắt đầu học kỳ I")),
                 _parse_day("hk1_end", _("Ngày kết thúc học kỳ I")))
        second = (_parse_day("hk2_start", _("Ngày bắt đầu học kỳ II")),
                  _parse_day("hk2_end", _("Ngày kết thúc học kỳ II")))
        set_dates(year, first, second, current_user)
    except SemesterError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Đã lưu ngày của hai học kỳ."), "success")
    return redirect(url_for("gradebook.semesters"))


def _semester_or_404(semester_id: int) -> Semester:
    semester = db.session.get(Semester, semester_id)
    if semester is None:
        abort(404)
    return semester


@bp.route("/semesters/<int:semester_id>/lock", methods=["POST"])
@roles_required(*BOARD_AND_ADMIN)
def lock_semester(semester_id: int):
    semester = _semester_or_404(semester_id)
    try:
        lock(semester, current_user)
    except SemesterError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Đã khóa sổ %(name)s: không ai sửa được điểm của học kỳ này.",
                name=semester_name(semester)), "success")
    return redirect(url_for("gradebook.semesters"))


@bp.route("/semesters/<int:semester_id>/unlock", methods=["POST"])
@roles_required(*BOARD_AND_ADMIN)
def unlock_semester(semester_id: int):
    semester = _semester_or_404(semester_id)
    try:
        unlock(semester, current_user)
    except SemesterError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Đã mở khóa %(name)s để sửa điểm.", name=semester_name(semester)), "success")
    return redirect(url_for("gradebook.semesters"))
