"""The criteria dashboard in the role × route matrix: the board and Tổ CNTT read the whole
school, heads and deputy heads of a department their own part; teachers, students and parents
are refused."""
import pytest

from tests.route_matrix import (
    BOARD_AND_ADMIN,
    CORE_ROUTES,
    PERSONAS,
    Case,
    assert_routes_declared,
    check_route_matrix,
)

from .conftest import WITH_PARTS

#: tt.toan heads Tổ Toán – Tin and tp.toan is its deputy; gv.toan is a plain member
READERS = BOARD_AND_ADMIN | {"tt.toan", "tp.toan"}
MATRIX_PERSONAS = (*PERSONAS, "gv.tin", "tt.van")

CRITERIA_ROUTES = {
    "criteria.dashboard": [
        Case(READERS | {"tt.van"}),
        Case(READERS | {"tt.van"}, {"date_from": "01/03/2026", "date_to": "31/03/2026"}),
    ],
    "criteria.download": Case(READERS | {"tt.van"},
                              {"date_from": "01/03/2026", "date_to": "31/03/2026"},
                              note="the same figures as the page, as XLSX"),
}


@pytest.mark.plugins("criteria")
def test_criteria_routes_alone(app, demo):
    assert_routes_declared(app, CORE_ROUTES, CRITERIA_ROUTES)
    check_route_matrix(app, demo, CRITERIA_ROUTES, personas=MATRIX_PERSONAS)


@pytest.mark.plugins(*WITH_PARTS)
def test_criteria_routes_with_every_part(app, demo):
    check_route_matrix(app, demo, CRITERIA_ROUTES, personas=MATRIX_PERSONAS)
