"""Asking, answering and publishing to the FAQ. Everything is checked before anything is
written; functions add to the session and the caller commits (then sends the signal)."""
from __future__ import annotations

from dataclasses import dataclass

import nh3
from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.models import ClassEnrollment, Material, SchoolClass, SchoolYear, Subject
from lms.models import TeachingAssignment as Teaching
from lms.models.base import utcnow
from lms.permissions import can_view_material

from .access import can_answer
from .attachments import QuestionError, read_uploads, store
from .models import FaqEntry, Message, Thread, ThreadStatus

TITLE_MAX = 200
BODY_MAX = 10_000
FAQ_QUESTION_MAX = 2_000


@dataclass(frozen=True)
class Askable:
    """A class and subject a student may ask: it has at least one teacher."""

    class_id: int
    subject_id: int
    label: str

    @property
    def key(self) -> str:
        return f"{self.class_id}-{self.subject_id}"


def askable_subjects(student) -> list[Askable]:
    """The subjects of the student's classes this school year that have a teacher (one query)."""
    year = SchoolYear.current()
    query = (select(SchoolClass.id, SchoolClass.name, Subject.id, Subject.name)
             .join(ClassEnrollment, ClassEnrollment.class_id == SchoolClass.id)
             .join(Teaching, Teaching.class_id == SchoolClass.id)
             .join(Subject, Subject.id == Teaching.subject_id)
             .where(ClassEnrollment.student_id == student.id)
             .distinct().order_by(SchoolClass.name, Subject.name))
    if year is not None:
        query = query.where(SchoolClass.school_year_id == year.id)
    rows = db.session.execute(query).all()
    several_classes = len({row[0] for row in rows}) > 1
    return [Askable(class_id, subject_id,
                    f"{subject} ({class_name})" if several_classes else subject)
            for class_id, class_name, subject_id, subject in rows]


def student_assignments(student) -> list:
    """The published assignments given to the student (their submissions), newest first."""
    from plugins.assignments.models import Assignment, Submission

    return list(db.session.execute(
        select(Assignment, Submission.class_id)
        .join(Submission, Submission.assignment_id == Assignment.id)
        .where(Submission.student_id == student.id, Assignment.deleted_at.is_(None),
               Assignment.opens_at <= utcnow())
        .order_by(Assignment.opens_at.desc()).limit(100)).all())


def clean_body(text: str) -> str:
    cleaned = nh3.clean(text or "").strip()
    if len(cleaned) > BODY_MAX:
        raise QuestionError(_("Nội dung dài quá %(n)s ký tự.", n=BODY_MAX))
    return cleaned


def _check_assignment(student, assignment_id: int, askable: Askable):
    from plugins.assignments.models import Assignment, Submission

    assignment = db.session.scalar(
        select(Assignment).join(Submission, Submission.assignment_id == Assignment.id)
        .where(Assignment.id == assignment_id, Submission.student_id == student.id,
               Assignment.deleted_at.is_(None)))
    if assignment is None:
        raise QuestionError(_("Bài tập đã chọn không phải bài được giao cho em."))
    if assignment.subject_id != askable.subject_id:
        raise QuestionError(_("Bài tập đã chọn thuộc môn khác với môn em hỏi."))
    return assignment


def _check_material(student, material_id: int, askable: Askable) -> Material:
    material = db.session.get(Material, material_id)
    if material is None or material.approved_at is None or not can_view_material(student,
                                                                                  material):
        raise QuestionError(_("Không tìm thấy bài học đã chọn."))
    if material.subject_id is not None and material.subject_id != askable.subject_id:
        raise QuestionError(_("Bài học đã chọn thuộc môn khác với môn em hỏi."))
    return material


def ask(student, *, subject_key: str, title: str, body: str, uploads=(),
        assignment_id: int | None = None, material_id: int | None = None) -> Thread:
    """A student's new question to the teachers of one of their class's subjects."""
    askable = next((a for a in askable_subjects(student) if a.key == subject_key), None)
    if askable is None:
        raise QuestionError(_("Hãy chọn một môn của lớp em có giáo viên dạy."))
    title = " ".join((title or "").split())
    if not title:
        raise QuestionError(_("Hãy nhập tiêu đề câu hỏi."))
    if len(title) > TITLE_MAX:
        raise QuestionError(_("Tiêu đề dài tối đa %(n)s ký tự.", n=TITLE_MAX))
    cleaned = clean_body(body)
    files = read_uploads(uploads)
    if not cleaned and not files:
        raise QuestionError(_("Hãy viết câu hỏi hoặc gửi ảnh bài tập."))
    if assignment_id:
        _check_assignment(student, assignment_id, askable)
    if material_id:
        _check_material(student, material_id, askable)
    now = utcnow()
    thread = Thread(student_id=student.id, class_id=askable.class_id,
                    subject_id=askable.subject_id, assignment_id=assignment_id or None,
                    material_id=material_id or None, title=title,
                    status=ThreadStatus.OPEN.value, created_at=now, waiting_since=now,
                    last_activity_at=now)
    message = Message(author_id=student.id, body=cleaned, created_at=now)
    message.attachments.extend(store(files))
    thread.messages.append(message)
    db.session.add(thread)
    db.session.flush()
    return thread


