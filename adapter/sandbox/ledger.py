"""The sandbox peer's ledger: every message identity it received, and what it did about it.

One SQLite file per peer (plain ``sqlite3``; not the adapter's database or migrations). A message
identity is (sender EIC, mRID, revision). ``arrivals`` counts every delivery of it; ``effects``
becomes 1 in the same transaction as the effect itself (issued documents, a stored payment), and
never grows after that: a test or an operator reads ``effects > 1`` as a double effect, which the
exactly-once promise says must not happen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    sender_eic TEXT NOT NULL,
    mrid TEXT NOT NULL,
    revision INTEGER NOT NULL,
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    idempotency_key TEXT,
    arrivals INTEGER NOT NULL,
    effects INTEGER NOT NULL,
    first_arrival TEXT NOT NULL,
    last_arrival TEXT NOT NULL,
    PRIMARY KEY (sender_eic, mrid, revision)
);
CREATE TABLE IF NOT EXISTS rejections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    operation TEXT NOT NULL,
    code TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS issued (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    mrid TEXT NOT NULL,
    source_mrid TEXT NOT NULL,
    xml BLOB NOT NULL,
    pushes INTEGER NOT NULL DEFAULT 0,
    push_result TEXT
);
CREATE TABLE IF NOT EXISTS meter_values (
    point TEXT NOT NULL,
    meter TEXT NOT NULL,
    register TEXT NOT NULL,
    zone INTEGER NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (point, meter, register, zone)
);
CREATE TABLE IF NOT EXISTS payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_sender TEXT NOT NULL,
    invoice_mrid TEXT NOT NULL,
    contract_number TEXT NOT NULL,
    amount TEXT NOT NULL,
    paid_at TEXT NOT NULL,
    provider_reference TEXT NOT NULL
);
"""

Effect = Callable[[sqlite3.Connection], None]


class Arrival(StrEnum):
    """What an arrival turned out to be."""

    NEW = "new"
    REPEAT = "repeat"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class LedgerEntry:
    """One message identity and its counters."""

    sender_eic: str
    mrid: str
    revision: int
    kind: str
    arrivals: int
    effects: int
    idempotency_key: str | None


@dataclass(frozen=True)
class LedgerSummary:
    """Totals over the ledger."""

    messages: int
    duplicate_arrivals: int
    double_effects: int


@dataclass(frozen=True)
class IssuedDocument:
    """A document the peer produced (signed bytes), in cursor order."""

    seq: int
    kind: str
    mrid: str
    xml: bytes
    pushes: int
    push_result: str | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Ledger:
    """The peer's SQLite ledger; safe to share between the server's threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as conn:
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # One connection per call: sqlite3 connections must not cross threads.
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` .. ``COMMIT`` (rolled back on error); writers queue, never race."""
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def record(
        self,
        identity: tuple[str, str, int],
        *,
        kind: str,
        sha256: str,
        idempotency_key: str | None,
        effect: Effect,
    ) -> Arrival:
        """Count an arrival; run ``effect`` (and set ``effects`` = 1) only for a new identity.

        The same identity with other bytes is a CONFLICT: counted, never acted upon.
        """
        sender, mrid, revision = identity
        now = _now()
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT sha256 FROM messages WHERE sender_eic=? AND mrid=? AND revision=?",
                identity,
            ).fetchone()
            if row is not None:
                conn.execute(
                    "UPDATE messages SET arrivals = arrivals + 1, last_arrival = ? "
                    "WHERE sender_eic=? AND mrid=? AND revision=?",
                    (now, *identity),
                )
                return Arrival.REPEAT if row[0] == sha256 else Arrival.CONFLICT
            conn.execute(
                "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, 1, 0, ?, ?)",
                (sender, mrid, revision, kind, sha256, idempotency_key, now, now),
            )
            effect(conn)
            # Counted where the effect happens, in its transaction: a bug that re-ran effects
            # for a repeat would show here as effects > 1.
            conn.execute(
                "UPDATE messages SET effects = effects + 1 "
                "WHERE sender_eic=? AND mrid=? AND revision=?",
                identity,
            )
        return Arrival.NEW

    def reject(self, operation: str, code: str, reason: str) -> None:
        """Remember a document the peer refused (not part of any identity's counters)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO rejections (at, operation, code, reason) VALUES (?, ?, ?, ?)",
                (_now(), operation, code, reason),
            )

    def entries(self) -> list[LedgerEntry]:
        """Every message identity, oldest first."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT sender_eic, mrid, revision, kind, arrivals, effects, idempotency_key "
                "FROM messages ORDER BY first_arrival, sender_eic, mrid, revision"
            ).fetchall()
        return [LedgerEntry(*row) for row in rows]

    def entry(self, sender_eic: str, mrid: str, revision: int) -> LedgerEntry | None:
        """The counters of one identity, or None if it never arrived."""
        for item in self.entries():
            if (item.sender_eic, item.mrid, item.revision) == (sender_eic, mrid, revision):
                return item
        return None

    def summary(self) -> LedgerSummary:
        """Messages, arrivals beyond the first, and identities with more than one effect."""
        entries = self.entries()
        return LedgerSummary(
            messages=len(entries),
            duplicate_arrivals=sum(item.arrivals - 1 for item in entries),
            double_effects=sum(1 for item in entries if item.effects > 1),
        )

    def rejection_codes(self) -> list[str]:
        """Codes of refused documents, oldest first."""
        with self._connection() as conn:
            return [row[0] for row in conn.execute("SELECT code FROM rejections ORDER BY id")]

    def issued_after(self, seq: int, limit: int) -> list[IssuedDocument]:
        """Produced documents with ``seq`` greater than ``seq``, at most ``limit``."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT seq, kind, mrid, xml, pushes, push_result FROM issued "
                "WHERE seq > ? ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return [IssuedDocument(seq, kind, mrid, bytes(xml), pushes, result)
                for seq, kind, mrid, xml, pushes, result in rows]

    def issued_by_seq(self, seqs: list[int]) -> list[IssuedDocument]:
        """The issued documents at the cursor positions ``seqs``, in order."""
        wanted = set(seqs)
        if not wanted:
            return []
        return [doc for doc in self.issued_after(min(wanted) - 1, max(wanted) - min(wanted) + 1)
                if doc.seq in wanted]

    def record_push(self, seq: int, result: str) -> None:
        """Count one push of an issued document and its outcome (``A01``, ``A51``, error code)."""
        with self.transaction() as conn:
            conn.execute("UPDATE issued SET pushes = pushes + 1, push_result = ? WHERE seq = ?",
                         (result, seq))

    def payments(self) -> list[tuple[str, str, str]]:
        """Stored payments as (invoice mRID, contract, amount)."""
        with self._connection() as conn:
            return list(conn.execute(
                "SELECT invoice_mrid, contract_number, amount FROM payments ORDER BY id"
            ))


def issue(conn: sqlite3.Connection, kind: str, mrid: str, source_mrid: str, xml: bytes) -> int:
    """Store a produced document inside the caller's transaction; returns its cursor ``seq``."""
    cursor = conn.execute(
        "INSERT INTO issued (kind, mrid, source_mrid, xml) VALUES (?, ?, ?, ?)",
        (kind, mrid, source_mrid, xml),
    )
    return int(cursor.lastrowid or 0)
