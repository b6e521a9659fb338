"""`flask lms gc-blobs`: removes what neither the core nor a plugin references, after a grace."""
import os
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.plugins import LMSPlugin
from lms.storage import get_store, referenced_digests


class KeepsOneBlob(LMSPlugin):
    """Giữ một tệp"""

    kept: frozenset[str] = frozenset()

    def blob_references(self):
        return set(self.kept)


def store_aged(app, data: bytes, hours: float) -> str:
    with app.app_context():
        store = get_store()
        digest = store.put_bytes(data).digest
        when = (datetime.now(UTC) - timedelta(hours=hours)).timestamp()
        os.utime(store.local_path(digest), (when, when))
        return digest


def add_version(app, demo, digest: str) -> None:
    from lms.models import Department, Material, MaterialVersion

    with app.app_context():
        department = db.session.scalars(sa.select(Department)).first()
        material = Material(title="Bài 1", content_type="file", department_id=department.id,
                            author_id=demo["gv.toan"])
        db.session.add(material)
        db.session.flush()
        db.session.add(MaterialVersion(material_id=material.id, content_type="file",
                                       source_digest=digest, created_by_id=demo["gv.toan"]))
        db.session.commit()


@pytest.mark.plugins("keeper")
@pytest.mark.app_config({"LMS_EXTRA_PLUGINS": {"keeper": KeepsOneBlob}})
def test_gc_blobs(app, demo, runner, monkeypatch):
    version_blob = store_aged(app, b"uploaded package", 48)
    plugin_blob = store_aged(app, b"a SCO's file", 48)
    orphan = store_aged(app, b"nobody uses me", 48)
    in_progress = store_aged(app, b"an import not yet committed", 1)
    add_version(app, demo, version_blob)
    monkeypatch.setattr(KeepsOneBlob, "kept", frozenset({plugin_blob}))

    with app.app_context():
        assert referenced_digests() == {version_blob, plugin_blob}

    result = runner.invoke(args=["lms", "gc-blobs", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Sẽ xóa 1 tệp" in result.output and orphan in result.output
    with app.app_context():
        assert get_store().exists(orphan)

    result = runner.invoke(args=["lms", "gc-blobs"])
    assert result.exit_code == 0, result.output
    assert "Đã xóa 1 tệp" in result.output
    assert "Giữ lại 2 tệp đang được dùng và 1 tệp mới lưu (chưa quá 24 giờ)" in result.output
    with app.app_context():
        store = get_store()
        assert not store.exists(orphan)
        assert all(store.exists(d) for d in (version_blob, plugin_blob, in_progress))


@pytest.mark.app_config({"LMS_BLOB_GC_GRACE_HOURS": 0.5})
def test_grace_period_is_a_setting(app, runner):
    young = store_aged(app, b"forty minutes old", 40 / 60)
    result = runner.invoke(args=["lms", "gc-blobs"])
    assert "Đã xóa 1 tệp" in result.output, result.output
    with app.app_context():
        assert not get_store().exists(young)


def test_an_unknown_x_sendfile_mode_stops_startup(tmp_path, monkeypatch):
    from lms import create_app

    monkeypatch.setenv("LMS_DATA_DIR", str(tmp_path))
    with pytest.raises(RuntimeError, match="LMS_X_SENDFILE"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "LMS_PLUGINS": (),
                    "LMS_X_SENDFILE": "lighttpd"})
