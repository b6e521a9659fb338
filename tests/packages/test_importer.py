"""import_package_file: one draft material per package, or nothing at all."""
import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db
from lms.models import AuditLog, Material
from lms.packages import PackageError
from lms.packages.importer import import_package_file, inspect_package_file
from lms.storage import get_store

from .testtype import FAIL_AFTER_STORE, WITH_TEST_TYPE
from .zips import SYMLINK, MiB, build_zip, entry, lesson, zeros

pytestmark = [pytest.mark.plugins("testlesson"), pytest.mark.app_config(WITH_TEST_TYPE)]


def do_import(people, path, author="gv.toan", department="TOAN"):
    return import_package_file(path, filename=path.name, department=people.department(department),
                               author=people.user(author))


def test_a_package_becomes_a_draft_material(app, people, tmp_path):
    created = []
    path = lesson(tmp_path / "phan-so.zip", wrap="Phan so",
                  files={"index.html": b"<h1>1</h1>", "js/app.js": b"let x"})
    with app.app_context(), signals.material_created.connected_to(
            lambda sender, **kw: created.append(kw), app):
        material = do_import(people, path)
        assert (material.title, material.status, material.content_type) == (
            "Bài giảng phân số", "draft", "testlesson")
        assert material.department.code == "TOAN" and material.author.username == "gv.toan"
        version = material.latest_version
        assert version.source_filename == "phan-so.zip"
        assert set(version.inspection["files"]) == {"lesson.json", "index.html", "js/app.js"}
        assert all(get_store().exists(d) for d in version.inspection["files"].values())
        entry_ = db.session.scalar(sa.select(AuditLog).where(AuditLog.event == "material.imported"))
        assert entry_.target_id == material.id and entry_.details["filename"] == "phan-so.zip"
    assert created[0]["material"].id == material.id and created[0]["actor"].username == "gv.toan"


def test_inspection_alone_changes_nothing(app, people, tmp_path, leftovers):
    before = leftovers()
    with app.app_context():
        content_type, inspection = inspect_package_file(lesson(tmp_path / "a.zip"), filename="a.zip")
    assert content_type.id == "testlesson" and inspection.ok
    assert inspection.launch_points == ["index.html"]
    assert leftovers() == before


def test_a_failure_after_storing_files_rolls_everything_back(app, people, tmp_path, leftovers):
    with app.app_context():
        do_import(people, lesson(tmp_path / "good.zip", files={"shared.js": b"shared",
                                                              "index.html": b"1"}))
    before = leftovers()
    bad = lesson(tmp_path / "bad.zip", title=FAIL_AFTER_STORE,
                 files={"shared.js": b"shared", "index.html": b"1", "new.js": b"only here"})
    with app.app_context(), pytest.raises(PackageError) as caught:
        do_import(people, bad)
    assert caught.value.code == "import_failed"
    assert leftovers() == before  # the shared blob stays, the new ones are gone
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Material)) == 1


def test_an_unknown_package_names_the_supported_types(app, people, tmp_path, leftovers):
    path = build_zip(tmp_path / "tai-lieu.zip", [("readme.txt", b"hello")])
    with app.app_context(), pytest.raises(PackageError) as caught:
        do_import(people, path)
    assert caught.value.code == "unknown_type"
    assert "Không nhận ra định dạng gói" in caught.value.message
    assert "Bài học thử nghiệm" in caught.value.message
    assert leftovers() == (0, 0, 0, 0)


def test_fatal_problems_are_listed_with_file_and_line(app, people, tmp_path, leftovers):
    path = lesson(tmp_path / "thieu.zip", launch="bai1/index.html")
    with app.app_context(), pytest.raises(PackageError) as caught:
        do_import(people, path)
    assert caught.value.code == "inspection_failed"
    assert caught.value.details == ["lesson.json, dòng 1: Thiếu tệp khởi chạy “bai1/index.html”."]
    assert "lesson.json, dòng 1" in str(caught.value)
    assert leftovers() == (0, 0, 0, 0)


# Members are built per test: a generator in the parameters would be spent by the first backend.
@pytest.mark.parametrize("extra, code", [
    (lambda: [("../../etc/cron.d/x", b"x")], "zip_slip"),
    (lambda: [(entry("link.html", mode=SYMLINK), b"/etc/passwd")], "symlink"),
    (lambda: [(entry("secret.html", extra_flags=0x1), b"x")], "encrypted"),
    (lambda: [("video.mp4", zeros(30 * MiB))], "compression_ratio"),
    (lambda: [("INDEX.html", b"twice")], "duplicate_name"),
])
def test_each_attack_is_refused_and_leaves_nothing(app, people, tmp_path, leftovers, extra, code):
    path = lesson(tmp_path / "attack.zip", extra=extra())
    with app.app_context(), pytest.raises(PackageError) as caught:
        do_import(people, path)
    assert caught.value.code == code
    assert leftovers() == (0, 0, 0, 0)


def test_archive_limits_come_from_the_configuration(app, people, tmp_path):
    app.config["LMS_ARCHIVE_LIMITS"] = {"max_entries": 2}
    with app.app_context(), pytest.raises(PackageError) as caught:
        do_import(people, lesson(tmp_path / "a.zip", files={"index.html": b"1", "b.js": b"2"}))
    assert caught.value.code == "too_many_entries"
