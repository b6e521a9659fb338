"""The role × route matrix: who may open every route of the app, checked against the real app.

A *table* maps each endpoint of ``app.url_map`` to one `Case` or a list of them: sample URL values
and who may use it — `PUBLIC`, `AUTHENTICATED`, or a set of roles (`Role`) and persona usernames.
Personas are accounts of the demo school (`lms.seed`) plus the anonymous visitor.

The core declares `CORE_ROUTES` here; each plugin declares its own table beside its tests:

    EXAMPLE_ROUTES = {"example.index": Case({Role.TEACHER})}

    @pytest.mark.plugins("example")
    def test_example_routes(app, demo):
        assert_routes_declared(app, CORE_ROUTES, EXAMPLE_ROUTES)   # every loaded route declared
        check_route_matrix(app, demo, EXAMPLE_ROUTES)              # every persona × every case

Rules checked for each persona and case:
  allowed  → not 401/403/404/5xx and not a redirect to the login page;
  refused  → 403 for a logged-in persona, a redirect to /login for the anonymous visitor.
Each persona logs in once and keeps its client for all cases (from its own address, so the
login throttle per address never trips).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from lms.models import Role

PUBLIC = "public"
AUTHENTICATED = "authenticated"
ANONYMOUS = "anonymous"

#: Who the matrix tries every route as: one account per kind of user of the demo school.
PERSONAS = (
    "admin",          # Tổ CNTT
    "hieutruong",     # principal
    "phohieutruong",  # vice principal
    "tt.toan",        # head of Tổ Toán – Tin (also a teacher)
    "tp.toan",        # deputy head of Tổ Toán – Tin (also a teacher)
    "gv.toan",        # teacher, homeroom teacher of 6A1
    "hs.6a1.01",      # student in 6A1
    "ph.6a1.01",      # parent of hs.6a1.01
    ANONYMOUS,
)

BOARD_AND_ADMIN = frozenset({Role.ADMIN, Role.PRINCIPAL, Role.VICE_PRINCIPAL})
TEACHING = frozenset({Role.TEACHER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD})
BOARD = frozenset({Role.PRINCIPAL, Role.VICE_PRINCIPAL})


@dataclass(frozen=True)
class UserRef:
    """A demo account's id, looked up when the matrix runs."""

    username: str

    def resolve(self, app, demo) -> int:
        return demo[self.username]


@dataclass(frozen=True)
class ClassRef:
    """A class of the current school year, by name (6A1), looked up when the matrix runs."""

    name: str

    def resolve(self, app, demo) -> int:
        from lms.extensions import db
        from lms.models import SchoolClass, SchoolYear

        with app.app_context():
            year = SchoolYear.current()
            return db.session.scalar(sa.select(SchoolClass.id).where(
                SchoolClass.name == self.name, SchoolClass.school_year_id == year.id))


@dataclass(frozen=True)
class Sample:
    """A record made for the matrix when it runs: `build(demo)` adds it and returns its id."""

    build: Any

    def resolve(self, app, demo) -> int:
        from lms.extensions import db

        with app.app_context():
            record_id = self.build(demo)
            db.session.commit()
            return record_id


def user(username: str) -> UserRef:
    return UserRef(username)


def school_class(name: str) -> ClassRef:
    return ClassRef(name)


@dataclass(frozen=True)
class Case:
    """One request to try as every persona, and who may make it."""

    #: PUBLIC, AUTHENTICATED, or an iterable of `Role` members and persona usernames
    allowed: Any
    #: URL values; `user(...)` and `school_class(...)` are resolved against the demo school
    values: Mapping[str, Any] = field(default_factory=dict)
    method: str = "GET"
    data: Mapping[str, Any] | None = None
    #: the request ends the session (logout): tried last, and a redirect to login is its success
    ends_session: bool = False
    #: the sample names something that exists only for some users (an upload token of one's
    #: own): a 404 counts as allowed. Otherwise a 404 for an allowed persona is a wrong sample.
    absent_ok: bool = False
    #: why the rule is what it is, when it is not obvious
    note: str = ""

    def allows(self, persona: str, roles: frozenset[str]) -> bool:
        if self.allowed == PUBLIC:
            return True
        if persona == ANONYMOUS:
            return False
        if self.allowed == AUTHENTICATED:
            return True
        wanted = {a.value if isinstance(a, Role) else a for a in self.allowed}
        return persona in wanted or bool(roles & wanted)


