"""Loading and saving a sheet: validation before any write, all or nothing, audit rows, versions,
locking, and a fixed number of queries whatever the class size."""
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db
from lms.models import User
from plugins.gradebook.models import Change, Entry, Sheet
from plugins.gradebook.semesters import lock, semester_of
from plugins.gradebook.sheets import (
    CellChange,
    CellErrors,
    SheetLocked,
    StaleCell,
    load_sheet_view,
    parse_cell,
    save_cells,
)

from .conftest import add_students, count_queries, sheet_for


def user(username):
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_load_sheet_view_orders_students_by_given_name(app, subject_rules):
    with app.app_context():
        view = load_sheet_view(sheet_for("6A1", "TOAN"))
        assert view.slots == ["tx1", "tx2", "tx3", "tx4", "gk", "ck"]
        assert [s.given_name for s in view.students] == ["Anh", "Huy", "Khôi", "Nam", "Vy"]
        assert view.averages == {s.id: None for s in view.students}
        assert not view.comment_only and not view.locked
        gdtc = load_sheet_view(sheet_for("6A1", "GDTC"))
        assert gdtc.slots == ["tx1", "tx2", "tx3", "gk", "ck"] and gdtc.comment_only
        assert load_sheet_view(sheet_for("6A1", "TIN")).slots == ["tx1", "tx2", "gk", "ck"]


def test_without_a_rule_the_sheet_has_no_slots_and_refuses_scores(app, demo):
    with app.app_context():
        sheet = sheet_for("6A1", "TOAN")
        view = load_sheet_view(sheet)
        assert view.rule is None and view.slots == []
        with pytest.raises(CellErrors) as caught:
            save_cells(sheet, [CellChange(view.students[0].id, "tx1", D(8))], user("gv.toan"),
                       "typed")
        assert "Chưa khai báo số tiết của môn Toán cho khối 6" in caught.value.errors[0][2]


def test_save_cells_writes_averages_and_audits_each_change(app, subject_rules):
    received = []

    def on_changed(sender, changes, actor, **_):
        received.append((len(changes), actor.username))

    with app.app_context(), signals.gradebook_changed.connected_to(on_changed, sender=app):
        sheet = sheet_for("6A1", "TOAN")
        teacher = user("gv.toan")
        first, second = load_sheet_view(sheet).students[:2]
        cells = dict(zip(["tx1", "tx2", "tx3", "tx4", "gk", "ck"],
                         ["8", "9", "7", "8", "7", "8,5"], strict=True))
        written = save_cells(sheet, [CellChange(first.id, slot, parse_cell(text, False), 0)
                                     for slot, text in cells.items()]
                             + [CellChange(second.id, "tx1", D(5))], teacher, "typed")
        db.session.commit()
        assert len(written) == 7 and received == [(7, "gv.toan")]
        view = load_sheet_view(sheet)
        assert view.averages[first.id] == D("7.9")
        assert view.averages[second.id] is None  # not every evaluation yet
        assert view.entries[(first.id, "ck")].updated_by_id == teacher.id

        # Saving the same value again is no change; a correction is audited old → new.
        version = view.version(first.id, "ck")
        assert save_cells(sheet, [CellChange(first.id, "ck", D("8.5"), version)], teacher,
                          "typed") == []
        save_cells(sheet, [CellChange(first.id, "ck", D(10), version),
                           CellChange(first.id, "tx1", None, view.version(first.id, "tx1"))],
                   teacher, "pasted")
        db.session.commit()
        changes = db.session.scalars(sa.select(Change).where(
            Change.student_id == first.id).order_by(Change.id)).all()
        assert [(c.slot, c.old_value, c.new_value, c.source) for c in changes[-2:]] == [
            ("ck", "8,5", "10", "pasted"), ("tx1", "8", "", "pasted")]
        assert all(c.actor_id == teacher.id for c in changes)


def test_one_wrong_cell_saves_nothing_and_names_every_error(app, subject_rules, school):
    with app.app_context():
        sheet = sheet_for("6A1", "TOAN")
        student = load_sheet_view(sheet).students[0]
        outsider = school.users["hs.6a2.01"]
        changes = [CellChange(student.id, "tx1", D(8)), CellChange(student.id, "tx9", D(8)),
                   CellChange(outsider, "tx2", D(7)), CellChange(student.id, "gk", D("10.5")),
                   CellChange(student.id, "ck", D("7.25")), CellChange(student.id, "tx3", True),
                   CellChange(student.id, "tx1", D(9))]
        with pytest.raises(CellErrors) as caught:
            save_cells(sheet, changes, user("gv.toan"), "typed")
        db.session.rollback()
        errors = {(sid, slot): message for sid, slot, message in caught.value.errors}
        assert set(errors) == {(student.id, "tx9"), (outsider, "tx2"), (student.id, "gk"),
                               (student.id, "ck"), (student.id, "tx3"), (student.id, "tx1")}
        assert "không có trong sổ điểm" in errors[(student.id, "tx9")]
        assert "không thuộc lớp 6A1" in errors[(outsider, "tx2")]
        assert errors[(student.id, "gk")] == "Điểm phải từ 0 đến 10."
        assert "một chữ số thập phân" in errors[(student.id, "ck")]
        assert "đánh giá bằng điểm số" in errors[(student.id, "tx3")]
        assert "hai lần" in errors[(student.id, "tx1")]
        assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Change.id))) == 0


