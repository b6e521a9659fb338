"""A 5,000-row student file: memory and the number of SQL statements stay bounded."""
import tracemalloc

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from lms.extensions import db
from lms.models import ClassEnrollment, ParentLink, User
from lms.people_import import apply_plan, build_plan

from . import files

ROWS = 5000
#: Generous: the whole import (file, records, plan, 7,500 slips) needs about 20 MB.
MEMORY_BOUND = 80 * 1024 * 1024
#: Bulk loads, multi-row inserts in batches and the audit entry; per-row queries would be >5,000.
QUERY_BOUND = 120


def _big_file(path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in files.TITLE_ROWS:
        sheet.append(row)
    sheet.append(files.STUDENT_HEADER)
    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khoa", "Linh", "Minh", "Ngọc"]
    for i in range(ROWS):
        grade = 6 + i % 4
        sheet.append([i + 1, f"79020{i:05d}", f"Trần Văn {given[i % 10]}", "05/09/2013", "Nam",
                      f"{grade}A{i % 12 + 1}", str(grade), f"Trần Văn Cha {i // 2}",
                      f"09{i // 2:08d}"])  # two siblings per parent
    workbook.save(path)


@pytest.mark.slow
def test_five_thousand_rows_bounded_memory_and_queries(app, demo, tmp_path):
    path = tmp_path / "big.xlsx"
    _big_file(path)
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        tracemalloc.start()
        try:
            with path.open("rb") as stream:
                plan = build_plan(stream)
            assert plan.ok, plan.problems[:5]
            result = apply_plan(plan)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert result.counts["students"]["new"] == ROWS
        assert result.counts["parents"]["new"] == ROWS // 2
        assert len(result.slips) == ROWS + ROWS // 2
        assert peak < MEMORY_BOUND, f"peak {peak / 1e6:.1f} MB"
        assert len(statements) < QUERY_BOUND, len(statements)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClassEnrollment)) >= ROWS
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ParentLink)) >= ROWS
        assert db.session.scalar(sa.select(sa.func.count(User.id)).where(
            User.external_code.like("79020%"))) == ROWS

        # Re-importing the big file plans no change, still in bounded queries.
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            with path.open("rb") as stream:
                again = build_plan(stream)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert again.ok and not again.changes_anything and not again.new_accounts
        assert len(statements) < QUERY_BOUND, len(statements)
        print(f"peak {peak / 1e6:.1f} MB, {len(statements)} statements on re-plan")
