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
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

COUNT_THRESHOLD = 3  # Different complainants in one cluster that make a complaint important (002 §7).
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
    sa.Column("distinct_count", sa.Integer, nullable=False),
    # One index serves every query: each selects a cluster's 30-day window. (An index on distinct_count
    # for the rows still to raise cost more on every insert than it saved on the rare third complaint.)
    sa.Index("classifier_count_events_cluster", "project", "category", "at", "identity_hash"),
)


@dataclass(frozen=True)
class CountResult:
    """How many different complainants the cluster has, and the earlier complaints to raise.

    earlier_ids lists, when this complaint is the one that brings the cluster to the threshold, the
    earlier complaints of the window that were recorded while it was below it (so are not raised
    yet), oldest first; it is empty otherwise (later ones find the earlier ones raised already).
    """

    distinct: int
    earlier_ids: tuple[str, ...]
    window_days: int


# Plain SQL, portable between SQLite and PostgreSQL, run on the driver connection (the hot path).
_CLUSTER = "FROM classifier_count_events WHERE project = :project AND category = :category AND at >= :since AND at <= :at"
_SQL = {
    "find": "SELECT seq, project, category, at FROM classifier_count_events WHERE complaint_id = :cid",
    "recount": f"SELECT COUNT(DISTINCT identity_hash) {_CLUSTER} AND seq <= :seq",
    "to_raise": f"SELECT complaint_id {_CLUSTER} AND seq < :seq AND distinct_count < :threshold ORDER BY at, seq",
    "insert": "INSERT INTO classifier_count_events (complaint_id, identity_hash, project, category, at, distinct_count) "
    f"SELECT :cid, :me, :project, :category, :at, 1 + (SELECT COUNT(DISTINCT identity_hash) {_CLUSTER} AND identity_hash <> :me) "
    "WHERE 1 = 1 ON CONFLICT (complaint_id) DO NOTHING RETURNING seq, distinct_count",
    "lock": "SELECT pg_advisory_xact_lock(:key)",
}


_ADDRESS = re.compile(r"([^\s<>\"',;:()]+@[^\s<>\"',;:()]+)")


def identity_of(email: str | None, phone: str | None) -> str | None:
    """Return a complainant's normalized identity: the lower-case mail address, else the phone digits."""
    found = _ADDRESS.search(email or "")
    if found:
        return f"mail:{found.group(1).lower()}"
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


def _wal(dbapi_connection, _record) -> None:
    """Put a SQLite file in write-ahead-log mode: readers never wait, and replicas still take turns writing."""
    dbapi_connection.execute("PRAGMA journal_mode=WAL")


def make_engine(url: str | None = None) -> sa.Engine:
    """Create an engine for a DB URL; empty or "sqlite://" gives one shared in-memory database."""
    if not url or url in ("sqlite://", "sqlite:///:memory:"):
        return sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}, pool_reset_on_return=None)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30}, pool_reset_on_return=None)
        sa.event.listen(engine, "connect", _wal)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class _Driver:
    """The store's statements in the driver's parameter style, and how the driver takes and gives times."""

    def __init__(self, dialect) -> None:
        self.name = dialect.name
        pyformat = dialect.paramstyle in ("pyformat", "format")
        sql = dict(_SQL)
        if self.name == "postgresql":
            # The insert selects its parameters as values; PostgreSQL drivers that bind on the server need their types.
            typed = "SELECT CAST(:cid AS VARCHAR), CAST(:me AS VARCHAR), CAST(:project AS VARCHAR), CAST(:category AS VARCHAR), CAST(:at AS TIMESTAMP),"
            sql["insert"] = sql["insert"].replace("SELECT :cid, :me, :project, :category, :at,", typed)
        self.sql = {key: re.sub(r"(?<!:):(\w+)", r"%(\1)s", text) if pyformat else text for key, text in sql.items()}
        self.integrity_error = dialect.dbapi.IntegrityError

    def time_in(self, at: datetime):
        """Return a naive UTC time as the driver stores it (SQLite: SQLAlchemy's text format)."""
        return at.isoformat(" ", "microseconds") if self.name == "sqlite" else at

    def time_out(self, value) -> datetime:
        """Return a stored time as a naive UTC datetime."""
        return datetime.fromisoformat(value) if isinstance(value, str) else value


class _Batch:
    """An open SQLite transaction shared by the records of a batch, committed every size records."""

    def __init__(self, raw, cursor, size: int) -> None:
        self.raw, self.cursor, self.size, self.left = raw, cursor, size, size

    def count(self) -> None:
        """Count one record; commit and begin the next transaction when the batch is full."""
        self.left -= 1
        if self.left <= 0:
            self.raw.commit()
            self.cursor.execute("BEGIN IMMEDIATE")
            self.left = self.size


