"""Every route × every kind of user: allowed, or refused with 403 / a redirect to the login page."""
import pytest

from lms.models import Role
from tests.route_matrix import (
    AUTHENTICATED,
    CORE_ROUTES,
    Case,
    assert_routes_declared,
    check_route_matrix,
    school_class,
    undeclared_endpoints,
)

#: The example plugin's table, as a plugin's own tests declare it.
EXAMPLE_ROUTES = {"example.index": Case({Role.TEACHER})}


# The core alone: each plugin's tests declare and check the routes that plugin adds.
pytestmark = pytest.mark.plugins()


def test_every_core_route_is_declared(app):
    assert_routes_declared(app, CORE_ROUTES)


def test_core_routes_for_every_persona(app, demo):
    check_route_matrix(app, demo, CORE_ROUTES)


@pytest.mark.plugins("example")
def test_a_plugin_declares_its_routes_with_the_same_helper(app, demo):
    assert undeclared_endpoints(app, CORE_ROUTES) == {"example.index"}
    assert_routes_declared(app, CORE_ROUTES, EXAMPLE_ROUTES)
    check_route_matrix(app, demo, EXAMPLE_ROUTES)


def test_an_undeclared_route_fails_the_matrix(app):
    table = {k: v for k, v in CORE_ROUTES.items() if k != "admin.audit_log"}
    with pytest.raises(AssertionError, match="admin.audit_log"):
        assert_routes_declared(app, table)


def test_a_wrong_declaration_fails_the_matrix(app, demo):
    # If the table said every logged-in user may open the users list, the students, parents and
    # teachers who get a 403 must be reported.
    with pytest.raises(AssertionError) as failure:
        check_route_matrix(app, demo, {"admin.users": Case(AUTHENTICATED)},
                           personas=("admin", "hieutruong", "gv.toan", "hs.6a1.01", "ph.6a1.01"))
    report = str(failure.value)
    for persona in ("hs.6a1.01", "ph.6a1.01", "gv.toan", "hieutruong"):
        assert f"{persona} GET /admin/users" in report
    assert "admin GET" not in report


def _class_id(app, name):
    return school_class(name).resolve(app, {})


@pytest.mark.parametrize("username, sees_details", [
    ("gv.toan", True),      # homeroom teacher of 6A1
    ("hieutruong", True),
    ("tt.toan", False),     # a subject teacher: names only
    ("hs.6a1.01", False),   # a classmate: names only
])
def test_class_page_shows_birth_dates_only_to_homeroom_teacher_and_board(
        app, client, demo, login, username, sees_details):
    login(username)
    page = client.get(f"/classes/{_class_id(app, '6A1')}").get_data(as_text=True)
    assert "Nguyễn Hoàng Nam" in page
    assert ("12/03/2014" in page) is sees_details
    assert (f'href="/students/{demo["hs.6a1.01"]}"' in page) is sees_details
