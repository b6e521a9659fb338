"""The SCORM content type: recognise, inspect, import and play SCORM zips."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from lxml import etree
from lxml import html as lxml_html
from sqlalchemy import select

from lms.content_types import ContentType, Inspection, Problem
from lms.extensions import db
from lms.models import Material, MaterialStatus, MaterialVersion, SchoolYear
from lms.storage import get_store

from .manifest import (
    SCORM_12,
    SCORM_2004_2ND,
    SCORM_2004_3RD,
    SCORM_2004_4TH,
    Manifest,
    ManifestError,
    parse_manifest,
)
from .models import ScormFile, ScormPackage, ScormSco

MANIFEST = "imsmanifest.xml"
KNOWN_VERSIONS = (SCORM_12, SCORM_2004_2ND, SCORM_2004_3RD, SCORM_2004_4TH)
#: search needs the words of a lesson, not its every byte
MAX_EXTRACTED_TEXT = 100_000
MAX_HTML_PAGE = 2 * 2**20
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


class ScormContentType(ContentType):
    id = "scorm"
    name = _l("Gói SCORM")
    counts_toward_target = True
    extensions = (".zip",)

    def detect(self, archive) -> bool:
        return archive.exists(MANIFEST)

    # Inspection ------------------------------------------------------------------------------
    def inspect(self, archive) -> Inspection:
        inspection = Inspection(content_type=self.id)
        try:
            manifest = read_manifest(archive)
        except ManifestError as error:
            inspection.problems.append(Problem(error.reason, file=error.file, line=error.line))
            return inspection
        inspection.title = manifest.title
        inspection.version = manifest.version
        inspection.description = manifest.description
        inspection.keywords = list(manifest.keywords)
        inspection.problems.extend(problems_of(manifest, archive))
        items = manifest.launchable_items()
        inspection.launch_points = [item.launch_href for item in items]
        inspection.details = {
            "scorm_version": manifest.scorm_version,
            "scos": [{"identifier": item.identifier, "title": item.title,
                      "href": item.launch_href,
                      "type": item.resource.scorm_type if item.resource else "asset"}
                     for item in items],
            "organizations": len(manifest.organizations),
            "files": len(archive.names()),
        }
        return inspection

    # Import ----------------------------------------------------------------------------------
    def import_package(self, archive, *, department, author, inspection: Inspection):
        manifest = read_manifest(archive)
        blobs = archive.store_files(get_store())
        year = SchoolYear.current()
        material = Material(
            title=(manifest.title or archive.source_name or _("Gói SCORM"))[:300],
            description=manifest.description, content_type=self.id, department=department,
            author=author, school_year=year, status=MaterialStatus.DRAFT.value)
        version = MaterialVersion(
            material=material, number=1, content_type=self.id,
            source_filename=archive.source_name, created_by=author,
            inspection=inspection_json(inspection),
            extracted_text=package_text(manifest, archive))
        db.session.add_all([material, version])
        package = build_package(manifest, archive)
        package.version = version
        package.files = [ScormFile(path=name, digest=blob.digest, size=blob.size)
                         for name, blob in blobs.items()]
        db.session.add(package)
        db.session.flush()  # live_version stays empty: only an approval sets it
        return material

    # Playing ---------------------------------------------------------------------------------
    def launch(self, material, user, version=None):
        """The player; with `version`, that version (a preview) instead of the live one."""
        from flask import redirect, url_for

        extra = {"version": version.id} if version is not None else {}
        return redirect(url_for("scorm.play", material_id=material.id, **extra))

    def attempt_detail_url(self, attempt) -> str | None:
        """The report's drill-down: SCO states and interactions of the attempt."""
        from flask import url_for

        return url_for("scorm_report.attempt_detail", material_id=attempt.material_id,
                       attempt_id=attempt.id)

    def record(self, attempt, payload: dict) -> None:
        from .runtime import apply_commit_payload

        apply_commit_payload(attempt, payload)

    def extract_text(self, material) -> str:
        version = material.live_version or material.latest_version
        return version.extracted_text if version else ""

    def version_added(self, material, version) -> None:
        from .attempt_settings import inherit_settings

        inherit_settings(material, version)


def read_manifest(archive) -> Manifest:
    def read_file(path: str) -> bytes | None:
        name = archive.resolve(path)
        return archive.read(name) if name else None

    return parse_manifest(archive.read(MANIFEST), read_file=read_file, filename=MANIFEST)


