"""The Xerte content type: recognise, inspect, import and play Xerte Online Toolkits exports.

The lesson is read from `template.xml`, never from the manifest (Xerte writes manifest titles
unescaped, so an `&` breaks it). A SCORM-wrapped export is stored and labelled as Xerte but
plays and is tracked through the SCORM plugin (its manifest parser, package rows, content
origin and runtime); a standalone export plays as a web lesson (see player.py).
"""
from __future__ import annotations

import re
from html import escape

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.content_types import ContentType, Inspection, Problem
from lms.extensions import db
from lms.models import Material, MaterialStatus, MaterialVersion, SchoolYear
from lms.storage import get_store
from plugins.scorm.content_type import build_package, problems_of, read_manifest
from plugins.scorm.manifest import Manifest, ManifestError, parse_manifest
from plugins.scorm.models import ScormFile

from .export import MANIFEST, Export, export_of, is_xerte, missing_media, stray_files, template_name
from .models import XerteFile, XerteLesson
from .template import TEMPLATE, Lesson, TemplateError, parse_template

#: a bare `&` (not starting an entity), as Xerte leaves it in manifest titles
_BARE_AMPERSAND = re.compile(rb"&(?!#?[A-Za-z0-9]+;)")


class XerteContentType(ContentType):
    id = "xerte"
    name = _l("Xerte")
    counts_toward_target = True
    extensions = (".zip",)
    #: asked before SCORM: a SCORM-wrapped Xerte export also has an imsmanifest.xml
    priority = 10

    def detect(self, archive) -> bool:
        return is_xerte(archive)

    # Inspection ------------------------------------------------------------------------------
    def inspect(self, archive) -> Inspection:
        inspection = Inspection(content_type=self.id)
        try:
            lesson = read_lesson(archive)
        except TemplateError as error:
            inspection.problems.append(Problem(error.message, file=TEMPLATE, line=error.line))
            return inspection
        export = export_of(archive)
        inspection.title = lesson.title
        inspection.version = export.label
        inspection.launch_points = [export.launch_file] if export.launch_file else []
        if export.is_scorm:
            manifest = scorm_manifest(archive, lesson, export, inspection.problems)
            inspection.problems.extend(problems_of(manifest, archive))
        elif export.launch_file is None:
            inspection.problems.append(Problem(
                _("Không có trang khởi chạy (index.htm) nên bài không mở được. Hãy xuất lại "
                  "bài từ Xerte."), file=None))
        if not lesson.pages:
            inspection.problems.append(Problem(_("Bài Xerte không có trang nào."), file=TEMPLATE))
        missing = missing_media(archive, lesson.media)
        strays = stray_files(archive)
        inspection.problems.extend(
            Problem(_("template.xml dùng tệp “%(file)s” nhưng tệp này không có trong gói: trang "
                      "dùng nó sẽ thiếu hình, âm thanh hoặc video.", file=path), fatal=False,
                    file=TEMPLATE) for path in missing)
        inspection.problems.extend(
            Problem(_("Tệp “%(file)s” không thuộc bài Xerte (bản sao lưu, tệp khoá hay tài liệu "
                      "để lẫn); nên xoá khỏi gói.", file=path), fatal=False) for path in strays)
        inspection.details = {
            "export_kind": export.kind,
            "language": lesson.language,
            "pages": [page.to_json() for page in lesson.pages],
            "missing_media": missing,
            "stray_files": strays,
            "files": len(archive.names()),
            "report_sections": report_sections(export, lesson, missing, strays),
        }
        return inspection

    # Import ----------------------------------------------------------------------------------
    def import_package(self, archive, *, department, author, inspection: Inspection):
        lesson = read_lesson(archive)
        export = export_of(archive)
        manifest = scorm_manifest(archive, lesson, export, []) if export.is_scorm else None
        blobs = archive.store_files(get_store())
        material = Material(
            title=(lesson.title or archive.source_name or _("Bài Xerte"))[:300],
            content_type=self.id, department=department, author=author,
            school_year=SchoolYear.current(), status=MaterialStatus.DRAFT.value)
        version = MaterialVersion(
            material=material, number=1, content_type=self.id,
            source_filename=archive.source_name, created_by=author,
            inspection=inspection_json(inspection), extracted_text=lesson.text)
        row = XerteLesson(version=version, export_kind=export.kind,
                          launch_file=export.launch_file, language=lesson.language,
                          page_count=len(lesson.pages),
                          pages=[page.to_json() for page in lesson.pages])
        db.session.add_all([material, version, row])
        if manifest is not None:
            # played and tracked by the SCORM plugin, which serves files from its own table
            package = build_package(manifest, archive)
            package.version = version
            package.files = [ScormFile(path=name, digest=blob.digest, size=blob.size)
                             for name, blob in blobs.items()]
            db.session.add(package)
        else:
            row.files = [XerteFile(path=name, digest=blob.digest, size=blob.size)
                         for name, blob in blobs.items()]
        db.session.flush()  # live_version stays empty: only an approval sets it
        return material

    # Playing ---------------------------------------------------------------------------------
    def launch(self, material, user, version=None):
        """The player; with `version`, that version (a preview) instead of the live one."""
        lesson = lesson_for(material, version)
        extra = {"version": version.id} if version is not None else {}
        if lesson is not None and lesson.export_kind in ("scorm2004", "scorm12"):
            return redirect(url_for("scorm.play", material_id=material.id, **extra))
        return redirect(url_for("xerte.play", material_id=material.id, **extra))

    def record(self, attempt, payload: dict) -> None:
        lesson = db.session.scalar(
            select(XerteLesson).where(XerteLesson.version_id == attempt.version_id))
        if lesson is not None and lesson.export_kind in ("scorm2004", "scorm12"):
            from plugins.scorm.runtime import apply_commit_payload

            apply_commit_payload(attempt, payload)
            return
        from .runtime import record_progress

        record_progress(attempt, lesson, payload)

    def extract_text(self, material) -> str:
        version = material.live_version or material.latest_version
        return version.extracted_text if version else ""


