"""Giao bài end to end in Chromium, through the real forms only: a teacher gives an approved
SCORM lesson to 6A1, a student does it on a 360 px phone, the teacher grades and returns it
(Trả bài), puts the grade into ĐĐGtx 1 of the gradebook and downloads the VnEdu/SMAS sheet; and
a student hands in a phone photo of paper work for a plain task, which the server downscales and
strips of EXIF before the teacher sees it."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.extensions import db

from .conftest import DEFAULT_TIMEOUT_MS
from .test_scorm_player import import_approved, quiz_package, sco_frame

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is missing")
expect = sync_api.expect

pytestmark = pytest.mark.plugins("scorm", "assignments", "gradebook")

PHONE = {"width": 360, "height": 740}
TEACHER = "gv.toan"
STUDENT = "hs.6a1.01"
STUDENT_NAME = "Nguyễn Hoàng Nam"  # hs.6a1.01 in the demo school
LESSON = "Phân số 2004"  # the quiz package's title (test_scorm_player.quiz_package)


# Setup and database reads (the steps themselves go through the browser) ------------------------
def add_toan_rule(app) -> None:
    """Toán in grade 6: 140 periods a year, so four ĐĐGtx (the gradebook needs the rule)."""
    from lms.models import GradeLevel, Subject
    from plugins.gradebook.models import SubjectRule

    with app.app_context():
        subject = db.session.scalar(sa.select(Subject).where(Subject.code == "TOAN"))
        grade = db.session.scalar(sa.select(GradeLevel).where(GradeLevel.number == 6))
        db.session.add(SubjectRule(subject_id=subject.id, grade_level_id=grade.id,
                                   periods_per_year=140))
        db.session.commit()


def tomorrow_local(app) -> str:
    """Tomorrow in the school's zone, as a teacher types it: dd/mm/yyyy."""
    from lms.models.base import utcnow
    from plugins.assignments import schedule

    with app.app_context():
        return (schedule.local_today(utcnow()) + timedelta(days=1)).strftime("%d/%m/%Y")


def submission_of(app, assignment_id: int, username: str):
    """(state, proposed_score, score, released_score) of the student's submission."""
    from lms.models import User
    from plugins.assignments.models import Submission

    with app.app_context():
        row = db.session.execute(
            sa.select(Submission.state, Submission.proposed_score, Submission.score,
                      Submission.released_score)
            .join(User, User.id == Submission.student_id)
            .where(Submission.assignment_id == assignment_id, User.username == username)).one()
        return tuple(row)


def gradebook_entry(app, class_id: int, subject_id: int, student_id: int, slot: str):
    """(score, source, source assignments) of one gradebook cell of the current semester."""
    from plugins.gradebook.models import Entry, Sheet
    from plugins.gradebook.semesters import current_semester

    with app.app_context():
        entry = db.session.scalar(
            sa.select(Entry).join(Sheet, Sheet.id == Entry.sheet_id)
            .where(Sheet.class_id == class_id, Sheet.subject_id == subject_id,
                   Sheet.semester_id == current_semester().id,
                   Entry.student_id == student_id, Entry.slot == slot))
        return entry.score, entry.source, entry.source_detail.get("assignments")


def wait_for(page, read, check, what: str):
    """Poll `read()` until `check(value)` holds (the lesson's commits land asynchronously)."""
    value = None
    for _ in range(150):
        value = read()
        if check(value):
            return value
        page.wait_for_timeout(100)
    raise AssertionError(f"{what} never happened; last seen: {value!r}")


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def phone(browser, live_server):
    """A second browser (the student's phone, 360 × 740) beside the `page` fixture's desktop."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=PHONE,
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


# The teacher's Giao bài form -----------------------------------------------------------------
def give_work(page, *, title: str, due: str, lesson: str | None = None,
              instructions: str = "") -> int:
    """Fill and send the Giao bài form for the whole of 6A1 in Toán; the new assignment's id."""
    open_menu_entry(page, "Giao bài")
    page.get_by_role("link", name="Giao bài mới").click()
    form = page.locator("#assignment-form")
    form.get_by_label("Tên bài", exact=True).fill(title)
    form.get_by_label("Môn", exact=True).select_option(label="Toán")
    if lesson is not None:
        form.get_by_label("Học liệu trong thư viện").check()
        options = form.get_by_label("Học liệu", exact=True).locator("option")
        label = next(text for text in options.all_inner_texts() if text.startswith(lesson))
        form.get_by_label("Học liệu", exact=True).select_option(label=label)
    else:
        form.get_by_label("Bài tập tự do (hướng dẫn và tệp đính kèm)").check()
    if instructions:
        form.get_by_label("Hướng dẫn", exact=True).fill(instructions)
    form.get_by_label("Cả lớp 6A1").check()
    form.get_by_label("Hạn nộp", exact=True).fill(due)
    with page.expect_navigation():
        form.get_by_role("button", name="Giao bài").click()
    found = re.search(r"/assignments/(\d+)/desk", page.url)
    assert found, f"the form did not lead to the grading desk: {page.url}; " + " | ".join(
        page.locator(".errors, .flash").all_inner_texts())
    expect(page.locator(".flash").first).to_contain_text(f"Đã giao bài “{title}”")
    return int(found.group(1))


