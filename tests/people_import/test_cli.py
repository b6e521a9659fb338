import sqlalchemy as sa
from openpyxl import load_workbook

from lms.extensions import db
from lms.models import User

from . import files


def test_cli_import_dry_run_then_real_then_again(app, demo, runner, tmp_path):
    source = tmp_path / "hs.csv"
    source.write_bytes(files.cp1258([files.STUDENT_HEADER, *files.STUDENTS]))
    dry = runner.invoke(args=["lms", "import-people", str(source), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Học sinh: 4 mới" in dry.output and "không ghi gì" in dry.output

    refused = runner.invoke(args=["lms", "import-people", str(source)])
    assert refused.exit_code != 0 and "--sheet" in refused.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.external_code == "7901000001")) is None

    sheet = tmp_path / "mk.xlsx"
    done = runner.invoke(args=["lms", "import-people", str(source), "--kind", "students",
                               "--sheet", str(sheet)])
    assert done.exit_code == 0, done.output
    rows = list(load_workbook(sheet).active.values)
    assert len(rows) == 1 + 6
    again = runner.invoke(args=["lms", "import-people", str(source)])
    assert again.exit_code == 0 and "Không có gì thay đổi" in again.output


def test_cli_bad_rows_exit_non_zero_and_list_every_row(app, demo, runner, tmp_path):
    source = tmp_path / "gv.xlsx"
    rows = [[1, "GV1", "", "TOAN", "", "a@example.vn", "", ""],
            [2, "GV2", "Lê Văn B", "Tổ Bơi lội", "", "b@example.vn", "", ""],
            [3, "GV3", "Lê Văn C", "TOAN", "", "c@example.vn", "12345", ""]]
    source.write_bytes(files.xlsx([files.TEACHER_HEADER, *rows], title_rows=[]))
    result = runner.invoke(args=["lms", "import-people", str(source), "--sheet",
                                 str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0
    for row in (2, 3, 4):
        assert f"Dòng {row}:" in result.output
    assert "3 dòng có lỗi" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_wrong_format(app, demo, runner, tmp_path):
    source = tmp_path / "empty.xlsx"
    source.write_bytes(b"")
    result = runner.invoke(args=["lms", "import-people", str(source)])
    assert result.exit_code != 0 and "Tệp trống" in result.output
