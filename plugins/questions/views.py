"""The pages of Hỏi thầy cô: the student's questions and form, one thread, the teacher's and the
department's queues, the class FAQ, the board's statistics, and attached files."""
from __future__ import annotations

import io
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from content_store.serving import serve_blob
from lms import signals
from lms.extensions import db
from lms.models import Material, Role, SchoolClass, Subject
from lms.models.base import utcnow
from lms.permissions import material_visibility, roles_required
from lms.storage import get_store

from . import BOARD, HEADS, TEACHING
from .access import can_answer, can_read_faq, thread_or_abort
from .attachments import QuestionError
from .forms import FILES_HINT, AskForm, FaqForm, PeriodForm, ReplyForm
from .models import Attachment, FaqEntry, Message, Thread, ThreadStatus
from .queue import department_queue, teacher_queue, waiting_text
from .stats import question_stats
from .stats_views import format_minutes, period_from_form, stats_tables
from .threads import (
    answer,
    ask,
    askable_subjects,
    faq_draft,
    follow_up,
    mark_answered,
    publish_faq,
    student_assignments,
)

bp = Blueprint("questions", __name__, url_prefix="/questions", template_folder="templates")


@bp.app_context_processor
def _helpers():
    return {"questions_waiting": waiting_text, "questions_files_hint": FILES_HINT,
            "questions_minutes": format_minutes}


# The student ------------------------------------------------------------------------------------
def _fill_ask_form(form: AskForm) -> None:
    askable = askable_subjects(current_user)
    form.subject.choices = [("", _("— Chọn môn —"))] + [(a.key, a.label) for a in askable]
    form.assignment_id.choices = [(0, _("— Không —"))] + [
        (assignment.id, assignment.title) for assignment, _class in
        student_assignments(current_user)]
    subject_ids = {a.subject_id for a in askable}
    materials = db.session.execute(
        select(Material.id, Material.title).where(
            material_visibility(current_user), Material.approved_at.is_not(None),
            Material.subject_id.in_(subject_ids))
        .order_by(Material.title).limit(300)).all() if subject_ids else []
    form.material_id.choices = [(0, _("— Không —"))] + [(m.id, m.title) for m in materials]


def _prefill(form: AskForm) -> None:
    """'Hỏi thầy cô về bài này': the assignment or lesson (and its subject) chosen already."""
    from plugins.assignments.models import Assignment

    askable = askable_subjects(current_user)
    subject_id = None
    if assignment_id := request.args.get("assignment_id", type=int):
        form.assignment_id.data = assignment_id
        assignment = db.session.get(Assignment, assignment_id)
        subject_id = assignment.subject_id if assignment else None
    if material_id := request.args.get("material_id", type=int):
        form.material_id.data = material_id
        material = db.session.get(Material, material_id)
        subject_id = material.subject_id if material else subject_id
    match = next((a for a in askable if a.subject_id == subject_id), None)
    if match is not None:
        form.subject.data = match.key


@bp.route("/")
@roles_required(Role.STUDENT)
def mine():
    form = AskForm()
    _fill_ask_form(form)
    _prefill(form)
    return _mine_page(form)


def _mine_page(form: AskForm, status: int = 200):
    threads = db.session.scalars(
        select(Thread).options(selectinload(Thread.subject), selectinload(Thread.answered_by))
        .where(Thread.student_id == current_user.id)
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc()).limit(200)).all()
    faqs = askable_subjects(current_user)
    return render_template("questions/mine.html", form=form, threads=threads, faqs=faqs), status


@bp.route("/ask", methods=["POST"])
@roles_required(Role.STUDENT)
def ask_question():
    form = AskForm()
    _fill_ask_form(form)
    if not form.validate_on_submit():
        return _mine_page(form, 400)
    try:
        thread = ask(current_user, subject_key=form.subject.data, title=form.title.data,
                     body=form.body.data, uploads=request.files.getlist(form.files.name),
                     assignment_id=form.assignment_id.data or None,
                     material_id=form.material_id.data or None)
    except QuestionError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return _mine_page(form, 400)
    db.session.commit()
    signals.question_asked.send(current_app._get_current_object(), thread=thread,
                                actor=current_user._get_current_object())
    flash(_("Đã gửi câu hỏi cho thầy cô."), "success")
    return redirect(url_for("questions.thread", thread_id=thread.id))


# One thread -------------------------------------------------------------------------------------
def _thread_page(thread: Thread, form: ReplyForm | None = None, status: int = 200):
    messages = db.session.scalars(
        select(Message).options(selectinload(Message.author), selectinload(Message.attachments))
        .where(Message.thread_id == thread.id).order_by(Message.id)).all()
    answers = can_answer(current_user, thread)
    asks = current_user.id == thread.student_id
    return render_template(
        "questions/thread.html", thread=thread, messages=messages, can_answer=answers,
        can_follow_up=asks, form=form or ReplyForm(),
        waiting=waiting_text(thread.waiting_since)
        if thread.status == ThreadStatus.OPEN.value else None), status


@bp.route("/<int:thread_id>")
@login_required
def thread(thread_id: int):
    return _thread_page(thread_or_abort(thread_id))


