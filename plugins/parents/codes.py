"""Linking codes: 8 characters a parent can read off paper and type on a phone.

The alphabet leaves out 0/O, 1/I/L so nothing on the slip can be misread; codes are compared
case-insensitively, with dashes and spaces ignored.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from lms.extensions import db
from lms.models.base import utcnow

from .models import LinkCode

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
VALID_FOR = timedelta(days=7)


def normalise(text: str | None) -> str:
    """What the parent typed, as stored: upper case, without dashes or spaces."""
    return "".join(ch for ch in (text or "").upper() if ch not in "- \t")


def display(code: str) -> str:
    """XXXX-XXXX, as printed."""
    return f"{code[:4]}-{code[4:]}"


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(select(LinkCode.id).where(LinkCode.code == code)) is None:
            return code


def issue(student_id: int, actor) -> LinkCode:
    """A fresh code for the student; their earlier unused codes die with it (reissue)."""
    now = utcnow()
    db.session.execute(
        update(LinkCode)
        .where(LinkCode.student_id == student_id, LinkCode.used_at.is_(None),
               LinkCode.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch"))
    link_code = LinkCode(code=_new_code(), student_id=student_id,
                         created_by_id=getattr(actor, "id", None), created_at=now,
                         expires_at=now + VALID_FOR)
    db.session.add(link_code)
    return link_code


def find_usable(text: str | None) -> LinkCode | None:
    """The code the parent typed, if it still works (not expired, used or replaced)."""
    code = normalise(text)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    link_code = db.session.scalar(
        select(LinkCode).where(LinkCode.code == code).with_for_update())
    if link_code is None or not link_code.usable(utcnow()):
        return None
    return link_code
