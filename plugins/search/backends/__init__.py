"""Search engines behind one interface; the ``backend`` setting picks one."""
from __future__ import annotations

from .base import IndexUnavailable, SearchBackend

BACKENDS = ("whoosh", "tantivy", "postgresql")


def make_backend(name: str, directory) -> SearchBackend:
    """The backend called `name`, keeping its files under `directory` (LMS_DATA_DIR/search)."""
    if name == "whoosh":
        from .whoosh_backend import WhooshBackend

        return WhooshBackend(directory)
    if name == "tantivy":
        from .tantivy_backend import TantivyBackend

        return TantivyBackend(directory)
    if name == "postgresql":
        from .postgres_backend import PostgresBackend

        return PostgresBackend(directory)
    raise ValueError(f"unknown search backend {name!r} (known: {', '.join(BACKENDS)})")


__all__ = ["BACKENDS", "IndexUnavailable", "SearchBackend", "make_backend"]
