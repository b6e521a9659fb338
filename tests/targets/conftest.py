"""Helpers for the targets tests: materials made directly in the database (the approval flow is
the library plugin's and has its own tests), bulk schools, and a query counter."""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db

_titles = itertools.count(1)


@pytest.fixture
def school(app, demo):
    """The demo school inside an app context, with helpers to add materials."""
    from lms.models import Department, Material, MaterialAuthor, MaterialVersion, User

    class School:
        def __init__(self):
            self.year = past_year()
            self.demo = demo

        def department(self, code) -> Department:
            return db.session.scalar(sa.select(Department).where(Department.code == code))

        def user(self, username) -> User:
            return db.session.scalar(sa.select(User).where(User.username == username))

        def in_year(self, days: int = 10) -> datetime:
            """A naive UTC instant `days` after the year's first day, mid-morning local time."""
            return datetime.combine(self.year.start_date, datetime.min.time()) + timedelta(
                days=days, hours=3)

        def material(self, department="TOAN", author="gv.toan", *, content_type="scorm",
                     status="approved", approved_at=..., created_at=None, deleted=False,
                     school_year=..., co_authors=(), versions=1, **extra) -> Material:
            created = created_at or self.in_year()
            if approved_at is ...:
                approved_at = created + timedelta(days=1) if status == "approved" else None
            material = Material(
                title=extra.pop("title", f"Bài giảng số {next(_titles)}"),
                content_type=content_type, department=self.department(department),
                author=self.user(author), status=status, approved_at=approved_at,
                created_at=created,
                school_year_id=self.year.id if school_year is ... else school_year,
                deleted_at=created + timedelta(days=2) if deleted else None, **extra)
            for position, username in enumerate(co_authors):
                material.co_authors.append(MaterialAuthor(user=self.user(username),
                                                          position=position))
            for number in range(1, versions + 1):
                db.session.add(MaterialVersion(
                    material=material, number=number, content_type=content_type,
                    created_by=self.user(author), status=status if number == versions
                    else "approved"))
            db.session.add(material)
            db.session.flush()
            return material

    with app.app_context():
        yield School()
        db.session.rollback()


def past_year():
    """A finished school year made current, so that every date in it is before now whatever
    day the tests run (the demo's year may still be ahead in August)."""
    from lms.models import SchoolYear

    year = db.session.scalar(sa.select(SchoolYear).where(SchoolYear.name == "2020-2021"))
    if year is None:
        year = SchoolYear(name="2020-2021", start_date=date(2020, 9, 5),
                          end_date=date(2021, 5, 31))
        db.session.add(year)
        db.session.flush()
        year.make_current()
        db.session.commit()
    return year


@contextmanager
def count_queries(app):
    """Count the SQL statements run inside the block: `with count_queries(app) as queries:`."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def build_large_school(app, departments: int, per_department: int, teachers: int = 10,
                       prefix: str = "D") -> None:
    """A school of `departments` × `per_department` materials (half approved, a few pending,
    every fifth co-authored), inserted in bulk."""
    from werkzeug.security import generate_password_hash

    from lms.models import (
        Department,
        DepartmentMembership,
        Material,
        MaterialAuthor,
        User,
        UserRole,
    )

    with app.app_context():
        year = past_year()
        start = datetime.combine(year.start_date, datetime.min.time()) + timedelta(hours=3)
        password = generate_password_hash("x", method="pbkdf2:sha256:1")
        db.session.execute(sa.insert(Department), [
            {"code": f"{prefix}{d:02d}", "name": f"Tổ thử {prefix}{d:02d}"} for d in range(departments)])
        dept_ids = dict(db.session.execute(
            sa.select(Department.code, Department.id).where(Department.code.like(f"{prefix}%"))).all())
        db.session.execute(sa.insert(User), [
            {"username": f"{prefix}{d:02d}.{t}", "full_name": f"Giáo viên {d:02d} {t}",
             "sort_key": f"{t} {d:02d}", "password_hash": password}
            for d in range(departments) for t in range(teachers)])
        user_ids = dict(db.session.execute(
            sa.select(User.username, User.id).where(User.username.like(f"{prefix}%.%"))).all())
        db.session.execute(sa.insert(UserRole), [
            {"user_id": uid, "role": "teacher"} for uid in user_ids.values()])
        db.session.execute(sa.insert(DepartmentMembership), [
            {"user_id": user_ids[f"{prefix}{d:02d}.{t}"], "department_id": dept_ids[f"{prefix}{d:02d}"],
             "position": "head" if t == 0 else "member"}
            for d in range(departments) for t in range(teachers)])
        rows = []
        statuses = ("approved", "approved", "submitted", "draft", "passed", "returned")
        for d in range(departments):
            for n in range(per_department):
                status = statuses[n % len(statuses)]
                created = start + timedelta(minutes=n * 97 + d)
                rows.append({
                    "title": f"Học liệu {d}-{n}", "content_type": ("scorm", "file")[n % 11 == 0],
                    "department_id": dept_ids[f"{prefix}{d:02d}"],
                    "author_id": user_ids[f"{prefix}{d:02d}.{n % teachers}"], "school_year_id": year.id,
                    "status": status, "created_at": created, "updated_at": created,
                    "approved_at": created + timedelta(days=1) if status == "approved" else None,
                    "lesson": f"Bài {n % 40 + 1}", "notes": "", "keywords": "", "topic": "",
                    "description": ""})
        db.session.execute(sa.insert(Material), rows)
        material_ids = db.session.scalars(sa.select(Material.id).join(
            Department, Department.id == Material.department_id)
            .where(Department.code.like(f"{prefix}%")).order_by(Material.id)).all()
        by_id = dict(db.session.execute(sa.select(Material.id, Material.department_id)
                                        .where(Material.id.in_(material_ids[::5]))).all())
        code_of = {v: k for k, v in dept_ids.items()}
        db.session.execute(sa.insert(MaterialAuthor), [
            {"material_id": mid, "user_id": user_ids[f"{code_of[dept]}.{(mid + 1) % teachers}"],
             "position": 0} for mid, dept in by_id.items()])
        db.session.commit()