def _cases(entry: Case | Iterable[Case]) -> list[Case]:
    return [entry] if isinstance(entry, Case) else list(entry)


def undeclared_endpoints(app, *tables: Mapping[str, Any]) -> set[str]:
    declared = set().union(*(table.keys() for table in tables))
    return {rule.endpoint for rule in app.url_map.iter_rules()} - declared


def assert_routes_declared(app, *tables: Mapping[str, Any]) -> None:
    """Fail when the app has a route no table declares, or a table declares a route that is gone."""
    existing = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = undeclared_endpoints(app, *tables)
    stale = set().union(*(table.keys() for table in tables)) - existing
    assert not missing, (
        "routes missing from the role × route matrix (declare who may use them): "
        + ", ".join(sorted(missing)))
    assert not stale, "the matrix declares routes the app does not have: " + ", ".join(sorted(stale))


def _is_login_redirect(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303) and urlsplit(location).path == "/login"


def _persona_clients(app, personas: Iterable[str]) -> dict[str, tuple[Any, frozenset[str]]]:
    from lms.extensions import db
    from lms.models import User
    from lms.seed import DEMO_PASSWORD

    clients = {}
    for number, persona in enumerate(personas, start=1):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"127.0.{number // 250}.{number % 250 + 1}"
        roles: frozenset[str] = frozenset()
        if persona != ANONYMOUS:
            response = client.post("/login", data={"username": persona, "password": DEMO_PASSWORD})
            assert response.status_code == 302 and not _is_login_redirect(response), (
                f"persona {persona} could not log in ({response.status_code})")
            with app.app_context():
                account = db.session.scalar(sa.select(User).where(User.username == persona))
                roles = account.role_names
        clients[persona] = (client, roles)
    return clients


def check_route_matrix(app, demo, table: Mapping[str, Any], personas: Iterable[str] = PERSONAS):
    """Try every case of `table` as every persona; fail once, listing every wrong answer."""
    from flask import url_for

    cases = [(endpoint, case) for endpoint, entry in table.items() for case in _cases(entry)]
    urls = {}
    with app.test_request_context():
        for endpoint, case in cases:
            values = {k: v.resolve(app, demo) if hasattr(v, "resolve") else v
                      for k, v in case.values.items()}
            urls[id(case)] = url_for(endpoint, **values)
    # Requests that end the session go last, so they don't log a persona out for the others.
    cases.sort(key=lambda item: item[1].ends_session)

    failures = []
    for persona, (client, roles) in _persona_clients(app, personas).items():
        for endpoint, case in cases:
            url = urls[id(case)]
            response = client.open(url, method=case.method, data=dict(case.data or {}))
            response.close()  # static files come back as open file streams
            status = response.status_code
            if case.allows(persona, roles):
                wrong = (status in (401, 403) or status >= 500
                         or (status == 404 and not case.absent_ok)
                         or (_is_login_redirect(response) and not case.ends_session))
                expected = "allowed"
            elif persona == ANONYMOUS:
                wrong = not _is_login_redirect(response)
                expected = "redirect to /login"
            else:
                wrong = status != 403
                expected = "403"
            if wrong:
                got = f"{status} {response.headers.get('Location', '')}".strip()
                failures.append(f"{persona:>14} {case.method} {url} ({endpoint}): "
                                f"expected {expected}, got {got}")
    assert not failures, "role × route matrix:\n" + "\n".join(failures)


