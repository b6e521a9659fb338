"""A school of 20 departments × 2,000 materials: the dashboard, the department page, the report
and the catalog run a fixed number of queries, the same as for a tiny school."""
import io

import pytest
from openpyxl import load_workbook

from .conftest import build_large_school, count_queries

pytestmark = pytest.mark.plugins("scorm", "targets")

#: page -> (its path in the tiny school, in the large one, ceiling of queries)
PAGES = {
    "dashboard": ("/targets/", "/targets/", 10),
    "board home with the widget": ("/", "/", 14),
    "department page": ("/targets/department/S00", "/targets/department/D03", 16),
    "monthly report": ("/targets/report", "/targets/report", 10),
    "catalog xlsx": ("/targets/catalog.xlsx", "/targets/catalog.xlsx", 8),
    "catalog page": ("/targets/catalog?department=S00", "/targets/catalog?department=D03", 11),
}


def _queries(app, client, path) -> int:
    client.get(path)  # warm up: first-request work is not the page's
    with count_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def test_dashboards_and_catalog_run_a_bounded_number_of_queries(app, client, login, demo):
    build_large_school(app, departments=1, per_department=6, prefix="S")
    login("hieutruong")
    small = {name: _queries(app, client, paths[0]) for name, paths in PAGES.items()}

    build_large_school(app, departments=20, per_department=2000, prefix="D")
    large = {name: _queries(app, client, paths[1]) for name, paths in PAGES.items()}
    for name, (_, _, ceiling) in PAGES.items():
        assert large[name] == small[name], (name, small[name], large[name])
        assert large[name] <= ceiling, (name, large[name])

    data = client.get("/targets/catalog.xlsx").data
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = sum(1 for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], int))
    # A third of each department's 2,000 are approved; every eleventh is a plain file.
    assert rows == 20 * sum(1 for n in range(2000) if n % 6 in (0, 1) and n % 11) + sum(
        1 for n in range(6) if n % 6 in (0, 1) and n % 11)
