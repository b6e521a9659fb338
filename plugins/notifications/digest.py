"""The e-mail a user receives: one message per run, grouped per child (parents) and by kind, with
Vietnamese headings, each item with its link; plain text and HTML.

A parent should understand it at a glance, so returned work shows the released grade: it is the
family's own data and e-mail goes only to the address the family gave. Push never carries it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from lms.extensions import db
from lms.models import Notification, School, User
from lms.plugins import registry
from lms.scores import format_score

from . import timing
from .models import NotificationContext

#: kinds in the order a digest shows them, with their heading
HEADINGS = {
    "assignment.published": _l("Bài tập mới"),
    "assignment.due_tomorrow": _l("Sắp đến hạn ngày mai"),
    "assignment.missing": _l("Thiếu bài"),
    "assignment.returned": _l("Bài đã trả"),
    "question.answered": _l("Câu hỏi đã được trả lời"),
    "question.asked": _l("Câu hỏi mới của học sinh"),
    "parent_link.requested": _l("Yêu cầu liên kết của phụ huynh"),
}
OTHER = "other"


def _count_phrase(kind: str, n: int) -> str:
    phrases = {
        "assignment.published": lambda: ngettext("%(num)d bài tập mới", "%(num)d bài tập mới", n),
        "assignment.due_tomorrow": lambda: ngettext("%(num)d bài sắp đến hạn",
                                                    "%(num)d bài sắp đến hạn", n),
        "assignment.missing": lambda: ngettext("%(num)d bài thiếu", "%(num)d bài thiếu", n),
        "assignment.returned": lambda: ngettext("%(num)d bài đã trả", "%(num)d bài đã trả", n),
        "question.answered": lambda: ngettext("%(num)d câu hỏi đã được trả lời",
                                              "%(num)d câu hỏi đã được trả lời", n),
        "question.asked": lambda: ngettext("%(num)d câu hỏi mới", "%(num)d câu hỏi mới", n),
        "parent_link.requested": lambda: ngettext("%(num)d yêu cầu liên kết",
                                                  "%(num)d yêu cầu liên kết", n),
    }
    return phrases.get(kind, lambda: ngettext("%(num)d thông báo khác",
                                              "%(num)d thông báo khác", n))()


@dataclass
class Item:
    message: str
    url: str | None
    #: the released grade of returned work ("Điểm: 8,5", "Đạt"), or ""
    grade: str = ""


@dataclass
class Section:
    heading: str
    items: list[Item] = field(default_factory=list)


@dataclass
class ChildPart:
    #: the child's name, or "" for what concerns the reader themself
    name: str
    sections: list[Section]


@dataclass
class Email:
    to: str
    subject: str
    text: str
    html: str


def school_label() -> str:
    """The school's name without the word "Trường", for a subject line: "THCS Nguyễn Du"."""
    name = db.session.scalar(select(School.name).order_by(School.id).limit(1)) or ""
    return name.removeprefix("Trường ").strip() or _("Học liệu số")


def _grades(submission_ids: set[int]) -> dict[int, str]:
    if not submission_ids or "assignments" not in registry().plugins:
        return {}
    from plugins.assignments.models import Submission

    grades = {}
    for row in db.session.execute(select(Submission.id, Submission.released_score,
                                         Submission.released_passed)
                                  .where(Submission.id.in_(submission_ids))):
        if row.released_score is not None:
            grades[row.id] = _("Điểm: %(score)s", score=format_score(row.released_score))
        elif row.released_passed is not None:
            grades[row.id] = _("Đạt") if row.released_passed else _("Chưa đạt")
    return grades


def build_emails(by_user: dict[int, list[Notification]], base_url: str,
                 now) -> dict[int, Email | None]:
    """One e-mail per user (None for a user without an e-mail address), in a fixed number of
    queries whatever the number of users and notifications."""
    notification_ids = [n.id for items in by_user.values() for n in items]
    contexts = {c.notification_id: c for c in db.session.scalars(
        select(NotificationContext).where(NotificationContext.notification_id.in_(
            notification_ids)))} if notification_ids else {}
    student_ids = {c.student_id for c in contexts.values() if c.student_id}
    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_(set(by_user) | student_ids)))}
    grades = _grades({c.submission_id for c in contexts.values() if c.submission_id})
    school = school_label()
    emails: dict[int, Email | None] = {}
    for user_id, notifications in by_user.items():
        user = people.get(user_id)
        if user is None or not (user.email or "").strip():
            emails[user_id] = None
            continue
        parts = _parts(user, notifications, contexts, people, grades, base_url)
        subject = _subject(school, notifications, now)
        environment = current_app.jinja_env
        values = {"user": user, "parts": parts, "school": school, "subject": subject,
                  "settings_url": base_url.rstrip("/") + "/notifications/settings"}
        emails[user_id] = Email(
            to=user.email.strip(), subject=subject,
            text=environment.get_template("notifications/email/digest.txt").render(values),
            html=environment.get_template("notifications/email/digest.html").render(values))
    return emails


def _parts(user, notifications, contexts, people, grades, base_url) -> list[ChildPart]:
    """Per child (a parent's notifications about their children), then the reader's own."""
    grouped: dict[int | None, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for notification in sorted(notifications, key=lambda n: (n.created_at, n.id)):
        context = contexts.get(notification.id)
        about = context.student_id if context and context.student_id != user.id else None
        kind = notification.kind if notification.kind in HEADINGS else OTHER
        url = None
        if notification.link and notification.link.startswith("/"):
            url = base_url.rstrip("/") + notification.link
        grade = grades.get(context.submission_id, "") if context and context.submission_id \
            else ""
        grouped[about][kind].append(Item(notification.message, url, grade))
    order = list(HEADINGS) + [OTHER]
    parts = []
    children = sorted((k for k in grouped if k is not None),
                      key=lambda sid: people[sid].full_name if sid in people else "")
    for about in [None, *children]:
        if about not in grouped:
            continue
        sections = [Section(str(HEADINGS.get(kind, _l("Thông báo khác"))), grouped[about][kind])
                    for kind in order if kind in grouped[about]]
        name = people[about].full_name if about in people else ""
        parts.append(ChildPart(name, sections))
    return parts


def _subject(school: str, notifications, now) -> str:
    counts: dict[str, int] = defaultdict(int)
    for notification in notifications:
        counts[notification.kind if notification.kind in HEADINGS else OTHER] += 1
    order = list(HEADINGS) + [OTHER]
    summary = ", ".join(_count_phrase(kind, counts[kind]) for kind in order if counts[kind])
    day = timing.local_date(now).strftime("%d/%m/%Y")
    return _("[%(school)s] Tóm tắt ngày %(day)s: %(summary)s", school=school, day=day,
             summary=summary)
