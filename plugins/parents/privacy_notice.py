"""Decree 13/2023: students from 7 years old are told how the school uses their data. On a
student's first page after logging in, until they confirm, they are sent to the notice."""
from __future__ import annotations

from datetime import date

from flask import redirect, request, url_for
from flask_login import current_user

from lms.models import Role

NOTICE_AGE = 7
#: endpoints a student reaches before confirming: the notice itself, signing in and out, and
#: files the notice page needs
_ALLOWED = {"parents.privacy_notice", "auth.login", "auth.logout", "auth.set_language",
            "auth.change_password", "static"}


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def needs_notice(user, today: date) -> bool:
    """A student who has not seen the notice and is 7 or older (unknown age: shown)."""
    if user.privacy_notice_seen_at is not None or not user.has_role(Role.STUDENT):
        return False
    return user.birth_date is None or _age(user.birth_date, today) >= NOTICE_AGE


def _is_page_request() -> bool:
    # Only whole pages are redirected: a lesson runtime's commits, media ranges and scripted
    # requests (SCORM, xAPI, video) must never get an HTML page back.
    endpoint = request.endpoint or ""
    return (request.method == "GET" and endpoint not in _ALLOWED
            and not endpoint.endswith(".static") and "runtime" not in endpoint
            and request.accept_mimetypes.accept_html
            and not request.headers.get("X-Requested-With"))


def redirect_to_notice():
    """`before_request`: send a student who still has to see the notice there."""
    if not _is_page_request() or not current_user.is_authenticated:
        return None
    if needs_notice(current_user, date.today()):
        return redirect(url_for("parents.privacy_notice"))
    return None
