"""The demo school's gradebook: how each subject is assessed, and a partly filled semester.

Every demo subject gets its periods a year for grades 6–9 (so every sheet opens), and 6A1 gets
a gradebook that looks like the middle of a semester: Toán with ĐĐGtx 1–2 typed for every
student and ĐĐGtx 3 taken from the released grades of the demo homework, GDTC (assessed by
comment) with Đ/CĐ in ĐĐGtx 1. Everything goes through `sheets.save_cells` / `fill.fill_slot`,
so it is validated and audited like a teacher's typing; only empty cells are written, so a
second run (or a teacher's own changes) is left alone.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from lms.extensions import db
from lms.models import GradeLevel, SchoolClass, SchoolYear, Subject

from . import fill, semesters, sheets
from .models import Entry, SubjectRule

#: số tiết/năm of the 2018 curriculum for lower secondary; GDTC is assessed by comment
PERIODS_PER_YEAR = {"TOAN": 140, "VAN": 140, "ANH": 105, "KHTN": 140, "TIN": 35, "GDCD": 35,
                    "CN": 35, "GDTC": 70}
COMMENT_ONLY = frozenset({"GDTC"})
GRADES = (6, 7, 8, 9)

CLASS = "6A1"
#: (subject, teacher who keeps the sheet)
TOAN, GDTC = ("TOAN", "gv.toan"), ("GDTC", "gv.khtn")
#: ĐĐGtx 1 and 2 of Toán, taken in turn by the students in given-name order
TX_SCORES = (("8", "9"), ("9.5", "10"), ("6.5", "7"), ("5", "6.5"), ("7.5", "8"), ("8.5", "7.5"))
#: ĐĐGtx 1 of GDTC: Đạt for all but every fifth student
GDTC_FAILED_EVERY = 5
#: the column filled from the demo homework's released grades
FILLED_SLOT = "tx3"


def seed_demo_gradebook(demo) -> None:
    added = seed_subject_rules()
    if added:
        demo.notes.append(f"Sổ điểm: đã khai báo số tiết cho {added} môn × khối.")
    year = SchoolYear.current()
    school_class = year and db.session.scalar(select(SchoolClass).where(
        SchoolClass.name == CLASS, SchoolClass.school_year_id == year.id))
    if school_class is None:
        demo.notes.append(f"Bỏ qua sổ điểm mẫu: chưa có lớp {CLASS} trong năm học hiện tại.")
        return
    teacher = demo.accounts[TOAN[1]]
    homework = _demo_homework(teacher, year)
    # the sheet the homework's grade belongs in (semester I in the autumn), else today's
    semester = (_semester_containing(year, homework.due_at) if homework is not None else None
                ) or semesters.current_semester(demo.today)
    if semester.locked_at is not None:
        demo.notes.append(f"Bỏ qua sổ điểm mẫu: {semesters.semester_name(semester)} đã khóa sổ.")
        return
    toan = _sheet(school_class, TOAN[0], semester)
    students = sheets.class_students(school_class.id)
    written = _fill_empty(toan, teacher, [
        sheets.CellChange(student.id, slot, Decimal(TX_SCORES[index % len(TX_SCORES)][column]))
        for index, student in enumerate(students)
        for column, slot in enumerate(("tx1", "tx2"))])
    from_homework = _fill_from_homework(toan, homework, teacher, demo)
    gdtc = _sheet(school_class, GDTC[0], semester)
    written += _fill_empty(gdtc, demo.accounts[GDTC[1]], [
        sheets.CellChange(student.id, "tx1", (index + 1) % GDTC_FAILED_EVERY != 0)
        for index, student in enumerate(students)])
    if written or from_homework:
        demo.notes.append(
            f"Sổ điểm mẫu: Toán {CLASS} ({semesters.semester_name(semester)}: ĐĐGtx 1–2"
            + (", ĐĐGtx 3 lấy từ bài đã trả" if from_homework else "")
            + f"), GDTC {CLASS} (Đ/CĐ).")


def seed_subject_rules() -> int:
    """Add the missing (subject, grade) rules; return how many were added."""
    subjects = dict(db.session.execute(
        select(Subject.code, Subject.id).where(Subject.code.in_(PERIODS_PER_YEAR))).all())
    grades = dict(db.session.execute(
        select(GradeLevel.number, GradeLevel.id).where(GradeLevel.number.in_(GRADES))).all())
    existing = set(db.session.execute(
        select(SubjectRule.subject_id, SubjectRule.grade_level_id)).all())
    added = 0
    for code, periods in PERIODS_PER_YEAR.items():
        for number in GRADES:
            if code not in subjects or number not in grades:
                continue
            key = (subjects[code], grades[number])
            if key in existing:
                continue
            db.session.add(SubjectRule(subject_id=key[0], grade_level_id=key[1],
                                       periods_per_year=periods,
                                       comment_only=code in COMMENT_ONLY))
            added += 1
    db.session.flush()
    return added


def _sheet(school_class: SchoolClass, subject_code: str, semester):
    subject_id = db.session.scalar(select(Subject.id).where(Subject.code == subject_code))
    return sheets.get_or_create_sheet(school_class.id, subject_id, semester)


def _filled_cells(sheet) -> set[tuple[int, str]]:
    return set(db.session.execute(
        select(Entry.student_id, Entry.slot).where(Entry.sheet_id == sheet.id)).all())


def _fill_empty(sheet, actor, changes: list[sheets.CellChange]) -> int:
    """Save the cells that are still empty (a teacher's own value is never overwritten);
    return how many were written."""
    filled = _filled_cells(sheet)
    return len(sheets.save_cells(
        sheet, [c for c in changes if (c.student_id, c.slot) not in filled], actor,
        source="typed"))


def _demo_homework(teacher, year):
    """The homework the assignments demo gave and returned, when that plugin is loaded."""
    if not fill.assignments_loaded():
        return None
    from plugins.assignments.demo import HOMEWORK_TITLE
    from plugins.assignments.models import Assignment

    return db.session.scalar(select(Assignment).where(
        Assignment.title == HOMEWORK_TITLE, Assignment.created_by_id == teacher.id,
        Assignment.school_year_id == year.id, Assignment.deleted_at.is_(None)).limit(1))


def _semester_containing(year: SchoolYear, moment):
    for semester in semesters.semesters_of(year):
        start, end = semesters.utc_bounds(semester)
        if start <= moment < end:
            return semester
    return None


def _fill_from_homework(sheet, homework, teacher, demo) -> bool:
    """ĐĐGtx 3 from the released grades of the demo homework, when the column is still empty;
    return whether it was filled now."""
    if homework is None or any(slot == FILLED_SLOT for _s, slot in _filled_cells(sheet)):
        return False
    released = {r.assignment.id for r in fill.released_grades(sheet.class_id, sheet.subject_id,
                                                              sheet.semester)}
    if homework.id not in released:
        demo.notes.append("Sổ điểm mẫu: bài tập về nhà chưa có điểm đã trả trong học kỳ này nên "
                          "cột ĐĐGtx 3 để trống.")
        return False
    return bool(fill.fill_slot(sheet, FILLED_SLOT, [homework.id], "one", teacher))
