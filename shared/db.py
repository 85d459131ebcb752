"""Create a SQLAlchemy engine from a database URL: SQLite by default, PostgreSQL when the URL says so.

SQLite gets WAL mode and a busy timeout so two processes (or a service and the CLI) can share one
file; PostgreSQL URLs given as ``postgres://`` or ``postgresql://`` use psycopg2.
"""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

from sqlalchemy import DateTime, event
from sqlalchemy.types import TypeDecorator
from sqlmodel import create_engine as _create_engine

from shared.settings import ConfigError


def create_engine(url: str):
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql"):
        return _create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    raise ConfigError(f"database URL {url.split('://')[0]!r}: only sqlite and postgresql are supported")


def _sqlite_engine(url: str):
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = _create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        # WAL lets readers run beside the one writer; the busy timeout makes writers queue instead of failing.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # An immediate transaction takes the write lock up front, so two writers never deadlock
        # upgrading a read lock; this is what makes check-then-insert safe across processes.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_postgres(engine) -> bool:
    return engine.dialect.name == "postgresql"


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite as on PostgreSQL.

    SQLite keeps no zone, so values are converted to UTC before they are written (which also keeps
    its text comparisons in time order) and marked UTC when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value
