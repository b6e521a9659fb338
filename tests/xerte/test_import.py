"""Synthetic Xerte exports of every kind: detection, what is read from template.xml, the upload
report, import and launch."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Material
from lms.packages import PackageError, SafeArchive
from plugins.scorm.models import ScormFile, ScormPackage
from plugins.xerte.models import XerteFile, XerteLesson
from tests.xerte.conftest import import_zip, template_xml, xerte_zip

KINDS = {"scorm12": ("Xerte (SCORM 1.2)", "scormRLO.htm", "1.2"),
         "scorm2004": ("Xerte (SCORM 2004)", "scorm2004RLO.htm", "2004"),
         "offline": ("Xerte (bản ngoại tuyến)", "index.htm", None),
         "web": ("Xerte (bản triển khai/lưu trữ)", "index.htm", None)}


def detected(app, path):
    with app.app_context(), SafeArchive.open(path, source_name=path.name) as archive:
        found = app.extensions["lms"].content_types.detect(archive)
        return found.id if found else None


def inspected(app, path):
    from lms.packages.importer import inspect_package_file

    with app.app_context():
        return inspect_package_file(path, filename=path.name)[1]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_export_kind_imports_as_xerte(app, client, login, demo, tmp_path, kind):
    label, launch, scorm_version = KINDS[kind]
    path = xerte_zip(tmp_path / "x.zip", kind)
    assert detected(app, path) == "xerte"
    inspection = inspected(app, path)
    assert inspection.ok and inspection.version == label
    assert inspection.launch_points == [launch]
    material_id = import_zip(app, path)
    with app.app_context():
        material = db.session.get(Material, material_id)
        assert (material.content_type, material.title) == ("xerte", "Phân số lớp 6")
        lesson = db.session.scalar(sa.select(XerteLesson))
        assert (lesson.export_kind, lesson.launch_file, lesson.language) == (kind, launch, "vi-VN")
        assert [p["title"] for p in lesson.pages] == ["Giới thiệu", "Câu hỏi & trả lời",
                                                      "Kết thúc"]
        package = db.session.scalar(sa.select(ScormPackage))
        xerte_files = set(db.session.scalars(sa.select(XerteFile.path)))
        scorm_files = set(db.session.scalars(sa.select(ScormFile.path)))
        if scorm_version:
            # played by the SCORM runtime, from the SCORM plugin's file table
            assert package.scorm_version == scorm_version and package.version_id == lesson.version_id
            assert launch in scorm_files and not xerte_files
        else:
            assert package is None and "template.xml" in xerte_files and not scorm_files
    login("hs.6a1.01")
    target = f"/scorm/play/{material_id}" if scorm_version else f"/xerte/play/{material_id}"
    assert client.get(f"/m/{material_id}").headers["Location"].endswith(target)
    assert client.get(target).status_code == 200


def test_the_page_text_goes_to_search_without_scripts_or_tags(app, demo, tmp_path):
    material_id = import_zip(app, xerte_zip(tmp_path / "x.zip"))
    with app.app_context():
        text = db.session.get(Material, material_id).live_version.extracted_text
    assert "Phân số là một cách viết phép chia." in text
    assert "Chọn đáp án đúng" in text and "Một phần hai" in text and "Cảm ơn các em" in text
    assert "không-phải-chữ" not in text and "<b>" not in text and "FileLocation" not in text


def test_a_double_encoded_title_with_a_link_and_onclick_becomes_plain_text(app, demo, tmp_path):
    title = ("&amp;lt;a href=&amp;quot;#&amp;quot; onclick=&amp;quot;alert(1)&amp;quot;&amp;gt;"
             "Bài &amp;amp;nbsp;1: Tế bào&amp;lt;/a&amp;gt;&amp;lt;script&amp;gt;alert(2)"
             "&amp;lt;/script&amp;gt;")
    path = xerte_zip(tmp_path / "x.zip", template=template_xml(name=title))
    assert inspected(app, path).title == "Bài 1: Tế bào"
    with app.app_context():
        material = db.session.get(Material, import_zip(app, path))
        assert material.title == "Bài 1: Tế bào"


def test_pages_nested_in_chapters_are_read_in_order(app, demo, tmp_path):
    pages = ('<chapter name="Chương 1"><text linkID="A" name="Trang một">Một</text>'
             '<mcq linkID="B" name="Trang hai"/></chapter>'
             '<chapter name="Chương 2"><title linkID="C" name="Trang ba"/></chapter>')
    path = xerte_zip(tmp_path / "x.zip", template=template_xml(pages=pages))
    details = inspected(app, path).details
    assert details["pages"] == [
        {"type": "text", "title": "Trang một", "link_id": "A", "chapter": "Chương 1"},
        {"type": "mcq", "title": "Trang hai", "link_id": "B", "chapter": "Chương 1"},
        {"type": "title", "title": "Trang ba", "link_id": "C", "chapter": "Chương 2"}]
    pages_section = next(s for s in details["report_sections"] if s["title"] == "Các trang (3)")
    assert pages_section["items"][0] == "1. Chương 1 › Trang một (text)"


def test_a_template_that_is_not_a_learning_object_is_not_xerte(app, demo, tmp_path):
    path = xerte_zip(tmp_path / "x.zip", "scorm2004",
                     template=template_xml(root="learningObjectives"))
    assert detected(app, path) == "scorm"
    path = xerte_zip(tmp_path / "y.zip", "web", template=template_xml(root="project"))
    assert detected(app, path) is None


def test_xerte_wins_over_scorm_whatever_the_plugin_order(app, demo, tmp_path):
    registry = app.extensions["lms"].content_types
    order = [t.id for t in registry]
    assert order.index("scorm") < order.index("xerte")  # registered first, asked second
    assert detected(app, xerte_zip(tmp_path / "x.zip", "scorm12")) == "xerte"


def test_a_wrapping_folder_is_stripped(app, demo, tmp_path):
    path = xerte_zip(tmp_path / "x.zip", "offline", wrap="bai-hoc/")
    assert detected(app, path) == "xerte"
    assert inspected(app, path).details["export_kind"] == "offline"


def test_a_manifest_title_with_a_bare_ampersand_still_imports(app, demo, tmp_path):
    path = xerte_zip(tmp_path / "x.zip", "scorm2004", manifest_title="Toán & Tin",
                     template=template_xml(name="Toán &amp;amp; Tin"))
    inspection = inspected(app, path)
    assert inspection.ok and inspection.title == "Toán & Tin"
    assert any(p.file == "imsmanifest.xml" and not p.fatal for p in inspection.problems)
    material_id = import_zip(app, path)
    with app.app_context():
        assert db.session.get(Material, material_id).title == "Toán & Tin"
        assert db.session.scalar(sa.select(ScormPackage)).scos[0].launch_href == \
            "scorm2004RLO.htm"


def test_missing_media_and_stray_files_are_reported_as_warnings(app, demo, tmp_path):
    path = xerte_zip(tmp_path / "x.zip", media=False, extra={
        "index.htm.bak": "x", "lockfile.txt": "gv", "Ghi chú.docx": b"PK", "media/ok.bak": "x"})
    inspection = inspected(app, path)
    assert inspection.ok
    assert inspection.details["missing_media"] == ["media/hinh.png"]
    assert inspection.details["stray_files"] == ["Ghi chú.docx", "index.htm.bak",
                                                 "lockfile.txt", "media/ok.bak"]
    titles = [s["title"] for s in inspection.details["report_sections"]]
    assert titles == ["Kiểu xuất bản", "Ngôn ngữ", "Các trang (3)", "Tệp media bị thiếu (1)",
                      "Tệp thừa (4)"]


def test_the_upload_report_shows_kind_pages_missing_media_and_strays(client, login, demo,
                                                                      tmp_path):
    path = xerte_zip(tmp_path / "x.zip", "offline", media=False, extra={"lockfile.txt": "gv"})
    login("gv.toan")
    with path.open("rb") as handle:
        response = client.post("/materials/upload", data={"package": (handle, "bai.zip")},
                               content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Xerte (bản ngoại tuyến)", "Các trang (3)", "Câu hỏi &amp; trả lời (mcq)",
                 "media/hinh.png", "lockfile.txt"):
        assert text in page, text


def test_a_broken_template_is_a_fatal_problem_and_nothing_is_imported(app, demo, tmp_path):
    path = xerte_zip(tmp_path / "x.zip", template='<?xml version="1.0"?><learningObject name="a">'
                                                  "<text></learningObject>")
    assert detected(app, path) == "xerte"
    with pytest.raises(PackageError) as failure:
        import_zip(app, path)
    assert any("template.xml" in line for line in failure.value.details)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Material.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(XerteFile.id))) == 0


def test_an_export_without_a_launch_page_is_refused(app, demo, tmp_path):
    import zipfile

    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("template.xml", template_xml())
    with pytest.raises(PackageError):
        import_zip(app, path)
