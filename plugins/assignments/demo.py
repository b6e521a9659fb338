"""The demo school's assignments: what gv.toan gave 6A1 and 6A2 over the last two weeks.

Every state of the to-do list shows for hs.6a1.01 (not started and due soon, in progress, turned
in, missing, returned with a grade and a comment, which the parent ph.6a1.01 reads), and the
grading desk has work waiting, late work, drafts and released grades. Dates are relative to the
day of seeding so the demo always looks current. Everything goes through the domain's own
functions (`publishing`, `workflow`, `grading`) and, for lessons finished by students, through a
real `LearningAttempt` recorded by the content type and the `attempt_committed` signal, so the
tracking handler turns the work in as it would for a student.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from lms import signals
from lms.extensions import db
from lms.models import LearningAttempt, Material, SchoolClass, SchoolYear, Subject
from lms.plugins import registry

from . import grading, handin, workflow
from .models import Assignment, AssignmentKind, Submission
from .publishing import RecipientSpec, publish
from .schedule import due_end_of_day, to_utc

TEACHER = "gv.toan"
SUBJECT = "TOAN"
CLASSES = ("6A1", "6A2")

LESSON_TITLE = "Học bài: Phân số và phân số bằng nhau"
HOMEWORK_TITLE = "Bài tập về nhà: rút gọn phân số"
VIDEO_TITLE = "Xem video: Phép cộng phân số"
PAPER_TITLE = "Kiểm tra 15 phút trên giấy: phân số bằng nhau"
COMPARE_TITLE = "Bài tập: so sánh phân số"
#: how long before handing in a student started writing
WRITING_TIME = timedelta(minutes=25)

#: the library lessons the demo gives (made by the SCORM and video plugins' demo seeds)
SCORM_LESSON = "Toán 6 – Phân số và phân số bằng nhau"
VIDEO_LESSON = "Toán 6 – Phép cộng phân số (video tương tác)"


@dataclass(frozen=True)
class Graded:
    score: str
    comment: str
    released: bool = True


@dataclass
class Plan:
    """One assignment of the demo and what each student did with it (by username)."""

    title: str
    instructions: str
    opens: tuple[int, int]  #: (days from today, hour), school time
    due: datetime | None = None  #: set per run from the day of seeding
    kind: str = AssignmentKind.TASK.value
    material_title: str | None = None
    offline: bool = False
    #: username -> (days from today, hour, minute) of turning in, school time
    turned_in: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    #: what the students who turn in wrote (HTML), unless `written_by` has their own text
    written: str = ""
    written_by: dict[str, str] = field(default_factory=dict)
    graded: dict[str, Graded] = field(default_factory=dict)
    started: tuple[str, ...] = ()
    #: username -> the SCORM lesson's answers: indices of the options chosen, one per question
    lesson_answers: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: students who opened the SCORM lesson and stopped before its quiz
    lesson_stopped: tuple[str, ...] = ()


def plans(today: date) -> list[Plan]:
    return [
        Plan(LESSON_TITLE,
             "<p>Các em học bài giảng và làm hết 3 câu luyện tập ở cuối bài. Bài được nộp "
             "tự động khi em làm xong.</p>",
             opens=(-1, 7), due=due_end_of_day(today + timedelta(days=1)),
             kind=AssignmentKind.MATERIAL.value, material_title=SCORM_LESSON,
             lesson_answers={"hs.6a1.02": (0, 1, 2), "hs.6a2.01": (0, 1, 1)},
             lesson_stopped=("hs.6a1.03",)),
        Plan(HOMEWORK_TITLE,
             "<p>Rút gọn các phân số sau về phân số tối giản: 12/18; 15/25; 24/36; 28/42. "
             "Trình bày lời giải vào vở rồi chụp ảnh nộp, hoặc gõ lời giải.</p>",
             opens=(-10, 7), due=due_end_of_day(today - timedelta(days=3)),
             turned_in={"hs.6a1.02": (-4, 20, 15), "hs.6a1.03": (-1, 21, 5),
                        "hs.6a1.04": (-3, 19, 40), "hs.6a2.01": (-5, 19, 30),
                        "hs.6a2.03": (-3, 22, 10), "hs.6a2.04": (-2, 6, 50)},
             written="<p>12/18 = 2/3 (chia cho 6); 15/25 = 3/5 (chia cho 5); 24/36 = 2/3 "
                     "(chia cho 12); 28/42 = 2/3 (chia cho 14).</p>",
             written_by={
                 "hs.6a1.04": "<p>12/18 = 2/3; 15/25 = 3/5; 24/36 = 2/3; 28/42 = 14/21.</p>",
                 "hs.6a2.03": "<p>12/18 = 2/3; 15/25 = 3/5; 24/36 = 12/18; 28/42 = 14/21.</p>",
             },
             graded={
                 "hs.6a1.02": Graded("9.5", "Bài làm đúng hết, trình bày sạch đẹp."),
                 "hs.6a1.04": Graded("7", "Câu 4 em chưa rút gọn đến tối giản: 28/42 = 2/3. "
                                          "Nhớ chia cho ƯCLN của tử và mẫu."),
                 "hs.6a2.01": Graded("8", "Em làm tốt; lần sau ghi rõ ƯCLN trước khi chia."),
                 "hs.6a2.03": Graded("6.5", "Câu 3 và 4 chưa tối giản.", released=False),
             }),
        Plan(VIDEO_TITLE,
             "<p>Xem video và trả lời 2 câu hỏi trong video. Em có thể xem lại nhiều lần.</p>",
             opens=(-1, 7), due=due_end_of_day(today + timedelta(days=7)),
             kind=AssignmentKind.MATERIAL.value, material_title=VIDEO_LESSON,
             started=("hs.6a1.01",)),
        Plan(PAPER_TITLE,
             "<p>Làm bài trên giấy tại lớp trong 15 phút. Điểm được cô nhập sau khi chấm.</p>",
             opens=(-1, 7), due=to_utc(datetime.combine(today - timedelta(days=1), time(8))),
             offline=True,
             graded={
                 "hs.6a1.01": Graded("8.5", "Em nắm chắc cách rút gọn; cần cẩn thận hơn với "
                                            "dấu trừ ở câu 2."),
                 "hs.6a1.02": Graded("10", "Rất tốt!"),
                 "hs.6a1.03": Graded("6", "Em cần ôn lại cách tìm ƯCLN."),
                 "hs.6a1.04": Graded("7.5", "Khá; trình bày cần rõ ràng hơn."),
                 "hs.6a1.05": Graded("9", "Tốt."),
                 "hs.6a2.01": Graded("8", "", released=False),
                 "hs.6a2.02": Graded("5.5", "", released=False),
             }),
        Plan(COMPARE_TITLE,
             "<p>So sánh các cặp phân số: 3/5 và 4/7; −2/3 và −3/4; 5/6 và 7/9. Giải thích "
             "cách làm.</p>",
             opens=(-2, 7), due=due_end_of_day(today + timedelta(days=4)),
             turned_in={"hs.6a1.01": (-1, 20, 30)},
             written="<p>3/5 = 21/35 và 4/7 = 20/35 nên 3/5 &gt; 4/7.</p>"
                     "<p>−2/3 = −8/12 và −3/4 = −9/12 nên −2/3 &gt; −3/4.</p>"
                     "<p>5/6 = 15/18 và 7/9 = 14/18 nên 5/6 &gt; 7/9.</p>"),
    ]


def seed_demo_assignments(demo) -> list[Assignment]:
    """Publish the demo assignments gv.toan does not have yet this year; return those added."""
    teacher = demo.accounts.get(TEACHER)
    year = SchoolYear.current()
    subject = db.session.scalar(select(Subject).where(Subject.code == SUBJECT))
    if teacher is None or year is None or subject is None:
        demo.notes.append("Bỏ qua bài tập mẫu: chưa có năm học, môn Toán hoặc tài khoản "
                          f"{TEACHER}.")
        return []
    classes = list(db.session.scalars(select(SchoolClass).where(
        SchoolClass.school_year_id == year.id, SchoolClass.name.in_(CLASSES))
        .order_by(SchoolClass.name)))
    existing = set(db.session.scalars(select(Assignment.title).where(
        Assignment.created_by_id == teacher.id, Assignment.school_year_id == year.id,
        Assignment.deleted_at.is_(None))))
    added = []
    for plan in plans(demo.today):
        if plan.title in existing:
            continue
        material = None
        if plan.material_title is not None:
            material = _approved_material(plan.material_title)
            if material is None:
                demo.notes.append(f"Bỏ qua bài tập mẫu “{plan.title}”: thư viện chưa có học "
                                  f"liệu “{plan.material_title}” đã phê duyệt.")
                continue
        assignment = publish(
            teacher=teacher, title=plan.title, instructions=plan.instructions, kind=plan.kind,
            subject_id=subject.id, recipients=[RecipientSpec(c.id) for c in classes],
            opens_at=_local(demo.today, *plan.opens), due_at=plan.due,
            material_id=material.id if material else None, offline=plan.offline,
            accepts_text=not plan.offline, accepts_files=not plan.offline)
        db.session.commit()
        _act_out(plan, assignment, material, teacher, demo)
        added.append(assignment)
    if added:
        demo.notes.append(f"Bài tập mẫu: {len(added)} bài của {teacher.full_name} cho lớp "
                          + ", ".join(CLASSES) + " (đủ các trạng thái: sắp đến hạn, đang làm, "
                          "đã nộp, nộp muộn, thiếu bài, đã trả bài có điểm).")
    return added


def _local(today: date, days: int, hour: int, minute: int = 0) -> datetime:
    return to_utc(datetime.combine(today + timedelta(days=days), time(hour, minute)))


def _approved_material(title: str) -> Material | None:
    return db.session.scalar(select(Material).where(
        Material.title == title, Material.approved_at.is_not(None),
        Material.live_version_id.is_not(None), Material.deleted_at.is_(None)).limit(1))


def _act_out(plan: Plan, assignment: Assignment, material, teacher, demo) -> None:
    """What the students and the teacher did with the assignment, in the order they did it."""
    submissions = {s.student.username: s for s in db.session.scalars(
        select(Submission).where(Submission.assignment_id == assignment.id))}
    for username, (days, hour, minute) in plan.turned_in.items():
        submission, moment = submissions[username], _local(demo.today, days, hour, minute)
        workflow.start(submission, actor=submission.student, now=moment - WRITING_TIME)
        text = plan.written_by.get(username, plan.written)
        if text:
            handin.save_text(submission, text, submission.student)
        workflow.turn_in(submission, actor=submission.student, now=moment)
    for username in plan.started:
        workflow.start(submissions[username], actor=submissions[username].student)
    db.session.commit()
    for username, answers in plan.lesson_answers.items():
        _finish_lesson(material, submissions[username].student, answers, finished=True)
    for username in plan.lesson_stopped:
        _finish_lesson(material, submissions[username].student, (), finished=False)
    if plan.offline:
        for username in plan.graded:
            workflow.mark_on_paper(submissions[username], teacher)
    released = []
    for username, graded in plan.graded.items():
        submission = submissions[username]
        grading.save_grade(submission, expected_version=submission.version, actor=teacher,
                           score=Decimal(graded.score), comment=graded.comment)
        if graded.released:
            released.append(submission)
    if released:
        grading.release(released, teacher)
    db.session.commit()


def _finish_lesson(material, student, answers: tuple[int, ...], *, finished: bool) -> None:
    """A SCORM attempt as the lesson's own page reports it (its quiz answers, score and status),
    recorded by the content type and announced like a player's commit, so the assignments'
    tracking handler starts the work or turns it in."""
    from plugins.scorm.demo_lessons import LESSONS, OPTION_IDS

    lesson = next(item for item in LESSONS if item.title == material.title)
    number = (db.session.scalar(select(func.max(LearningAttempt.number)).where(
        LearningAttempt.user_id == student.id, LearningAttempt.material_id == material.id))
        or 0) + 1
    attempt = LearningAttempt(user_id=student.id, material_id=material.id,
                              version_id=material.live_version_id, number=number)
    db.session.add(attempt)
    db.session.flush()
    if finished:
        right = sum(chosen == q.correct for chosen, q in zip(answers, lesson.questions,
                                                                strict=True))
        raw = round(100 * right / len(lesson.questions))
        passed = 3 * right >= 2 * len(lesson.questions)
        core = {"lesson_status": "passed" if passed else "failed", "lesson_location": "2",
                "exit": "", "session_time": "00:07:30",
                "score": {"raw": str(raw), "min": "0", "max": "100"}}
        interactions = {
            str(n): {"id": f"cau-{n + 1}", "type": "choice",
                     "student_response": OPTION_IDS[chosen],
                     "result": "correct" if chosen == question.correct else "wrong",
                     "correct_responses": {"0": {"pattern": OPTION_IDS[question.correct]}}}
            for n, (chosen, question) in enumerate(zip(answers, lesson.questions, strict=True))}
    else:
        core = {"lesson_status": "incomplete", "lesson_location": "1", "exit": "suspend",
                "session_time": "00:03:10", "score": {"raw": "", "min": "", "max": ""}}
        interactions = {}
    payload = {"cmi": {"core": core, "interactions": interactions, "suspend_data": ""}}
    registry().content_types.get(material.content_type).record(attempt, payload)
    db.session.commit()
    signals.attempt_committed.send(current_app._get_current_object(), attempt=attempt,
                                   payload=payload)