# The core's own routes. Plugins declare theirs in their own tests, with the same `Case`.
CORE_ROUTES: dict[str, Case | list[Case]] = {
    "static": Case(PUBLIC, {"filename": "css/app.css"}),
    "auth.login": Case(PUBLIC),
    "auth.set_language": Case(PUBLIC, {"code": "vi"}, method="POST"),
    "auth.change_password": Case(AUTHENTICATED),
    "auth.logout": Case(AUTHENTICATED, method="POST", ends_session=True),
    "home.index": Case(AUTHENTICATED),
    "home.student": [
        Case(BOARD_AND_ADMIN | {"gv.toan", "hs.6a1.01", "ph.6a1.01"},
             {"student_id": user("hs.6a1.01")},
             note="the student, their parent and their homeroom teacher; not other teachers"),
        Case(BOARD_AND_ADMIN | {"gv.toan"}, {"student_id": user("hs.6a1.02")},
             note="a classmate: the student and another family's parent are refused"),
        Case(BOARD_AND_ADMIN, {"student_id": user("hs.6a2.01")},
             note="another class and another family: only the board and admins"),
    ],
    "home.school_class": [
        Case(BOARD_AND_ADMIN | TEACHING | {"hs.6a1.01"}, {"class_id": school_class("6A1")},
             note="subject teachers teach across classes and see names; birth dates and student "
                  "pages only for the homeroom teacher and the board; parents follow their own "
                  "child's page instead"),
        Case(BOARD_AND_ADMIN | TEACHING, {"class_id": school_class("6A2")},
             note="a student of 6A1 may not open 6A2"),
    ],
    "admin.users": Case({Role.ADMIN}),
    "admin.user": Case({Role.ADMIN}, {"user_id": user("gv.tin")}),
    "admin.change_roles": Case({Role.ADMIN}, {"user_id": user("gv.tin")}, method="POST",
                               note="no roles sent: refused with a form error, nothing changes"),
    "admin.change_department": Case({Role.ADMIN}, {"user_id": user("gv.tin")}, method="POST"),
    "admin.reset_password": Case({Role.ADMIN}, {"user_id": user("hs.7a1.01")}, method="POST"),
    "admin.disable": Case({Role.ADMIN}, {"user_id": user("gv.anh")}, method="POST"),
    "admin.enable": Case({Role.ADMIN}, {"user_id": user("gv.anh")}, method="POST"),
    "admin.audit_log": Case({Role.ADMIN}),
    "admin.teaching": [Case({Role.ADMIN}), Case({Role.ADMIN}, {"class_id": school_class("6A1")})],
    "admin.save_teaching": Case({Role.ADMIN}, {"class_id": school_class("6A2")}, method="POST",
                                note="nothing sent: nothing changes"),
    "materials.upload": [
        Case(TEACHING | {Role.PRINCIPAL, Role.VICE_PRINCIPAL}),
        Case(TEACHING | {Role.PRINCIPAL, Role.VICE_PRINCIPAL}, method="POST",
             note="no file sent: refused with a message, nothing stored"),
    ],
    # Need a material or a pending upload: checked in tests/packages/test_material_routes.py
    # with a package of a test content type.
    "materials.permalink": [],
    "materials.detail": [],
    "materials.upload_report": [],
    "materials.confirm_upload": [],
    "materials.discard_upload": [],
    "material_results.results": [],
    "vendor.asset": Case(PUBLIC, {"package": "htmx.org", "filename": "dist/htmx.min.js"},
                         absent_ok=True, note="node_modules is absent before `npm ci`"),
    "people_import.upload": Case({Role.ADMIN}),
    "people_import.confirm": Case({Role.ADMIN}, method="POST",
                                  note="no token sent: back to the upload page, nothing imported"),
    "people_import.sheet": Case({Role.ADMIN}, {"token": "khong-co"}, absent_ok=True,
                                note="a password sheet belongs to the admin who imported it"),
    "people_import.sheet_download": Case({Role.ADMIN}, {"token": "khong-co"}, absent_ok=True),
    "people_import.example": Case({Role.ADMIN}, {"kind": "students"}),
}
