import io

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import ClassEnrollment, ParentLink, SchoolClass, User, UserRole
from lms.people_import import apply_plan, build_plan


@pytest.fixture
def school(app, demo):
    """The demo school with its current year; yields inside an app context."""
    with app.app_context():
        yield demo


def plan_for(data: bytes, kind=None):
    return build_plan(io.BytesIO(data), kind)


def run_import(data: bytes, kind=None):
    plan = plan_for(data, kind)
    assert plan.ok, plan.problems
    return plan, apply_plan(plan)


def table_counts() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (User, UserRole, SchoolClass, ClassEnrollment, ParentLink)}


def snapshot() -> list[tuple]:
    """Every account's columns that an import may touch, to prove a re-import changes nothing."""
    return list(db.session.execute(sa.select(
        User.id, User.username, User.full_name, User.email, User.phone, User.birth_date,
        User.external_code, User.password_hash).order_by(User.id)))