def test_comment_only_subject_takes_dat_or_chua_dat(app, subject_rules):
    with app.app_context():
        sheet = sheet_for("6A1", "GDTC")
        view = load_sheet_view(sheet)
        first, second = view.students[:2]
        assert [parse_cell(t, True) for t in ("Đ", "đạt", "D", "CĐ", "chua dat", "")] == [
            True, True, True, False, False, None]
        with pytest.raises(ValueError, match="Đ \\(Đạt\\) hoặc"):
            parse_cell("8", True)
        with pytest.raises(CellErrors, match="đánh giá bằng nhận xét"):
            save_cells(sheet, [CellChange(first.id, "tx1", D(8))], user("gv.khtn"), "typed")
        changes = [CellChange(first.id, slot, True) for slot in view.slots]
        changes += [CellChange(second.id, slot, slot != "tx2") for slot in view.slots]
        written = save_cells(sheet, changes, user("gv.khtn"), "typed")
        assert {c.new_value for c in written} == {"Đ", "CĐ"}
        view = load_sheet_view(sheet)
        assert view.averages[first.id] is True and view.averages[second.id] is False


def test_stale_version_is_refused(app, subject_rules):
    with app.app_context():
        sheet = sheet_for("6A1", "TOAN")
        student = load_sheet_view(sheet).students[0]
        save_cells(sheet, [CellChange(student.id, "tx1", D(8), 0)], user("gv.toan"), "typed")
        db.session.commit()
        # A colleague's page read version 0 before the first save: refused, nothing written.
        with pytest.raises(StaleCell) as caught:
            save_cells(sheet, [CellChange(student.id, "tx1", D(6), 0),
                               CellChange(student.id, "tx2", D(6), 0)], user("gv.toan"), "typed")
        db.session.rollback()
        assert caught.value.cells == [(student.id, "tx1")]
        view = load_sheet_view(sheet)
        assert view.value(student.id, "tx1") == D(8) and view.value(student.id, "tx2") is None


def test_locked_semester_refuses_every_change(app, subject_rules):
    with app.app_context():
        sheet = sheet_for("6A1", "TOAN")
        student = load_sheet_view(sheet).students[0]
        lock(sheet.semester, user("hieutruong"))
        with pytest.raises(SheetLocked):
            save_cells(sheet, [CellChange(student.id, "tx1", D(8))], user("gv.toan"), "typed")


def test_semester_two_shows_the_year_average(app, subject_rules):
    with app.app_context():
        teacher = user("gv.toan")
        first = sheet_for("6A1", "TOAN", 1)
        student = load_sheet_view(first).students[0]
        # HK I: 8, 8, 8, 8.5 / 8 / 8.5 → (32.5 + 16 + 25.5) / 9 = 8.22 → 8.2
        for sheet, values in ((first, ["8", "8", "8", "8.5", "8", "8.5"]),
                              (sheet_for("6A1", "TOAN", 2), ["9", "9", "9", "9", "9", "9"])):
            save_cells(sheet, [CellChange(student.id, slot, D(v)) for slot, v in zip(
                ["tx1", "tx2", "tx3", "tx4", "gk", "ck"], values, strict=True)], teacher, "typed")
        view = load_sheet_view(sheet_for("6A1", "TOAN", 2))
        # (8.2 + 2·9) / 3 = 8.733… → 8.7
        assert view.averages[student.id] == D(9)
        assert view.year_averages[student.id] == D("8.7")


def _fill(sheet, students, teacher):
    view = load_sheet_view(sheet)
    save_cells(sheet, [CellChange(sid, slot, D(7) + D(n % 4)) for n, sid in enumerate(students)
                       for slot in view.slots], teacher, "typed")
    db.session.commit()


def test_loading_a_sheet_runs_a_fixed_number_of_queries(app, subject_rules):
    with app.app_context():
        teacher = user("gv.toan")
        small = sheet_for("6A1", "TOAN", 2)
        _fill(small, [s.id for s in load_sheet_view(small).students], teacher)
        big_class = add_students("6A2", 45)
        big = sheet_for("6A2", "TOAN", 2)
        _fill(big, big_class + [s.id for s in load_sheet_view(big).students
                                if s.id not in big_class], teacher)
        _fill(sheet_for("6A2", "TOAN", 1), big_class, teacher)
        small_id, big_id = small.id, big.id
    counts = []
    for sheet_id in (small_id, big_id):
        with app.app_context():
            sheet = db.session.get(Sheet, sheet_id)
            with count_queries(app) as queries:
                view = load_sheet_view(sheet)
            counts.append(len(queries))
    assert len(view.students) == 49
    assert sum(v is not None for v in view.year_averages.values()) == 45
    assert counts[0] == counts[1] <= 6, counts


def test_semester_defaults(app, demo):
    from lms.models import SchoolYear

    with app.app_context():
        year = SchoolYear.current()
        first, second = semester_of(year, 1), semester_of(year, 2)
        assert first.starts_on == year.start_date and first.ends_on.strftime("%d/%m") == "15/01"
        assert second.starts_on.strftime("%d/%m") == "16/01" and second.ends_on == year.end_date
