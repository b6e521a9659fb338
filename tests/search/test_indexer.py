"""The indexer: CLI commands, the outbox surviving a killed indexer, a real SCORM import."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db
from plugins.search.models import SearchOutbox

from .conftest import PLUGINS, department, plugin, user

pytestmark = pytest.mark.plugins(*PLUGINS)
ROOT = Path(__file__).resolve().parents[2]


def _outbox(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(SearchOutbox.id)))


def test_cli_reindex_sync_verify(app, runner, add, find):
    add("Phân số")
    result = runner.invoke(args=["lms", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Đã lập chỉ mục 1 học liệu" in result.output
    add("Số thập phân")
    result = runner.invoke(args=["lms", "search-verify"])
    assert "Thiếu trong chỉ mục: 1" in result.output  # not synced yet
    result = runner.invoke(args=["lms", "search-sync", "--once"])
    assert result.exit_code == 0 and "Đã cập nhật" in result.output
    assert sorted(find("phan")) == ["Phân số", "Số thập phân"]
    assert "Chỉ mục khớp" in runner.invoke(args=["lms", "search-verify"]).output
    assert _outbox(app) == 0


def test_outbox_rows_commit_and_roll_back_with_the_change(app, add):
    from lms.models import Material

    material_id = add("Phân số")
    queued = _outbox(app)
    assert queued >= 1
    with app.app_context():
        db.session.get(Material, material_id).title = "Đổi tên"
        db.session.flush()
        db.session.rollback()
    assert _outbox(app) == queued


def _subprocess_env(app) -> dict:
    env = dict(os.environ)
    env.update(LMS_DATA_DIR=app.config["LMS_DATA_DIR"],
               LMS_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"].replace(
                   "postgresql+psycopg://", "postgresql://"),
               LMS_PLUGINS=",".join(PLUGINS), LMS_SECRET_KEY="test")
    return env


def test_killed_indexer_loses_nothing(app, demo):
    """SIGKILL a search-sync loop mid-way; the outbox replays what it had not finished."""
    from lms.models import Material, MaterialVersion, SchoolYear
    from lms.models.base import utcnow
    from plugins.search.indexer import drain, rebuild, verify

    with app.app_context():
        rebuild(plugin(app).backend)
        author, dept, year = user("gv.toan"), department("TOAN"), SchoolYear.current()
        for n in range(400):
            material = Material(title=f"Bài {n} phân số", content_type="scorm", department=dept,
                                author=author, school_year=year, status="approved",
                                approved_at=utcnow())
            db.session.add(MaterialVersion(material=material, content_type="scorm",
                                           created_by=author, extracted_text=f"trang {n}"))
            db.session.add(material)
        db.session.commit()
    before = _outbox(app)
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "lms", "search-sync", "--batch", "20"],
        cwd=ROOT, env=_subprocess_env(app), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _outbox(app) >= before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, process.stderr.read().decode()
        process.send_signal(signal.SIGKILL)  # mid-way: some batches done, others not
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    assert 0 < _outbox(app) < before
    with app.app_context():
        drain(plugin(app).backend)  # the lock died with the process: no waiting
        assert verify(plugin(app).backend).differences == []
        assert len(plugin(app).backend.stamps()) == 400


def test_scorm_package_text_is_found_end_to_end(app, demo, tmp_path, find):
    from lms.packages.importer import import_package_file
    from plugins.search.indexer import drain, rebuild

    path = tmp_path / "bai.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", _MANIFEST)
        archive.writestr("index.html", "<html><body><p>Quá trình <b>quang hợp</b> cần "
                                       "ánh sáng mặt trời.</p><script>var x='bí mật';</script>"
                                       "</body></html>")
    with app.app_context():
        rebuild(plugin(app).backend)
        import_package_file(path, filename="bai.zip", department=department("TOAN"),
                            author=user("gv.toan"))
        drain(plugin(app).backend)
    assert find("anh sang mat troi", as_user="gv.toan") == ["Bài học thử"]
    assert find("anh sang", as_user="hs.6a1.01") == []  # a draft: not for students
    assert find("bi mat", as_user="gv.toan") == []  # scripts are not visible text


_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Bài học thử</title>
    <item identifier="i" identifierref="r"><title>Trang một</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>
"""