def open_menu_entry(page, name: str) -> None:
    """Follow an entry of the main menu (a desktop page: the menu is open)."""
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name=name, exact=True).click()


def open_todo_on_phone(page) -> None:
    """The student's way to the to-do list on a phone: ☰, then Bài tập."""
    page.goto("/")
    page.locator("label.nav-toggle-label").click()
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Bài tập", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bài tập của em")


def desk_row(page, username: str):
    return page.locator(f'#desk-students li.desk-student[data-student="{username}"]')


# Test A -------------------------------------------------------------------------------------
def test_an_assigned_lesson_done_on_a_phone_is_graded_returned_and_exported(
        app, page, phone, login_as, screenshot, tmp_path):
    from lms.models import SchoolClass, Subject
    from plugins.gradebook.semesters import current_semester

    add_toan_rule(app)
    import_approved(app, quiz_package(tmp_path / "phan-so.zip", "2004"))
    due = tomorrow_local(app)
    with app.app_context():
        class_id = db.session.scalar(sa.select(SchoolClass.id).where(SchoolClass.name == "6A1"))
        subject_id = db.session.scalar(sa.select(Subject.id).where(Subject.code == "TOAN"))
        semester = current_semester().number
        db.session.commit()  # the semesters it opened on demand
    title = "Luyện tập phân số (SCORM)"

    # The teacher gives the approved lesson to 6A1, due tomorrow (typed dd/mm/yyyy).
    teacher = login_as(page, TEACHER)
    assignment_id = give_work(teacher, title=title, due=due, lesson=LESSON)
    expect(teacher.locator("main")).to_contain_text(f"hạn nộp {due} 23:59")
    expect(desk_row(teacher, STUDENT)).to_have_attribute("data-status", "not_started")
    screenshot(teacher, "assignment-desk-given")

    # The student, on a 360 px phone, finds it in the to-do list.
    student = login_as(phone, STUDENT)
    open_todo_on_phone(student)
    card = student.locator(f'#todo-todo li.todo-card[data-assignment="{assignment_id}"]')
    expect(card).to_contain_text(title)
    expect(card).to_contain_text(f"Hạn nộp: {due} 23:59")
    expect(card.locator("[data-status]").first).to_have_attribute("data-status", "not_started")
    assert page_width(student) <= PHONE["width"], "the to-do list scrolls sideways on a phone"
    screenshot(student, "assignment-todo-360")

    # …opens it and plays the lesson to the end: question 1 wrong, question 2 right = 50/100.
    card.get_by_role("link").click()
    expect(student.get_by_role("heading", level=1)).to_have_text(title)
    assert page_width(student) <= PHONE["width"], "the assignment page scrolls sideways"
    screenshot(student, "assignment-page-360")
    student.get_by_role("link", name="Vào học").click()
    frame = sco_frame(student, LESSON)
    frame.get_by_label("2/6").check()
    frame.get_by_role("button", name="Nộp câu 1").click()
    expect(frame.locator("#location")).to_have_text("cau-2")
    frame.get_by_label("1/2", exact=True).check()
    frame.get_by_role("button", name="Nộp câu 2").click()
    expect(frame.locator("#done")).to_be_visible()
    screenshot(student, "assignment-lesson-done-360")

    # Finishing the lesson turned the work in, with the attempt's score proposed (50 % → 5).
    _state, proposed, _score, _released = wait_for(
        student, lambda: submission_of(app, assignment_id, STUDENT),
        lambda s: s[0] == "turned_in", "turning the work in")
    assert proposed == Decimal(5)
    open_todo_on_phone(student)
    done = student.locator(f'#todo-done li.todo-card[data-assignment="{assignment_id}"]')
    expect(done.locator("[data-status]").first).to_have_attribute("data-status", "turned_in")
    expect(student.locator("#todo-todo")).not_to_contain_text(title)
    screenshot(student, "assignment-todo-turned-in-360")
    done.get_by_role("link").click()
    expect(student.locator("#assignment-status [data-status]").first).to_have_attribute(
        "data-status", "turned_in")
    expect(student.locator("#assignment-status")).to_contain_text("Đã nộp lúc")
    screenshot(student, "assignment-turned-in-360")

    # The teacher's list counts one to grade; the desk shows it turned in with the score.
    open_menu_entry(teacher, "Giao bài")
    listed = teacher.locator(f'#teacher-assignments tr[data-assignment="{assignment_id}"]')
    expect(listed.locator('[data-count="handed_in"]')).to_have_text("1/5")
    expect(listed.locator('[data-count="to_grade"]')).to_have_text("1")
    listed.locator('[data-count="to_grade"]').get_by_role("link").click()
    expect(teacher.locator("#desk-students li.desk-student")).to_have_count(1)
    row = desk_row(teacher, STUDENT)
    expect(row).to_have_attribute("data-status", "turned_in")
    expect(row).to_contain_text("Điểm đề xuất: 5")
    expect(row.locator(".attempt")).to_contain_text("50")
    row.get_by_label("Điểm (0–10)").fill("5")
    row.get_by_label("Nhận xét", exact=True).fill("Em xem lại cách cộng hai phân số khác mẫu.")
    with teacher.expect_navigation():
        row.get_by_role("button", name="Lưu điểm").click()
    expect(teacher.locator(".flash").first).to_contain_text(f"Đã lưu điểm của {STUDENT_NAME}.")
    row = desk_row(teacher, STUDENT)
    expect(row.get_by_label("Điểm (0–10)")).to_have_value("5")
    with teacher.expect_navigation():
        row.get_by_role("button", name="Trả bài").click()
    expect(teacher.locator(".flash").first).to_contain_text("Đã trả bài cho 1 học sinh")
    # The desk still lists the turned-in work only, so the returned one has left the list.
    expect(teacher.locator("#desk-students")).to_have_count(0)
    teacher.get_by_role("navigation", name="Lọc theo trạng thái").get_by_role(
        "link", name="Tất cả").click()
    expect(desk_row(teacher, STUDENT)).to_have_attribute("data-status", "returned")
    screenshot(teacher, "assignment-desk-returned")
    assert submission_of(app, assignment_id, STUDENT)[3] == Decimal(5)

    # The student now reads the returned grade and the comment.
    student.reload()
    expect(student.locator("#assignment-status [data-status]").first).to_have_attribute(
        "data-status", "returned")
    grade = student.locator("#assignment-status [data-released]")
    expect(grade).to_contain_text(re.compile(r"Kết quả:\s*5(?![\d,])"))
    expect(grade).to_contain_text("Em xem lại cách cộng hai phân số khác mẫu.")
    screenshot(student, "assignment-returned-360")

    # The teacher fills ĐĐGtx 1 of 6A1 Toán (this semester) from that assignment.
    open_menu_entry(teacher, "Sổ điểm")
    teacher.locator(f'a[href$="/gradebook/class/{class_id}/subject/{subject_id}/hk{semester}"]'
                    ).first.click()
    fill = teacher.locator("form", has=teacher.get_by_role("button", name="Điền điểm"))
    fill.get_by_label(re.compile(re.escape(title))).check()
    fill.get_by_label("Điền vào cột").select_option(label="ĐĐGtx1")
    fill.get_by_label("Điểm của một bài").check()
    with teacher.expect_navigation():
        fill.get_by_role("button", name="Điền điểm").click()
    expect(teacher.locator(".flash").first).to_contain_text("Đã điền 1 ô từ điểm bài tập")
    with app.app_context():
        from lms.models import User

        student_id = db.session.scalar(sa.select(User.id).where(User.username == STUDENT))
    cell = teacher.locator(f'input[name="c-{student_id}-tx1"]')
    expect(cell).to_have_value("5")
    screenshot(teacher, "assignment-gradebook-filled")
    assert gradebook_entry(app, class_id, subject_id, student_id, "tx1") == (
        Decimal(5), "assignment", [assignment_id])

    # …and downloads the VnEdu/SMAS sheet, whose ĐĐGtx 1 cell holds the grade.
    with teacher.expect_download() as download_info:
        teacher.get_by_role("link", name="Xuất bảng điểm (VnEdu/SMAS)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert_exported_score(saved, STUDENT_NAME, "5")


def assert_exported_score(path, full_name: str, expected: str) -> None:
    """The student's row of the exported sheet holds `expected` under ĐĐGtx 1."""
    from openpyxl import load_workbook

    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "STT")
    tx1 = rows[header].index("ĐĐGtx")
    assert rows[header + 1][tx1] == 1, rows[header + 1]
    student_rows = [row for row in rows[header + 2:] if row and row[3] == full_name]
    assert len(student_rows) == 1, rows
    assert str(student_rows[0][tx1]) == expected, student_rows[0]
    # the other ĐĐGtx of the student stay empty: only the filled slot was written
    assert not any(student_rows[0][tx1 + 1:tx1 + 4]), student_rows[0]


