"""Turning an uploaded package file into a draft material, whatever its content type.

All or nothing: the content type adds its rows to the session without committing; the importer
commits, or rolls back and deletes the blobs this import added that nothing else references.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from .. import signals
from ..content_types import ContentType, Inspection, Problem
from ..extensions import db
from ..models import audit
from ..plugins import registry
from ..storage import get_store, referenced_digests
from .archive import ArchiveLimits, SafeArchive
from .errors import PackageError
from .single_file import SingleFileArchive


def archive_limits() -> ArchiveLimits:
    """The app's limits (config ``LMS_ARCHIVE_LIMITS``, a dict of `ArchiveLimits` fields)."""
    return ArchiveLimits.from_mapping(current_app.config.get("LMS_ARCHIVE_LIMITS"))


def supported_types() -> list[ContentType]:
    return list(registry().content_types)


def detect_content_type(archive: SafeArchive) -> ContentType:
    content_type = (getattr(archive, "detected_type", None)
                    or registry().content_types.detect(archive))
    if content_type is None:
        names = ", ".join(str(t.name) for t in supported_types()) or _("chưa bật định dạng nào")
        raise PackageError(
            _("Không nhận ra định dạng gói “%(name)s”. Các định dạng được hỗ trợ: %(types)s.",
              name=archive.source_name, types=names), "unknown_type", archive.source_name)
    return content_type


def describe_problem(problem: Problem) -> str:
    """One line naming where a problem is: ``imsmanifest.xml, dòng 12: ...``."""
    where = problem.file or ""
    if problem.file and problem.line:
        where = _("%(file)s, dòng %(line)s", file=problem.file, line=problem.line)
    return f"{where}: {problem.message}" if where else problem.message


def inspect_package_file(path: str | Path, *, filename: str,
                         limits: ArchiveLimits | None = None) -> tuple[ContentType, Inspection]:
    """Open, validate and inspect a package without importing it (for the upload report)."""
    with open_package(path, filename, limits) as archive:
        content_type = detect_content_type(archive)
        return content_type, content_type.inspect(archive)


def open_package(path: str | Path, filename: str, limits: ArchiveLimits | None = None):
    """A validated zip (`SafeArchive`) or, for a file that is not a zip but that a content type
    takes as it is (`ContentType.detect_file`, e.g. an MP4), a `SingleFileArchive`."""
    try:
        return SafeArchive.open(path, limits or archive_limits(), source_name=filename)
    except PackageError as error:
        if error.code != "not_zip":
            raise
        content_type = registry().content_types.detect_file(Path(path), filename)
        if content_type is None:
            raise
        return SingleFileArchive(path, filename, content_type)


def import_package_file(path: str | Path, *, filename: str, department, author, actor=None,
                        limits: ArchiveLimits | None = None,
                        progress: Callable[[int, int], None] | None = None,
                        material=None, change_note: str = ""):
    """Import the package at `path` as a draft material of `department` by `author`.

    `actor` (default: the author) is who did it, for the audit log and signals. With `material`,
    the package becomes a new draft version of that material instead (see `import_archive`).
    Raises `PackageError`; on any failure nothing is left in the database or the content store.
    """
    with open_package(path, filename, limits) as archive:
        archive.progress = progress
        return import_archive(archive, filename=filename, department=department, author=author,
                              actor=actor, material=material, change_note=change_note)


def import_archive(archive, *, filename: str, department, author, actor=None, material=None,
                   change_note: str = ""):
    """Import an opened archive (a `SafeArchive` or another archive a content type reads).

    With `material`, the content type imports as usual and its new version is then moved onto
    `material` as the next version number (the content type's own rows follow the version);
    the material's live version is left alone until the new version is approved.
    """
    actor = actor or author
    content_type = detect_content_type(archive)
    if material is not None and content_type.id != material.content_type:
        raise PackageError(
            _("Phiên bản mới phải cùng định dạng với học liệu (%(type)s).",
              type=material.content_type), "type_changed", filename)
    inspection = content_type.inspect(archive)
    fatal = [describe_problem(p) for p in inspection.problems if p.fatal]
    if fatal:
        raise PackageError(_("Gói “%(name)s” có lỗi nên không nhập được:", name=filename),
                           "inspection_failed", filename, details=fatal)
    try:
        created = content_type.import_package(archive, department=department, author=author,
                                              inspection=inspection)
        db.session.flush()
        if material is None:
            if not created.keywords and inspection.keywords:
                created.keywords = ", ".join(inspection.keywords)
            audit("material.imported", actor=actor, target=created, filename=filename,
                  content_type=content_type.id, version=inspection.version,
                  department=department.code, author=author.username)
        else:
            version = _adopt_version(created, material, change_note)
            content_type.version_added(material, version)
            audit("material.version_added", actor=actor, target=material, filename=filename,
                  number=version.number, change_note=change_note)
        db.session.commit()
    except BaseException as exc:
        db.session.rollback()
        _discard_new_blobs(archive.new_digests)
        if isinstance(exc, PackageError) or not isinstance(exc, Exception):
            raise
        current_app.logger.exception("import of %s failed", filename)
        message = getattr(exc, "message", None) or _(
            "Không nhập được gói do lỗi hệ thống; Tổ CNTT đã được ghi nhận.")
        raise PackageError(str(message), "import_failed", getattr(exc, "file", None)) from exc
    app = current_app._get_current_object()
    if material is None:
        signals.material_created.send(app, material=created, actor=actor)
        return created
    signals.material_updated.send(app, material=material, actor=actor)
    return material


def _adopt_version(created, material, change_note: str):
    """Move the version a content type just created onto `material`; drop the stand-in."""
    version = created.versions[-1]
    number = max((v.number for v in material.versions), default=0) + 1
    created.live_version = None
    version.material = material
    version.number = number
    version.change_note = change_note
    material.status = version.status  # a material's status follows its newest version
    db.session.flush()
    db.session.delete(created)
    db.session.flush()
    return version


def _discard_new_blobs(digests: set[str]) -> None:
    """Delete what this import added to the store, unless something references it meanwhile."""
    if not digests:
        return
    try:
        keep = referenced_digests()
    except Exception:  # the database may be what failed; the digests were new a moment ago
        current_app.logger.exception("could not list referenced blobs; removing new ones")
        db.session.rollback()
        keep = set()
    store = get_store()
    for digest in digests - keep:
        store.delete(digest)