@bp.route("/<int:thread_id>/reply", methods=["POST"])
@login_required
def reply(thread_id: int):
    """The student asks more, or a teacher of the class and subject answers."""
    thread = thread_or_abort(thread_id)
    answering = can_answer(current_user, thread)
    if not answering and current_user.id != thread.student_id:
        abort(403)  # parents, heads and the board read only
    form = ReplyForm()
    if not form.validate_on_submit():
        return _thread_page(thread, form, 400)
    uploads = request.files.getlist(form.files.name)
    try:
        if answering:
            message = answer(thread, current_user, form.body.data, uploads)
        else:
            message = follow_up(thread, current_user, form.body.data, uploads)
    except QuestionError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return _thread_page(thread, form, 400)
    db.session.commit()
    actor = current_user._get_current_object()
    if answering:
        signals.question_answered.send(current_app._get_current_object(), thread=thread,
                                       message=message, actor=actor)
        flash(_("Đã gửi câu trả lời."), "success")
    else:
        signals.question_asked.send(current_app._get_current_object(), thread=thread,
                                    actor=actor)
        flash(_("Đã gửi câu hỏi thêm."), "success")
    return redirect(url_for("questions.thread", thread_id=thread.id))


@bp.route("/<int:thread_id>/answered", methods=["POST"])
@login_required
def answered(thread_id: int):
    thread = thread_or_abort(thread_id)
    if not can_answer(current_user, thread):
        abort(403)
    try:
        mark_answered(thread, current_user)
    except QuestionError as problem:
        flash(str(problem), "error")
        return redirect(url_for("questions.thread", thread_id=thread.id))
    db.session.commit()
    signals.question_answered.send(current_app._get_current_object(), thread=thread,
                                   message=None, actor=current_user._get_current_object())
    flash(_("Đã đánh dấu câu hỏi là đã trả lời."), "success")
    return redirect(url_for("questions.thread", thread_id=thread.id))


@bp.route("/<int:thread_id>/faq", methods=["GET", "POST"])
@login_required
def publish(thread_id: int):
    thread = thread_or_abort(thread_id)
    if not can_answer(current_user, thread):
        abort(403)
    form = FaqForm()
    if request.method == "GET":
        form.question.data, form.answer.data = faq_draft(thread)
    elif form.validate_on_submit():
        try:
            publish_faq(thread, current_user, form.question.data, form.answer.data)
        except QuestionError as problem:
            db.session.rollback()
            flash(str(problem), "error")
        else:
            db.session.commit()
            flash(_("Đã đăng câu hỏi và câu trả lời lên mục Hỏi đáp của lớp."), "success")
            return redirect(url_for("questions.faq", class_id=thread.class_id,
                                    subject_id=thread.subject_id))
    status = 400 if request.method == "POST" else 200
    return render_template("questions/publish.html", thread=thread, form=form), status


@bp.route("/files/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    """A photo or PDF of a thread, for those who may read the thread; never cached."""
    stored = db.session.get(Attachment, attachment_id)
    if stored is None:
        abort(404)
    message = db.session.get(Message, stored.message_id)
    thread_or_abort(message.thread_id)
    return serve_blob(get_store(), stored.digest, filename=stored.filename,
                      mimetype=stored.content_type, immutable=False)


# Teachers, heads ---------------------------------------------------------------------------------
@bp.route("/queue")
@roles_required(*TEACHING)
def queue():
    return render_template("questions/queue.html", threads=teacher_queue(current_user),
                           now=utcnow(), title=_("Câu hỏi của học sinh đang chờ"))


@bp.route("/department")
@roles_required(*HEADS)
def department():
    membership = current_user.department_membership
    if membership is None or membership.position not in ("head", "deputy"):
        abort(403)
    return render_template("questions/queue.html", now=utcnow(),
                           threads=department_queue(membership.department_id),
                           title=_("Câu hỏi của tổ %(name)s đang chờ",
                                   name=membership.department.name), show_teachers=True)


# The FAQ ----------------------------------------------------------------------------------------
@bp.route("/faq/<int:class_id>/<int:subject_id>")
@login_required
def faq(class_id: int, subject_id: int):
    school_class = db.session.get(SchoolClass, class_id)
    subject = db.session.get(Subject, subject_id)
    if school_class is None or subject is None:
        abort(404)
    if not can_read_faq(current_user, class_id, subject_id):
        abort(403)
    query = (select(FaqEntry).options(selectinload(FaqEntry.material))
             .where(FaqEntry.class_id == class_id, FaqEntry.subject_id == subject_id)
             .order_by(FaqEntry.published_at.desc()))
    lesson = None
    if material_id := request.args.get("material_id", type=int):
        lesson = db.session.get(Material, material_id)
        query = query.where(FaqEntry.material_id == material_id)
    return render_template("questions/faq.html", school_class=school_class, subject=subject,
                           entries=db.session.scalars(query).all(), lesson=lesson)


# The board --------------------------------------------------------------------------------------
@bp.route("/stats")
@roles_required(*BOARD)
def stats():
    form = PeriodForm(request.args)
    period, errors = period_from_form(form)
    result = question_stats(*period)
    return render_template("questions/stats.html", form=form, stats=result, errors=errors,
                           shown_to=period[1] - timedelta(days=1))


@bp.route("/stats.xlsx")
@roles_required(*BOARD)
def stats_download():
    form = PeriodForm(request.args)
    period, errors = period_from_form(form)
    if errors:
        for error in errors:
            flash(error, "error")
        return redirect(url_for("questions.stats"))
    data = stats_tables(question_stats(*period))
    return send_file(io.BytesIO(data), as_attachment=True, download_name="thong-ke-hoi-dap.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