# Test B -------------------------------------------------------------------------------------
def phone_photo(path, size=(3000, 2000)):
    """A JPEG as a phone camera makes it: large, with EXIF naming the camera and the place."""
    from PIL import ExifTags, Image

    image = Image.new("RGB", size, (236, 232, 220))
    for x in range(0, size[0], 50):  # ruled lines, so the picture is not one flat colour
        image.paste((40, 60, 160), (x, 0, x + 3, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.Base.Model] = "Galaxy A15"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N",
                                  ExifTags.GPS.GPSLatitude: (10.0, 46.0, 30.0),
                                  ExifTags.GPS.GPSLongitudeRef: "E",
                                  ExifTags.GPS.GPSLongitude: (106.0, 41.0, 50.0)}
    image.save(path, "JPEG", quality=90, exif=exif)
    with Image.open(path) as written:
        assert written.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test photo lacks GPS"
    return path


def stored_photos(app, assignment_id: int, username: str):
    """(filename, declared size, the stored image's bytes) of each file the student handed in."""
    from lms.models import User
    from lms.storage import get_store
    from plugins.assignments.models import Submission, SubmissionFile

    with app.app_context():
        files = db.session.scalars(
            sa.select(SubmissionFile).join(Submission)
            .join(User, User.id == Submission.student_id)
            .where(Submission.assignment_id == assignment_id, User.username == username)).all()
        result = []
        for file in files:
            with get_store().open(file.digest) as stored:
                result.append((file.filename, (file.width, file.height), stored.read()))
        return result