def problems_of(manifest: Manifest, archive) -> list[Problem]:
    """What stops the import (missing launch files, nothing to launch) and what merely warns."""
    problems = [Problem(note, fatal=False) for note in manifest.problems]
    if manifest.version not in KNOWN_VERSIONS:
        problems.append(Problem(_("Không xác định được phiên bản SCORM (“%(v)s”).",
                                  v=manifest.schemaversion or manifest.version), file=MANIFEST))
    if manifest.default_organization is None:
        problems.append(Problem(_("Manifest không có tổ chức (organization) mặc định hợp lệ."),
                                file=MANIFEST))
    items = manifest.launchable_items()
    if manifest.default_organization is not None and not items:
        problems.append(Problem(_("Gói không có bài học nào mở được (không mục nào trỏ tới "
                                  "tệp khởi chạy)."), file=MANIFEST))
    for item in items:
        launch_file = item.resource.launch_file if item.resource else None
        if launch_file and archive.resolve(launch_file) is None:
            problems.append(Problem(
                _("Mục “%(title)s” khởi chạy tệp “%(file)s” nhưng tệp này không có trong gói.",
                  title=item.title or item.identifier, file=launch_file),
                file=MANIFEST, line=item.line))
    return problems


def inspection_json(inspection: Inspection) -> dict:
    return {
        "version": inspection.version, "launch_points": inspection.launch_points,
        "problems": [{"message": p.message, "fatal": p.fatal, "file": p.file, "line": p.line}
                     for p in inspection.problems],
        **inspection.details,
    }


def build_package(manifest: Manifest, archive) -> ScormPackage:
    """The package row with its items flattened in document order (containers included)."""
    organization = manifest.default_organization
    package = ScormPackage(scorm_version=manifest.scorm_version, edition=manifest.version,
                           manifest=manifest.to_json(),
                           default_org=organization.identifier if organization else None)
    if organization is None:
        return package

    def add(item, parent, depth):
        package.scos.append(ScormSco(
            position=len(package.scos), identifier=item.identifier[:255],
            parent_identifier=parent, depth=depth, title=(item.title or "")[:500],
            launch_href=launch_path(item, archive), is_launchable=item.is_launchable,
            isvisible=item.isvisible,
            scorm_type=item.resource.scorm_type if item.resource else "asset",
            mastery_score=item.mastery_score, data_from_lms=item.data_from_lms,
            max_time_allowed=item.max_time_allowed, time_limit_action=item.time_limit_action,
            completion_threshold=item.completion_threshold,
            progress_weight=item.progress_weight,
            sequencing={"sequencing": item.sequencing, "objectives": item.objectives,
                        "data_maps": item.data_maps, "hide_lms_ui": item.hide_lms_ui,
                        "completed_by_measure": item.completed_by_measure,
                        "min_progress_measure": item.min_progress_measure}))
        for child in item.children:
            add(child, item.identifier[:255], depth + 1)

    for item in organization.items:
        add(item, None, 0)
    return package


def launch_path(item, archive) -> str | None:
    """The item's launch URL relative to the package root, spelled as the zip spells the file
    (packages made on Windows differ in case), with its query and fragment kept."""
    href = item.launch_href
    if not href:
        return None
    resolved = archive.resolve(href)
    if resolved is None:
        return href
    for separator in ("?", "#"):
        if separator in href:
            return resolved + separator + href.split(separator, 1)[1]
    return resolved


def package_text(manifest: Manifest, archive) -> str:
    """Item titles plus the visible text of the package's HTML pages, capped for search."""
    parts = [manifest.title, manifest.description, " ".join(manifest.keywords)]
    if manifest.default_organization is not None:
        parts.extend(item.title for item in manifest.default_organization.walk())
    size = sum(len(p) for p in parts)
    for name in sorted(archive.names()):
        if size >= MAX_EXTRACTED_TEXT:
            break
        if not name.lower().endswith(HTML_SUFFIXES) or archive.size(name) > MAX_HTML_PAGE:
            continue
        text = visible_text(archive.read(name, max_bytes=MAX_HTML_PAGE))
        if text:
            parts.append(text)
            size += len(text)
    return "\n".join(p for p in parts if p)[:MAX_EXTRACTED_TEXT]


def visible_text(data: bytes) -> str:
    """The words a learner sees on an HTML page (scripts, styles and templates dropped)."""
    try:
        # most exports are UTF-8 without saying so; lxml alone would guess Latin-1
        markup: bytes | str = data.decode("utf-8")
    except UnicodeDecodeError:
        markup = data
    try:
        document = lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError):  # an empty or unreadable page has no text
        return ""
    for element in document.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    return " ".join(" ".join(document.itertext()).split())


def package_for(material) -> ScormPackage | None:
    """The SCORM package of the material's live (or latest) version."""
    version = material.live_version or material.latest_version
    if version is None:
        return None
    return db.session.scalar(select(ScormPackage).where(ScormPackage.version_id == version.id))
