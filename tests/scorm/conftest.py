"""Fixtures for the SCORM plugin's player, runtime, content-origin and report tests: synthetic
packages built with zipfile, imported through the real importer, and helpers to launch them."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db

SCO_PAGE = """<!doctype html><html><head><title>{title}</title>
<script>var secret = "không-phải-chữ-hiển-thị";</script><style>p{{color:red}}</style></head>
<body><h1>{title}</h1><p>Nội dung bài {title}</p></body></html>"""


def scorm_zip(path: Path, version: str = "1.2", scos: tuple[str, ...] = ("Bài 1",), *,
              control: str = "", missing: tuple[str, ...] = (), wrap: str = "") -> Path:
    """A SCORM package with one SCO per title (sco1.html, sco2.html, ...)."""
    if version == "1.2":
        ns = ('xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
              'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"')
        schemaversion, type_attr = "1.2", 'adlcp:scormtype="sco"'
    else:
        ns = ('xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
              'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" '
              'xmlns:imsss="http://www.imsglobal.org/xsd/imsss"')
        schemaversion, type_attr = "2004 4th Edition", 'adlcp:scormType="sco"'
    items = "".join(
        f'<item identifier="item{n}" identifierref="res{n}"><title>{title}</title></item>'
        for n, title in enumerate(scos, 1))
    resources = "".join(
        f'<resource identifier="res{n}" type="webcontent" {type_attr} href="sco{n}.html">'
        f'<file href="sco{n}.html"/></resource>' for n in range(1, len(scos) + 1))
    sequencing = (f"<imsss:sequencing><imsss:controlMode {control}/></imsss:sequencing>"
                  if control else "")
    manifest = (f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest identifier="pkg" {ns}>'
                f"<metadata><schema>ADL SCORM</schema><schemaversion>{schemaversion}"
                f'</schemaversion></metadata><organizations default="org1">'
                f'<organization identifier="org1"><title>Khoá học thử {version}</title>{items}'
                f"{sequencing}</organization></organizations><resources>{resources}"
                f"</resources></manifest>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(wrap + "imsmanifest.xml", manifest)
        for n, title in enumerate(scos, 1):
            if f"sco{n}.html" not in missing:
                archive.writestr(f"{wrap}sco{n}.html", SCO_PAGE.format(title=title))
        archive.writestr(wrap + "media/clip.mp4", bytes(range(256)) * 40)
    return path


def import_zip(app, path: Path, *, author: str = "gv.toan", approve: bool = True):
    """Import through the real importer; returns the material id."""
    from lms.models import Material, User
    from lms.packages.importer import import_package_file

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == author))
        material = import_package_file(path, filename=path.name, department=user.department,
                                       author=user)
        if approve:  # what the library's approval does, without its steps
            material = db.session.get(Material, material.id)
            version = material.latest_version
            material.status = version.status = "approved"
            material.approved_at = version.approved_at = material.created_at
            material.live_version = version
            db.session.commit()
        return material.id


def player_config(client, material_id: int) -> dict:
    response = client.get(f"/scorm/play/{material_id}")
    assert response.status_code == 200, response.status_code
    found = re.search(r'<script type="application/json" id="scorm-config">(.*?)</script>',
                      response.get_data(as_text=True), re.DOTALL)
    return json.loads(found.group(1))


@pytest.fixture
def scorm_package(app, demo, tmp_path):
    """Factory: build and import a package, return its material id."""

    def make(version="1.2", scos=("Bài 1",), **options):
        path = scorm_zip(tmp_path / f"pkg-{version}-{len(scos)}.zip", version, scos, **options)
        return import_zip(app, path)

    return make
