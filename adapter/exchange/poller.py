"""Pull: fetch what a peer issued, by cursor, and run it through the intake pipeline.

For a peer that does not push (or whose pushes we may have missed), :class:`Poller` asks
``FetchDocuments`` for the documents after the saved cursor, submits each one exactly like a pushed
document (``submit_document(ctx, bytes, channel="pull")``: same verification, same idempotency)
and only then saves the page's ``next_cursor``. A crash between the two re-fetches the page, and
intake answers ``A51`` for what is already stored: at-least-once fetching, exactly-once effect.

A rejected document (``A02``) is recorded by intake (code, reason, sha256) and the cursor still
moves past it: the peer serves the same signed bytes forever, so waiting cannot fix them, and one
bad document must not stop every later one. The operator sees the rejection and can re-fetch with
``adapter poll --peer NAME --rewind CURSOR`` once the cause (e.g. a missing certificate) is fixed.

A failed fetch (timeout, fault, bad answer) leaves the cursor where it was; the peer is tried
again at a later round, after an exponential backoff with full jitter.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import DBAPIError

from adapter.domain.documents import AckReason
from adapter.errors import AdapterError
from adapter.exchange import cursors
from adapter.services.intake import IntakeContext, IntakeOutcome, submit_document
from adapter.soap.client_factory import FetchedPage

log = logging.getLogger(__name__)

#: ``fetch(cursor, limit)``: one page of a peer's documents (SupplierClient.fetch_documents...).
Fetch = Callable[[str | None, int], FetchedPage]
Submit = Callable[[IntakeContext, bytes], IntakeOutcome]
OnResult = Callable[["PollResult"], None]

CHANNEL = "pull"


def _submit_pulled(ctx: IntakeContext, original: bytes) -> IntakeOutcome:
    return submit_document(ctx, original, channel=CHANNEL)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class PollResult:
    """What one round did for one peer."""

    peer: str
    pages: int = 0
    accepted: int = 0
    already_received: int = 0
    rejected: int = 0
    rejection_codes: list[str] = field(default_factory=list)
    cursor: str | None = None
    error: AdapterError | None = None
    skipped_until: datetime | None = None

    @property
    def fetched(self) -> int:
        """Documents fetched and processed."""
        return self.accepted + self.already_received + self.rejected

    def count(self, outcome: IntakeOutcome) -> None:
        """Add one document's outcome."""
        if outcome.code == AckReason.ACCEPTED:
            self.accepted += 1
        elif outcome.code == AckReason.ALREADY_RECEIVED:
            self.already_received += 1
        else:
            self.rejected += 1
            self.rejection_codes.append(outcome.error_code or "")


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter between failed fetches of one peer."""

    base: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(minutes=15)
    jitter: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def ceiling(self, failures: int) -> timedelta:
        """The longest wait after ``failures`` failed rounds in a row (before jitter)."""
        return min(self.cap, self.base * (2 ** min(max(failures - 1, 0), 30)))

    def delay(self, failures: int) -> timedelta:
        """A random wait in [0, ceiling]; never below a tenth of ``base`` (no hot loop)."""
        return max(self.ceiling(failures) * self.jitter(), self.base / 10)


class Poller:
    """Polls peers by cursor; ``run_once()``, ``run_forever()``, ``stop()`` like the worker."""

    def __init__(
        self,
        intake: IntakeContext,
        sources: Mapping[str, Fetch],
        *,
        page_size: int = 100,
        max_pages: int = 20,
        backoff: Backoff | None = None,
        clock: Callable[[], datetime] = _utcnow,
        submit: Submit = _submit_pulled,
        on_result: OnResult | None = None,
    ) -> None:
        self._intake = intake
        self._sources = dict(sources)
        self._page_size = page_size
        self._max_pages = max_pages
        self._backoff = backoff or Backoff()
        self._clock = clock
        self._submit = submit
        self._on_result = on_result
        self._failures: dict[str, int] = {}
        self._not_before: dict[str, datetime] = {}
        self._stopping = threading.Event()

    @property
    def peers(self) -> list[str]:
        """The names of the polled peers."""
        return list(self._sources)

    def stop(self) -> None:
        """Finish the document in flight and return from run_once / run_forever."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        """Whether stop() was called."""
        return self._stopping.is_set()

    def run_once(self) -> list[PollResult]:
        """One round: every peer that is not backing off, up to ``max_pages`` pages each.

        ``on_result`` (if given) hears about each peer's result as soon as it is known.
        """
        results = []
        for peer in self._sources:
            if self.stopping:
                break
            not_before = self._not_before.get(peer)
            if not_before is not None and self._clock() < not_before:
                result = PollResult(peer, skipped_until=not_before)
            else:
                result = self.poll(peer)
            results.append(result)
            if self._on_result is not None:
                self._on_result(result)
        return results

    def run_forever(self, interval: float = 30.0) -> None:
        """run_once in a loop until stop(); waits ``interval`` seconds after a round with no news.

        A round that hit ``max_pages`` (more is waiting) starts the next one at once.
        """
        while not self.stopping:
            try:
                results = self.run_once()
            except DBAPIError:
                # Our database went away: nothing was saved, so the next round re-fetches.
                log.exception("poller: database error")
                results = []
            if not any(result.pages >= self._max_pages for result in results):
                self._stopping.wait(interval)

    def poll(self, peer: str) -> PollResult:
        """Fetch and process ``peer``'s pages until it has no more (or ``max_pages``)."""
        fetch = self._sources[peer]
        result = PollResult(peer, cursor=cursors.load_cursor(self._intake.uow, peer))
        while result.pages < self._max_pages and not self.stopping:
            try:
                page = fetch(result.cursor, self._page_size)
            except AdapterError as error:
                self._failed(result, error)
                return result
            for original in page.documents:
                result.count(self._submit(self._intake, original))
            # Saved only now: a crash above re-fetches this page and intake answers A51.
            result.cursor = page.next_cursor or result.cursor
            cursors.save_cursor(self._intake.uow, peer, result.cursor,
                                documents=len(page.documents), now=self._clock())
            result.pages += 1
            if not page.has_more or not page.documents:
                break
        self._failures.pop(peer, None)
        self._not_before.pop(peer, None)
        return result

    def _failed(self, result: PollResult, error: AdapterError) -> None:
        now = self._clock()
        failures = cursors.record_failure(self._intake.uow, result.peer, error, now=now)
        self._failures[result.peer] = failures
        self._not_before[result.peer] = now + self._backoff.delay(failures)
        result.error = error
        result.skipped_until = self._not_before[result.peer]
        log.warning("poller: %s: %s (спроба %d, наступна не раніше %s)", result.peer, error,
                    failures, result.skipped_until.isoformat())
