"""Count different complainants per project and category over a sliding window, durably and atomically.

The count rule of 002 §7: three or more different complainants with a complaint of the same
category about the same project within 30 days make the third and later ones important, and the
earlier ones of that cluster too. The store keeps one row per complaint (its id, a sha256 hash of
the normalized identity, project, category, time) in its own table, so counts survive restarts.
Recording and counting happen in one transaction under a lock (SQLite ``BEGIN IMMEDIATE``,
PostgreSQL ``pg_advisory_xact_lock`` on the project and category), so two classifier replicas see
the third complainant exactly once, and a redelivered complaint id returns its first result.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parseaddr

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

metadata = sa.MetaData()
events = sa.Table(
    "classifier_count_events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("complaint_id", sa.String(255), nullable=False, unique=True),
    sa.Column("identity_hash", sa.String(64), nullable=False),
    sa.Column("project", sa.String(255), nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Index("classifier_count_events_cluster", "project", "category", "at"),
)


@dataclass(frozen=True)
class CountResult:
    """How many different complainants the cluster has, and the ids of its other complaints."""

    distinct: int
    earlier_ids: tuple[str, ...]
    window_days: int


def identity_of(email: str | None, phone: str | None) -> str | None:
    """Return a complainant's normalized identity: the lower-case mail address, else the phone digits."""
    address = parseaddr(email or "")[1].strip().lower()
    if "@" in address:
        return f"mail:{address}"
    raw = (phone or "").strip()
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif raw.startswith("+86") or (digits.startswith("86") and len(digits) == 13):
        digits = digits[2:]
    return f"tel:{digits}" if len(digits) >= 5 else None


def hash_identity(identity: str) -> str:
    """Return the sha256 hex digest stored instead of the identity itself."""
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _lock_key(project: str, category: str) -> int:
    """Return a signed 64-bit advisory-lock key for a (project, category) cluster."""
    digest = hashlib.sha256(f"{project}\x1f{category}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _utc_naive(at: datetime) -> datetime:
    """Store times as naive UTC (a naive time is taken to be UTC already)."""
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at


def make_engine(url: str | None = None) -> sa.Engine:
    """Create an engine for a DB URL; empty or "sqlite://" gives one shared in-memory database."""
    if not url or url in ("sqlite://", "sqlite:///:memory:"):
        return sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    if url.startswith("sqlite"):
        return sa.create_engine(url, connect_args={"timeout": 30})
    return sa.create_engine(url, pool_pre_ping=True)


class CountStore:
    """The classifier's durable record of countable complaints."""

    def __init__(self, engine: sa.Engine, window_days: int = 30):
        self.engine = engine
        self.window_days = window_days
        metadata.create_all(engine, checkfirst=True)

    @contextmanager
    def _locked(self, project: str, category: str):
        """Open a transaction that holds the cluster's lock until it commits."""
        with self.engine.connect() as conn:
            dialect = conn.dialect.name
            if dialect == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif dialect == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(project, category)})
            try:
                yield conn
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

    def _insert_or_find(self, conn, complaint_id: str, values: dict) -> sa.Row:
        """Insert the complaint's row unless its id is already stored; return the stored row."""
        query = sa.select(events).where(events.c.complaint_id == complaint_id)
        row = conn.execute(query).first()
        if row is None:
            conn.execute(events.insert().values(complaint_id=complaint_id, **values))
            row = conn.execute(query).first()
        return row

    def _cluster(self, conn, row: sa.Row) -> list[sa.Row]:
        """Return the rows of row's cluster: same project and category, in the window, recorded no later."""
        since = row.at - timedelta(days=self.window_days)
        query = (
            sa.select(events.c.complaint_id, events.c.identity_hash)
            .where(events.c.project == row.project, events.c.category == row.category)
            .where(events.c.at >= since, events.c.at <= row.at, events.c.seq <= row.seq)
            .order_by(events.c.at, events.c.seq)
        )
        return list(conn.execute(query))

    def record(self, *, complaint_id: str, identity: str | None, project: str | None, category: str, kind: str, at: datetime) -> CountResult | None:
        """Record a complaint and return its cluster's count (None when it cannot count)."""
        if kind != "complaint" or not project or not identity or not complaint_id:
            return None
        values = {"identity_hash": hash_identity(identity), "project": project, "category": category, "at": _utc_naive(at)}
        for attempt in range(2):
            try:
                with self._locked(project, category) as conn:
                    row = self._insert_or_find(conn, complaint_id, values)
                    cluster = self._cluster(conn, row)
                break
            except IntegrityError:
                if attempt:
                    raise
        distinct = len({member.identity_hash for member in cluster})
        earlier = tuple(member.complaint_id for member in cluster if member.complaint_id != complaint_id)
        return CountResult(distinct, earlier, self.window_days)

    def forget_before(self, cutoff: datetime) -> int:
        """Delete rows older than cutoff (they can no longer count); return how many went."""
        with self.engine.begin() as conn:
            return conn.execute(events.delete().where(events.c.at < _utc_naive(cutoff))).rowcount
