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


def archive_limits() -> ArchiveLimits:
    """The app's limits (config ``LMS_ARCHIVE_LIMITS``, a dict of `ArchiveLimits` fields)."""
    return ArchiveLimits.from_mapping(current_app.config.get("LMS_ARCHIVE_LIMITS"))


def supported_types() -> list[ContentType]:
    return list(registry().content_types)


def detect_content_type(archive: SafeArchive) -> ContentType:
    content_type = registry().content_types.detect(archive)
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
    with SafeArchive.open(path, limits or archive_limits(), source_name=filename) as archive:
        content_type = detect_content_type(archive)
        return content_type, content_type.inspect(archive)


def import_package_file(path: str | Path, *, filename: str, department, author, actor=None,
                        limits: ArchiveLimits | None = None,
                        progress: Callable[[int, int], None] | None = None):
    """Import the package at `path` as a draft material of `department` by `author`.

    `actor` (default: the author) is who did it, for the audit log and signals. Raises
    `PackageError`; on any failure nothing is left in the database or the content store.
    """
    actor = actor or author
    with SafeArchive.open(path, limits or archive_limits(), source_name=filename) as archive:
        archive.progress = progress
        content_type = detect_content_type(archive)
        inspection = content_type.inspect(archive)
        fatal = [describe_problem(p) for p in inspection.problems if p.fatal]
        if fatal:
            raise PackageError(_("Gói “%(name)s” có lỗi nên không nhập được:", name=filename),
                               "inspection_failed", filename, details=fatal)
        try:
            material = content_type.import_package(archive, department=department, author=author,
                                                   inspection=inspection)
            db.session.flush()
            audit("material.imported", actor=actor, target=material, filename=filename,
                  content_type=content_type.id, version=inspection.version,
                  department=department.code, author=author.username)
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
    signals.material_created.send(current_app._get_current_object(), material=material,
                                  actor=actor)
    return material


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
