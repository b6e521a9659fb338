"""Helpers for the parents plugin's tests: codes issued through the service, accounts by name."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import ParentLink, User
from tests.assignments.conftest import task  # noqa: F401  (the fixture, for the home tests)


def account(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def issue_code_for(app, username: str, by: str = "gv.toan") -> str:
    """A fresh code for the student, as printed (XXXX-XXXX)."""
    from plugins.parents import codes, linking

    with app.app_context():
        link_code = linking.issue_code(account(username), account(by))
        db.session.commit()
        return codes.display(link_code.code)


def unlink(app, parent: str) -> None:
    """The demo school links every parent; start this one without a child."""
    with app.app_context():
        db.session.execute(sa.delete(ParentLink).where(
            ParentLink.parent_id == account(parent).id))
        db.session.commit()


@pytest.fixture
def code_for(app, demo):
    return lambda username, by="gv.toan": issue_code_for(app, username, by)
