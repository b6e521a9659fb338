"""Each user's choice of e-mail rhythm and push, with defaults by role when they chose nothing."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.extensions import db
from lms.models import Role, UserRole

from .models import EmailMode, Preference

#: families read a digest once a day; staff hear at once (a question waits for their answer)
FAMILY_ROLES = frozenset({Role.PARENT.value, Role.STUDENT.value})


@dataclass(frozen=True)
class Choice:
    email_mode: str
    push_enabled: bool


def default_mode(role_names) -> str:
    """Daily digest for parents and students, immediate for everyone else (staff)."""
    return EmailMode.DAILY.value if set(role_names) & FAMILY_ROLES or not role_names \
        else EmailMode.IMMEDIATE.value


def choices_for(user_ids) -> dict[int, Choice]:
    """Every user's choice, stored or by default, in two queries whatever the number of users."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return {}
    stored = {p.user_id: Choice(p.email_mode, p.push_enabled) for p in db.session.scalars(
        select(Preference).where(Preference.user_id.in_(user_ids)))}
    roles: dict[int, set[str]] = {}
    missing = [uid for uid in user_ids if uid not in stored]
    if missing:
        for user_id, role in db.session.execute(select(UserRole.user_id, UserRole.role).where(
                UserRole.user_id.in_(missing))):
            roles.setdefault(user_id, set()).add(role)
    return {uid: stored.get(uid) or Choice(default_mode(roles.get(uid, set())), False)
            for uid in user_ids}


def preference_of(user) -> Preference:
    """The user's stored row, or a new one (not added) holding their defaults."""
    row = db.session.scalar(select(Preference).where(Preference.user_id == user.id))
    if row is None:
        row = Preference(user_id=user.id, email_mode=default_mode(user.role_names),
                         push_enabled=False)
    return row