def read_lesson(archive) -> Lesson:
    name = template_name(archive)
    if name is None:
        raise TemplateError(_("Gói không có tệp template.xml."))
    return parse_template(archive.read(name))


def lesson_for(material, version=None) -> XerteLesson | None:
    """The Xerte lesson of `version`, or of the material's live (or latest) version."""
    version = version or material.live_version or material.latest_version
    if version is None:
        return None
    return db.session.scalar(select(XerteLesson).where(XerteLesson.version_id == version.id))


def scorm_manifest(archive, lesson: Lesson, export: Export, problems: list) -> Manifest:
    """The manifest of a SCORM-wrapped export, for the SCORM runtime.

    Xerte writes the lesson title into the manifest unescaped; when that breaks the XML, the
    bare `&` are escaped and, failing that, the one-SCO manifest Xerte means is rebuilt from
    `template.xml`. Either way the teacher is told (as a warning: the lesson itself is fine).
    """
    try:
        return read_manifest(archive)
    except ManifestError as error:
        first_error = error
    data = archive.read(archive.resolve(MANIFEST))
    try:
        manifest = parse_manifest(_BARE_AMPERSAND.sub(b"&amp;", data), filename=MANIFEST)
    except ManifestError:
        manifest = parse_manifest(_one_sco_manifest(lesson, export), filename=MANIFEST)
    problems.append(Problem(
        _("imsmanifest.xml có lỗi (%(reason)s); bài vẫn đọc được từ template.xml.",
          reason=first_error.reason), fatal=False, file=MANIFEST, line=first_error.line))
    return manifest


def _one_sco_manifest(lesson: Lesson, export: Export) -> bytes:
    title = escape(lesson.title or "Xerte")
    href = escape(export.launch_file or "")
    if export.kind == "scorm12":
        ns = ('xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
              'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"')
        schema, sco = "1.2", 'adlcp:scormtype="sco"'
    else:
        ns = ('xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
              'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"')
        schema, sco = "2004 3rd Edition", 'adlcp:scormType="sco"'
    return (f'<?xml version="1.0" encoding="UTF-8"?><manifest identifier="XERTE" {ns}>'
            f"<metadata><schema>ADL SCORM</schema><schemaversion>{schema}</schemaversion>"
            f'</metadata><organizations default="ORG"><organization identifier="ORG">'
            f'<title>{title}</title><item identifier="ITEM" identifierref="RES">'
            f"<title>{title}</title></item></organization></organizations><resources>"
            f'<resource identifier="RES" type="webcontent" {sco} href="{href}">'
            f'<file href="{href}"/></resource></resources></manifest>').encode()


def report_sections(export: Export, lesson: Lesson, missing: list[str],
                    strays: list[str]) -> list[dict]:
    """What the upload report lists beside the usual fields (see materials/_inspection.html)."""
    pages = []
    for number, page in enumerate(lesson.pages, 1):
        where = f"{page.chapter} › " if page.chapter else ""
        pages.append(f"{number}. {where}{page.title or _('(không tên)')} ({page.type})")
    sections = [
        {"title": _("Kiểu xuất bản"), "items": [export.label]},
        {"title": _("Ngôn ngữ"), "items": [lesson.language or _("không rõ")]},
        {"title": _("Các trang (%(n)s)", n=len(lesson.pages)), "items": pages},
    ]
    if missing:
        sections.append({"title": _("Tệp media bị thiếu (%(n)s)", n=len(missing)),
                         "items": missing})
    if strays:
        sections.append({"title": _("Tệp thừa (%(n)s)", n=len(strays)), "items": strays})
    return sections


def inspection_json(inspection: Inspection) -> dict:
    return {
        "version": inspection.version, "title": inspection.title,
        "launch_points": inspection.launch_points,
        "problems": [{"message": p.message, "fatal": p.fatal, "file": p.file, "line": p.line}
                     for p in inspection.problems],
        **inspection.details,
    }