def follow_up(thread: Thread, student, body: str, uploads=()) -> Message:
    """The student asks more in the same thread: it waits in the queue again."""
    if student.id != thread.student_id:
        raise QuestionError(_("Chỉ học sinh đặt câu hỏi mới hỏi thêm được."))
    cleaned = clean_body(body)
    files = read_uploads(uploads)
    if not cleaned and not files:
        raise QuestionError(_("Hãy viết câu hỏi hoặc gửi ảnh bài tập."))
    now = utcnow()
    message = Message(author_id=student.id, body=cleaned, created_at=now)
    message.attachments.extend(store(files))
    thread.messages.append(message)
    if thread.status != ThreadStatus.OPEN.value:
        thread.status = ThreadStatus.OPEN.value
        thread.waiting_since = now
    thread.last_activity_at = now
    db.session.flush()
    return message


def _mark_answered(thread: Thread, teacher, now) -> None:
    if thread.first_answer_at is None:
        thread.first_answer_at = now
        thread.answered_by_id = teacher.id
    thread.status = ThreadStatus.ANSWERED.value
    thread.last_activity_at = now


def answer(thread: Thread, teacher, body: str, uploads=()) -> Message:
    """A teacher of the class and subject answers; the thread leaves the queue."""
    if not can_answer(teacher, thread):
        raise QuestionError(_("Chỉ giáo viên dạy môn này ở lớp này mới trả lời được."))
    cleaned = clean_body(body)
    files = read_uploads(uploads)
    if not cleaned and not files:
        raise QuestionError(_("Hãy viết câu trả lời."))
    now = utcnow()
    message = Message(author_id=teacher.id, body=cleaned, created_at=now)
    message.attachments.extend(store(files))
    thread.messages.append(message)
    _mark_answered(thread, teacher, now)
    db.session.flush()
    return message


def mark_answered(thread: Thread, teacher) -> None:
    """Answered in class or in person: out of the queue without a message."""
    if not can_answer(teacher, thread):
        raise QuestionError(_("Chỉ giáo viên dạy môn này ở lớp này mới trả lời được."))
    if thread.status == ThreadStatus.ANSWERED.value:
        raise QuestionError(_("Câu hỏi này đã được đánh dấu là đã trả lời."))
    _mark_answered(thread, teacher, utcnow())


def faq_draft(thread: Thread) -> tuple[str, str]:
    """The form's starting text: the student's question as plain text, the teachers' answers."""
    def plain(html: str) -> str:
        return " ".join(nh3.clean(html, tags=set()).split())

    question = " ".join(plain(m.body) for m in thread.messages if m.author_id == thread.student_id)
    answers = "\n".join(m.body for m in thread.messages if m.author_id != thread.student_id)
    return f"{thread.title}. {question}".strip()[:FAQ_QUESTION_MAX], answers


def publish_faq(thread: Thread, teacher, question: str, answer_text: str) -> FaqEntry:
    """Publish the anonymised question and the answer to the class's FAQ for the lesson."""
    if not can_answer(teacher, thread):
        raise QuestionError(_("Chỉ giáo viên dạy môn này ở lớp này mới đăng được."))
    question = " ".join((question or "").split())
    if not question:
        raise QuestionError(_("Hãy nhập câu hỏi (đã bỏ tên học sinh)."))
    if len(question) > FAQ_QUESTION_MAX:
        raise QuestionError(_("Câu hỏi dài tối đa %(n)s ký tự.", n=FAQ_QUESTION_MAX))
    student = thread.student
    if student.full_name and student.full_name.casefold() in question.casefold():
        raise QuestionError(_("Câu hỏi còn tên học sinh: hãy bỏ tên trước khi đăng."))
    cleaned = clean_body(answer_text)
    if not cleaned:
        raise QuestionError(_("Hãy nhập câu trả lời."))
    entry = FaqEntry(class_id=thread.class_id, subject_id=thread.subject_id,
                     material_id=thread.material_id, assignment_id=thread.assignment_id,
                     question=question, answer=cleaned, published_by_id=teacher.id,
                     published_at=utcnow(), source_thread_id=thread.id)
    db.session.add(entry)
    db.session.flush()
    return entry
