"""Connection settings that make SQLite fit for a school's server (the embedded default)."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

_configured: set[int] = set()


def tune_sqlite(engine: Engine) -> None:
    """WAL lets readers and one writer work at once (a class playing lessons while commits
    arrive); busy_timeout makes a second writer wait instead of failing at once; NORMAL sync is
    durable in WAL mode across application crashes; foreign keys are enforced as on PostgreSQL.
    """
    if engine.dialect.name != "sqlite" or id(engine) in _configured:
        return
    _configured.add(id(engine))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
