"""Synthetic Xerte exports built with zipfile (every export kind), and import helpers."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.scorm.conftest import import_zip

PAGES = """
  <text linkID="PG1" name="Giới thiệu"><![CDATA[<p>Phân số là <b>một cách</b> viết phép chia.</p>
  <script>var bimat = "không-phải-chữ";</script>]]></text>
  <mcq linkID="PG2" name="Câu hỏi &amp;amp; trả lời" prompt="Chọn đáp án đúng"
       url="FileLocation + 'media/hinh.png'">
    <option name="A" text="Một phần hai" correct="true"/>
  </mcq>
  <title linkID="PG3" name="Kết thúc" text="&lt;p&gt;Cảm ơn các em&lt;/p&gt;"/>
"""
XENITH = "// xenith.js: Xerte's player; test stand-in\nvar x_currentPage = -1;\n"
INDEX = """<!doctype html><html><head><title>Xerte</title><script>
var x_projectXML = "template.xml"; var x_currentPage = -1, x_pageInfo = [];
function x_changePage(n) { x_currentPage = n; document.getElementById("p").textContent = n; }
</script></head><body><p id="p"></p></body></html>"""


def template_xml(name: str = "Phân số lớp 6", language: str = "vi-VN", pages: str = PAGES,
                 root: str = "learningObject") -> str:
    return (f'<?xml version="1.0"?>\n<{root} editorVersion="3" targetFolder="Nottingham" '
            f'name="{name}" language="{language}" navigation="Linear">{pages}</{root}>')


def manifest(kind: str, title: str = "Phân số lớp 6") -> str:
    """The manifest Xerte writes: the title goes in unescaped (an `&` breaks the XML)."""
    if kind == "scorm12":
        ns = ('xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
              'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"')
        schema, sco, href = "1.2", 'adlcp:scormtype="sco"', "scormRLO.htm"
    else:
        ns = ('xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
              'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"')
        schema, sco, href = "2004 3rd Edition", 'adlcp:scormType="sco"', "scorm2004RLO.htm"
    return (f'<?xml version="1.0" encoding="UTF-8"?><manifest identifier="XERTE-1" {ns}>'
            f"<metadata><schema>ADL SCORM</schema><schemaversion>{schema}</schemaversion>"
            f'</metadata><organizations default="XERTE-ORG-1"><organization '
            f'identifier="XERTE-ORG-1"><title>{title}</title><item identifier="ITEM-1" '
            f'identifierref="XERTE-RES-1"><title>{title}</title></item></organization>'
            f'</organizations><resources><resource identifier="XERTE-RES-1" type="webcontent" '
            f'{sco} href="{href}"><file href="{href}"/></resource></resources></manifest>')


def xerte_zip(path: Path, kind: str = "web", *, template: str | None = None, wrap: str = "",
              extra: dict[str, bytes | str] | None = None, manifest_title: str | None = None,
              media: bool = True) -> Path:
    """A Xerte export of `kind`: scorm12, scorm2004, offline or web (deployment/archive)."""
    files: dict[str, bytes | str] = {
        "template.xml": template if template is not None else template_xml(),
        "common_html5/js/xenith.js": XENITH,
        "models_html5/text.html": "<div></div>",
    }
    if media:
        files["media/hinh.png"] = b"\x89PNG\r\n\x1a\n" + bytes(64)
    if kind in ("scorm12", "scorm2004"):
        launch = "scormRLO.htm" if kind == "scorm12" else "scorm2004RLO.htm"
        files[launch] = INDEX
        files["imsmanifest.xml"] = manifest(kind, manifest_title or "Phân số lớp 6")
    else:
        files["index.htm"] = INDEX
    if kind == "offline":
        files["offline/offline_template.js"] = "dataxmlstr = hereDoc(function(){/*!\n*/});"
    files.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(wrap + name, data)
    return path


@pytest.fixture
def xerte_package(app, demo, tmp_path):
    """Factory: build and import a synthetic export, return its material id."""

    def make(kind="web", **options):
        path = xerte_zip(tmp_path / f"xerte-{kind}.zip", kind, **options)
        return import_zip(app, path)

    return make
