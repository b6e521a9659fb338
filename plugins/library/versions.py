"""Versions of a material: restoring an earlier one as a new draft version.

A restore copies the old version's row and every row a content type keeps for it (found through
the foreign keys to ``material_version``, with the rows they own); files are shared by digest, so
nothing is copied in the content store. The new version then goes through approval like any
upload; the live version stays until it is approved.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from lms import signals
from lms.extensions import db
from lms.models import Material, MaterialStatus, MaterialVersion, audit

from . import approval

#: tables that point at a version without being part of its package
NOT_PACKAGE_TABLES = frozenset({"material", "material_version", "learning_attempt",
                                "library_approval_step"})


def _copy(row, **overrides):
    """A new row with `row`'s column values (not its primary key) and copies of the rows it
    owns (one-to-many relationships with delete-orphan cascade)."""
    mapper = sa_inspect(type(row))
    primary = {column.key for column in mapper.primary_key}
    values = {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs
              if attr.key not in primary and attr.key not in overrides}
    copy = type(row)(**values, **overrides)
    for rel in mapper.relationships:
        if rel.direction.name == "ONETOMANY" and "delete-orphan" in rel.cascade:
            setattr(copy, rel.key, [_copy(child) for child in getattr(row, rel.key)])
    return copy


def _package_rows(version: MaterialVersion) -> list:
    """Rows of content-type tables that reference `version` directly."""
    rows = []
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if table is None or table.name in NOT_PACKAGE_TABLES or table.name.startswith("library_"):
            continue
        for column in table.columns:
            if any(fk.column.table.name == "material_version" for fk in column.foreign_keys):
                attr = mapper.get_property_by_column(column).key
                cls = mapper.class_
                rows.extend(db.session.scalars(
                    select(cls).where(getattr(cls, attr) == version.id)))
    return rows


def _version_key(mapper_row) -> str:
    mapper = sa_inspect(type(mapper_row))
    for column in mapper.local_table.columns:
        if any(fk.column.table.name == "material_version" for fk in column.foreign_keys):
            return mapper.get_property_by_column(column).key
    raise LookupError(type(mapper_row).__name__)


def restore_version(material: Material, old: MaterialVersion, actor) -> MaterialVersion:
    """Make a new draft version of `material` with the content of `old`, and commit."""
    if old.material_id != material.id:
        raise ValueError("the version belongs to another material")
    number = max(v.number for v in material.versions) + 1
    version = MaterialVersion(
        material=material, number=number, content_type=old.content_type,
        source_filename=old.source_filename, source_digest=old.source_digest,
        inspection=dict(old.inspection or {}), extracted_text=old.extracted_text,
        created_by_id=actor.id, status=MaterialStatus.DRAFT.value,
        change_note=_("Khôi phục từ phiên bản %(number)s", number=old.number))
    db.session.add(version)
    db.session.flush()
    for row in _package_rows(old):
        key = _version_key(row)
        copy = _copy(row, **{key: version.id})
        db.session.add(copy)
    material.status = version.status
    approval.record_step(material, version, "restore", actor, version.change_note)
    audit("material.version_restored", actor=actor, target=material, restored=old.number,
          number=version.number)
    db.session.commit()
    signals.material_updated.send(current_app._get_current_object(), material=material,
                                  actor=actor)
    return version
