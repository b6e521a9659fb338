"""Targets: the principal's dashboard and the catalog XLSX for 20 departments × 2,000 materials.

Requests go through Flask's test client (in process, no network: the figures are the app's own
work) against a scratch SQLite database. Baseline: the administrator's home page, a small page
with a few queries and no target counting, measured the same way in the same run.
"""
from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from .harness import median_ms

DEPARTMENTS = 20
PER_DEPARTMENT = 2000
TEACHERS = 10
STATUSES = ("approved", "approved", "submitted", "draft", "passed", "returned")


def _build(app) -> None:
    """The demo school plus DEPARTMENTS × PER_DEPARTMENT materials, inserted in bulk, in a
    finished school year (so every approval is in the past)."""
    from werkzeug.security import generate_password_hash

    from lms.cli import upgrade_database
    from lms.extensions import db
    from lms.models import (
        Department,
        DepartmentMembership,
        Material,
        MaterialAuthor,
        SchoolYear,
        User,
        UserRole,
    )
    from lms.seed import seed_demo_school

    with app.app_context():
        upgrade_database()
        seed_demo_school()
        year = SchoolYear(name="2020-2021", start_date=date(2020, 9, 5),
                          end_date=date(2021, 5, 31))
        db.session.add(year)
        db.session.flush()
        year.make_current()
        password = generate_password_hash("x", method="pbkdf2:sha256:1")
        db.session.execute(sa.insert(Department), [
            {"code": f"B{d:02d}", "name": f"Tổ {d:02d}"} for d in range(DEPARTMENTS)])
        departments = dict(db.session.execute(sa.select(Department.code, Department.id)).all())
        db.session.execute(sa.insert(User), [
            {"username": f"b{d:02d}.{t}", "full_name": f"Giáo viên {d:02d}-{t}",
             "sort_key": f"{t} {d:02d}", "password_hash": password}
            for d in range(DEPARTMENTS) for t in range(TEACHERS)])
        users = dict(db.session.execute(sa.select(User.username, User.id)).all())
        db.session.execute(sa.insert(UserRole), [
            {"user_id": users[f"b{d:02d}.{t}"], "role": "teacher"}
            for d in range(DEPARTMENTS) for t in range(TEACHERS)])
        db.session.execute(sa.insert(DepartmentMembership), [
            {"user_id": users[f"b{d:02d}.{t}"], "department_id": departments[f"B{d:02d}"]}
            for d in range(DEPARTMENTS) for t in range(TEACHERS)])
        start = datetime(2020, 9, 5, 3)
        rows = []
        for d in range(DEPARTMENTS):
            for n in range(PER_DEPARTMENT):
                status = STATUSES[n % len(STATUSES)]
                created = start + timedelta(minutes=n * 97 + d)
                rows.append({
                    "title": f"Bài giảng {d}-{n}", "content_type": "file" if n % 11 == 0
                    else "scorm", "department_id": departments[f"B{d:02d}"],
                    "author_id": users[f"b{d:02d}.{n % TEACHERS}"], "school_year_id": year.id,
                    "status": status, "created_at": created, "updated_at": created,
                    "approved_at": created + timedelta(days=1) if status == "approved" else None,
                    "lesson": f"Bài {n % 40 + 1}", "notes": "", "keywords": "", "topic": "",
                    "description": ""})
        db.session.execute(sa.insert(Material), rows)
        # Every fifth lesson has a co-author: the next teacher of the same department.
        ids = db.session.scalars(sa.select(Material.id).where(
            Material.department_id.in_([departments[f"B{d:02d}"] for d in range(DEPARTMENTS)]))
            .order_by(Material.id)).all()  # insertion order: ids follow `rows`
        db.session.execute(sa.insert(MaterialAuthor), [
            {"material_id": material_id, "position": 0,
             "user_id": users[f"b{d:02d}.{(n + 1) % TEACHERS}"]}
            for index, material_id in enumerate(ids) if index % 5 == 0
            for d, n in [divmod(index, PER_DEPARTMENT)]])
        db.session.commit()


def _client(app, username: str):
    from lms.seed import DEMO_PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not log in"
    return client


def _get(client, path: str):
    def request() -> None:
        response = client.get(path)
        response.get_data()
        assert response.status_code == 200, (path, response.status_code)

    return request


def run(report) -> None:
    from lms import create_app

    with tempfile.TemporaryDirectory(prefix="lms-bench-targets-") as tmp:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'lms.sqlite3'}",
            "LMS_PLUGINS": ("scorm", "targets"), "LMS_DATA_DIR": tmp,
            "LMS_CONTENT_DIR": str(Path(tmp) / "content"), "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False, "LMS_BASE_URL": "https://hoclieu.example.edu.vn"})
        _build(app)
        principal, admin = _client(app, "hieutruong"), _client(app, "admin")
        home = _get(admin, "/")
        dashboard = _get(principal, "/targets/")
        catalog = _get(principal, "/targets/catalog.xlsx")
        for warm_up in (home, dashboard, catalog):
            warm_up()
        home_ms = median_ms(home, repeat=15)
        dashboard_ms = median_ms(dashboard, repeat=15)
        catalog_ms = median_ms(catalog, repeat=5)
        with app.app_context():
            from lms.extensions import db

            db.engine.dispose()
    size = f"{DEPARTMENTS} × {PER_DEPARTMENT} materials, test client, SQLite"
    report("dashboard_ms", dashboard_ms, "ms", f"median of 15, {size}")
    report("catalog_xlsx_ms", catalog_ms, "ms", "median of 5, every approved lesson of the school")
    report("targets_baseline_home_ms", home_ms, "ms", "median of 15, the admin's home page")
    report("dashboard_vs_home", dashboard_ms / home_ms, "x", "dashboard time ÷ home page time")
    report("catalog_xlsx_vs_home", catalog_ms / home_ms, "x", "catalog time ÷ home page time")