class CountStore:
    """The classifier's durable record of countable complaints."""

    def __init__(self, engine: sa.Engine, window_days: int = 30, threshold: int = COUNT_THRESHOLD):
        self.engine = engine
        self.window_days = window_days
        self.threshold = threshold
        self._driver = _Driver(engine.dialect)
        self._local = threading.local()
        metadata.create_all(engine, checkfirst=True)

    @contextmanager
    def batch(self, size: int = 1000):
        """Record many complaints of this thread in shared SQLite transactions of up to size records.

        For a bulk run (``complaintdesk classify``) the per-complaint transaction is most of the
        store's cost. SQLite's lock covers the whole database, so one open transaction is as safe as
        many short ones: other writers wait, and nothing can deadlock. On PostgreSQL the locks are per
        cluster and holding several at once could deadlock two replicas, so there each complaint keeps
        its own transaction. An error rolls back the batch's open transaction and ends the batch.
        """
        if self._driver.name != "sqlite":
            yield self
            return
        raw = self._connection()
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        self._local.batch = _Batch(raw, cursor, size)
        try:
            yield self
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        finally:
            self._local.batch = None

    def _connection(self):
        """Return a driver connection: SQLite keeps one per thread (no pool round trip), others use the pool."""
        if self._driver.name != "sqlite":
            return self.engine.raw_connection()
        raw = getattr(self._local, "raw", None)
        if raw is None:
            raw = self.engine.raw_connection()
            if not isinstance(self.engine.pool, StaticPool):
                raw.detach()  # The thread keeps this connection; it no longer takes a slot of the pool.
            self._local.raw = raw
        return raw

    @contextmanager
    def _locked(self, project: str, category: str):
        """Open a driver transaction that holds the cluster's lock until it commits; yield a cursor."""
        batch = getattr(self._local, "batch", None)
        if batch is not None:
            yield batch.cursor
            batch.count()
            return
        raw = self._connection()
        try:
            cursor = raw.cursor()
            if self._driver.name == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")
            elif self._driver.name == "postgresql":
                cursor.execute(self._driver.sql["lock"], {"key": _lock_key(project, category)})
            yield cursor
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        finally:
            if self._driver.name != "sqlite":
                raw.close()

    def _one(self, cursor, name: str, params: dict):
        """Run one statement and return its first row (or None)."""
        cursor.execute(self._driver.sql[name], params)
        return cursor.fetchone()

    def _params(self, project: str, category: str, at: datetime, **more) -> dict:
        """Return the bind parameters that select a cluster: project, category and the window up to at."""
        since = at - timedelta(days=self.window_days)
        return {"project": project, "category": category, "since": self._driver.time_in(since), "at": self._driver.time_in(at), **more}

    def _record(self, cursor, complaint_id: str, values: dict) -> CountResult:
        """Record one complaint (counting its cluster in the same statement) or, when redelivered, count again as then."""
        params = self._params(values["project"], values["category"], values["at"], me=values["identity_hash"], cid=complaint_id)
        inserted = self._one(cursor, "insert", params)
        if inserted is not None:
            seq, distinct = inserted
        else:
            seq, project, category, at = self._one(cursor, "find", {"cid": complaint_id})
            params = self._params(project, category, self._driver.time_out(at), seq=seq)
            distinct = self._one(cursor, "recount", params)[0]
        earlier: tuple[str, ...] = ()
        if distinct == self.threshold:
            cursor.execute(self._driver.sql["to_raise"], {**params, "seq": seq, "threshold": self.threshold})
            earlier = tuple(found for (found,) in cursor.fetchall())
        return CountResult(distinct, earlier, self.window_days)

    def record(self, *, complaint_id: str, identity: str | None, project: str | None, category: str, kind: str, at: datetime) -> CountResult | None:
        """Record a complaint and return its cluster's count (None when it cannot count)."""
        if kind != "complaint" or not project or not identity or not complaint_id:
            return None
        values = {"identity_hash": hash_identity(identity), "project": project, "category": category, "at": _utc_naive(at)}
        for attempt in range(2):
            try:
                with self._locked(project, category) as cursor:
                    return self._record(cursor, complaint_id, values)
            except self._driver.integrity_error:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def forget_before(self, cutoff: datetime) -> int:
        """Delete rows older than cutoff (they can no longer count); return how many went."""
        with self.engine.begin() as conn:
            return conn.execute(events.delete().where(events.c.at < _utc_naive(cutoff))).rowcount
