"""Filling a column from released assignment grades: one, the average of several, the latest;
drafts and other classes, subjects and semesters never count."""
from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import SchoolYear, User
from plugins.assignments.models import Assignment, Submission
from plugins.gradebook.fill import FillError, fill_slot, released_grades
from plugins.gradebook.semesters import lock
from plugins.gradebook.sheets import SheetLocked, load_sheet_view

from .conftest import sheet_for


def user(username):
    return db.session.scalar(sa.select(User).where(User.username == username))


def make_assignment(subject_code, class_name, grades, *, days=20, released=True, title="Bài"):
    """An assignment of the current year due `days` after the year starts, with a submission per
    student username in `grades` (released unless told otherwise)."""
    from lms.models import SchoolClass, Subject

    year = SchoolYear.current()
    teacher = user("gv.toan")
    due = datetime.combine(year.start_date, datetime.min.time()) + timedelta(days=days, hours=3)
    assignment = Assignment(
        title=title, subject_id=db.session.scalar(sa.select(Subject.id).where(
            Subject.code == subject_code)), school_year_id=year.id, created_by_id=teacher.id,
        opens_at=due - timedelta(days=3), due_at=due,
        grading_scale="pass_fail" if subject_code == "GDTC" else "score")
    db.session.add(assignment)
    db.session.flush()
    class_id = db.session.scalar(sa.select(SchoolClass.id).where(
        SchoolClass.name == class_name, SchoolClass.school_year_id == year.id))
    for username, grade in grades.items():
        passed = grade if isinstance(grade, bool) else None
        score = None if isinstance(grade, bool) else D(grade)
        db.session.add(Submission(
            assignment_id=assignment.id, student_id=user(username).id, class_id=class_id,
            state="returned", score=score, passed=passed,
            released_at=due + timedelta(days=1) if released else None,
            released_score=score if released else None,
            released_passed=passed if released else None))
    db.session.flush()
    return assignment.id


def values(sheet, slot):
    view = load_sheet_view(sheet)
    return {s.username: view.value(s.id, slot) for s in view.students
            if view.value(s.id, slot) is not None}


def test_fill_one_average_latest(app, subject_rules):
    with app.app_context():
        early = make_assignment("TOAN", "6A1", {"hs.6a1.01": "8", "hs.6a1.02": "6.5"}, days=10)
        late = make_assignment("TOAN", "6A1", {"hs.6a1.01": "9.5", "hs.6a1.03": "7"}, days=30)
        make_assignment("TOAN", "6A1", {"hs.6a1.04": "10"}, released=False)  # a draft
        make_assignment("TOAN", "6A2", {"hs.6a2.01": "10"})  # another class
        make_assignment("VAN", "6A1", {"hs.6a1.05": "10"})  # another subject
        make_assignment("TOAN", "6A1", {"hs.6a1.05": "10"}, days=200)  # semester II
        sheet = sheet_for("6A1", "TOAN")
        listed = released_grades(sheet.class_id, sheet.subject_id, sheet.semester)
        assert [r.assignment.id for r in listed] == [early, late]
        teacher = user("gv.toan")

        fill_slot(sheet, "tx1", [early], "one", teacher)
        assert values(sheet, "tx1") == {"hs.6a1.01": D(8), "hs.6a1.02": D("6.5")}
        # (8 + 9,5) / 2 = 8,75 → 8,8; students with one grade keep it
        changes = fill_slot(sheet, "tx2", [early, late], "average", teacher)
        assert values(sheet, "tx2") == {"hs.6a1.01": D("8.8"), "hs.6a1.02": D("6.5"),
                                        "hs.6a1.03": D(7)}
        assert {c.source for c in changes} == {"assignment"}
        fill_slot(sheet, "tx3", [late, early], "latest", teacher)
        assert values(sheet, "tx3") == {"hs.6a1.01": D("9.5"), "hs.6a1.02": D("6.5"),
                                        "hs.6a1.03": D(7)}
        entry = load_sheet_view(sheet).entries[(user("hs.6a1.01").id, "tx3")]
        assert entry.source == "assignment"
        assert entry.source_detail == {"assignments": [late, early], "rule": "latest"}

        # A student without a released grade keeps what the teacher typed.
        from plugins.gradebook.sheets import CellChange, save_cells

        save_cells(sheet, [CellChange(user("hs.6a1.04").id, "tx4", D(5))], teacher, "typed")
        fill_slot(sheet, "tx4", [early], "one", teacher)
        assert values(sheet, "tx4")["hs.6a1.04"] == D(5)


def test_fill_refuses_bad_requests(app, subject_rules):
    with app.app_context():
        early = make_assignment("TOAN", "6A1", {"hs.6a1.01": "8"})
        late = make_assignment("TOAN", "6A1", {"hs.6a1.01": "9"}, days=30)
        other = make_assignment("TOAN", "6A2", {"hs.6a2.01": "10"})
        draft = make_assignment("TOAN", "6A1", {"hs.6a1.02": "10"}, released=False)
        sheet = sheet_for("6A1", "TOAN")
        teacher = user("gv.toan")
        for ids, rule, slot, message in [
            ([early, late], "one", "tx1", "đúng một bài"),
            ([], "latest", "tx1", "ít nhất một bài"),
            ([early], "best", "tx1", "cách lấy điểm"),
            ([other], "one", "tx1", "không thuộc lớp"),
            ([draft], "one", "tx1", "không thuộc lớp"),
            ([early], "one", "tx9", "một cột"),
        ]:
            with pytest.raises(FillError, match=message):
                fill_slot(sheet, slot, ids, rule, teacher)
        lock(sheet.semester, user("admin"))
        with pytest.raises(SheetLocked):
            fill_slot(sheet, "tx1", [early], "one", teacher)


def test_fill_comment_only_subject(app, subject_rules):
    with app.app_context():
        first = make_assignment("GDTC", "6A1", {"hs.6a1.01": True, "hs.6a1.02": False})
        second = make_assignment("GDTC", "6A1", {"hs.6a1.02": True}, days=25)
        sheet = sheet_for("6A1", "GDTC")
        teacher = user("gv.khtn")
        with pytest.raises(FillError, match="không tính trung bình"):
            fill_slot(sheet, "tx1", [first, second], "average", teacher)
        fill_slot(sheet, "tx1", [first, second], "latest", teacher)
        assert values(sheet, "tx1") == {"hs.6a1.01": True, "hs.6a1.02": True}
