"""Writing outbox rows from SQLAlchemy session events, so no other plugin has to remember.

Any flush that adds, changes or deletes a Material, MaterialVersion or MaterialAuthor queues the
material in ``search_outbox`` through the flush's own connection: it commits or rolls back
together with the change.
"""
from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from lms.models import Material, MaterialAuthor, MaterialVersion

from .models import SearchOutbox

_PENDING_KEY = "search_outbox_pending"


def _enabled() -> bool:
    return has_app_context() and "search" in current_app.extensions["lms"].plugins


def _material_id(obj) -> int | None:
    if isinstance(obj, Material):
        return obj.id
    if isinstance(obj, MaterialVersion | MaterialAuthor):
        return obj.material_id or (obj.material.id if getattr(obj, "material", None) else None)
    return None


def _tracked(obj) -> bool:
    return isinstance(obj, Material | MaterialVersion | MaterialAuthor)


def _before_flush(session: Session, _context, _instances) -> None:
    if not _enabled():
        return
    pending = session.info.setdefault(_PENDING_KEY, [])
    for obj in session.new:
        if _tracked(obj):
            pending.append(obj)  # ids are known only after the flush
    for obj in session.dirty:
        if _tracked(obj) and session.is_modified(obj, include_collections=False):
            pending.append(obj)
    for obj in session.deleted:
        if _tracked(obj):
            material_id = _material_id(obj)
            if material_id:
                pending.append(material_id)


def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING_KEY, None)
    if not pending or not _enabled():
        return
    ids = sorted({item if isinstance(item, int) else _material_id(item) for item in pending}
                 - {None})
    if ids:
        session.connection().execute(insert(SearchOutbox.__table__),
                                     [{"material_id": i} for i in ids])


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def listen() -> None:
    """Connect the listeners once per process (they check per app whether search is on)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))


def queue(material_ids) -> int:
    """Queue materials explicitly (search-verify's differences). The caller commits."""
    from lms.extensions import db

    rows = [{"material_id": int(i)} for i in sorted(set(material_ids))]
    if rows:
        db.session.execute(insert(SearchOutbox.__table__), rows)
    return len(rows)