def test_a_student_hands_in_a_photo_of_paper_work_for_a_plain_task(
        app, page, phone, login_as, screenshot, tmp_path):
    from PIL import Image

    title = "Bài tập trang 45: rút gọn phân số"
    due = tomorrow_local(app)
    teacher = login_as(page, TEACHER)
    assignment_id = give_work(teacher, title=title, due=due,
                              instructions="Làm bài 1–4 vào vở, chụp ảnh trang vở rồi nộp.")

    student = login_as(phone, STUDENT)
    open_todo_on_phone(student)
    student.locator(f'#todo-todo li.todo-card[data-assignment="{assignment_id}"]'
                    ).get_by_role("link").click()
    expect(student.locator("#instructions")).to_contain_text("chụp ảnh trang vở")
    photo = phone_photo(tmp_path / "IMG_20261203_0815.jpg")
    student.get_by_label("Ảnh chụp bài làm hoặc tệp PDF").set_input_files(str(photo))
    screenshot(student, "assignment-photo-chosen-360")
    student.get_by_role("button", name="Nộp bài").click()
    expect(student.locator(".flash").first).to_contain_text("Đã nộp bài.")
    expect(student.locator("#assignment-status [data-status]").first).to_have_attribute(
        "data-status", "turned_in")
    expect(student.locator("#handin img")).to_have_count(1)
    assert page_width(student) <= PHONE["width"], "the handed-in photo widens the phone page"
    screenshot(student, "assignment-photo-turned-in-360")

    # The server kept a downscaled JPEG without EXIF (no camera, no GPS position).
    [(filename, declared, data)] = stored_photos(app, assignment_id, STUDENT)
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG"
    width, height = stored.size
    assert width == 2000 and abs(height - 1333) <= 1, stored.size  # ≤ 2000 px, same shape
    assert declared == stored.size
    assert "exif" not in stored.info and not stored.getexif(), dict(stored.getexif())
    assert filename.endswith(".jpg")

    # The teacher's grading desk shows the photo, served from the stored file.
    teacher.goto(f"/assignments/{assignment_id}/desk")
    row = desk_row(teacher, STUDENT)
    expect(row).to_have_attribute("data-status", "turned_in")
    image = row.locator(".work img")
    expect(image).to_have_count(1)
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") == 2000
    served = teacher.request.get(image.get_attribute("src"))
    assert served.ok and served.body() == data
    screenshot(teacher, "assignment-photo-desk")
