"""File exchange inbound: signed XML files dropped into an inbox folder.

The convention (docs/exchange.md): a writer creates ``NAME.xml.part`` (or any dotfile) in the
inbox and renames it to ``NAME.xml`` when complete; only regular ``*.xml`` files whose name does
not start with a dot are picked up, so a half-written file is never read. Each file goes through
the same pipeline as a SOAP push (``submit_document(ctx, bytes, channel="file")``), then:

1. the signed acknowledgement is written atomically beside its destination as
   ``<stem>.ack.xml`` in ``processed/`` (``A01``/``A51``) or ``rejected/`` (``A02``);
2. the file is moved there with ``os.replace`` (same filesystem, hence atomic).

A crash between 1 and 2 leaves the file in the inbox; the next run submits it again, intake
answers ``A51`` (nothing is stored twice) and the first acknowledgement, already beside the
destination, is kept. A name that is already taken in the destination by other bytes gets the
file's sha256 prefix (``<stem>.<sha12>.xml``) instead of overwriting the earlier document.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from adapter.domain.documents import AckReason
from adapter.errors import ConfigurationError
from adapter.exchange.atomic import move_atomically, write_atomically
from adapter.services.intake import IntakeContext, IntakeOutcome, submit_document

log = logging.getLogger(__name__)

CHANNEL = "file"
ACK_SUFFIX = ".ack.xml"

Submit = Callable[[IntakeContext, bytes], IntakeOutcome]
OnFile = Callable[["FileResult"], None]


def _submit_file(ctx: IntakeContext, original: bytes) -> IntakeOutcome:
    return submit_document(ctx, original, channel=CHANNEL)


def is_complete_drop(path: Path) -> bool:
    """Whether ``path`` is a finished drop: a regular ``*.xml`` file, not a dotfile or link."""
    name = path.name
    return (name.endswith(".xml") and not name.startswith(".")
            and path.is_file() and not path.is_symlink())


def ack_name(document_name: str) -> str:
    """``INV-1.xml`` -> ``INV-1.ack.xml``: the acknowledgement beside a moved document."""
    return document_name.removesuffix(".xml") + ACK_SUFFIX


@dataclass(frozen=True)
class FileResult:
    """What happened to one dropped file."""

    name: str
    code: AckReason | None
    destination: Path | None
    error_code: str | None = None
    reason: str = ""


class FileInbox:
    """Processes complete ``*.xml`` drops in ``inbox``; ``run_once``/``run_forever``/``stop``."""

    def __init__(
        self,
        intake: IntakeContext,
        inbox: Path,
        *,
        processed: Path | None = None,
        rejected: Path | None = None,
        submit: Submit = _submit_file,
    ) -> None:
        self._intake = intake
        self.inbox = Path(inbox)
        self.processed = Path(processed) if processed else self.inbox / "processed"
        self.rejected = Path(rejected) if rejected else self.inbox / "rejected"
        self._submit = submit
        self._stopping = threading.Event()
        self._prepared = False

    def stop(self) -> None:
        """Finish the file in flight and return from run_once / run_forever."""
        self._stopping.set()

    def pending(self) -> list[Path]:
        """Complete drops waiting in the inbox, oldest name first (sorted, deterministic)."""
        if not self.inbox.is_dir():
            raise ConfigurationError(f"Теки вхідних файлів {self.inbox} немає.",
                                     code="FILE_NO_INBOX")
        return sorted(path for path in self.inbox.iterdir() if is_complete_drop(path))

    def run_once(self, on_file: OnFile | None = None) -> list[FileResult]:
        """Process every complete drop present now; ``on_file`` hears about each one."""
        self._prepare()
        results = []
        for path in self.pending():
            if self._stopping.is_set():
                break
            result = self.process(path)
            results.append(result)
            if on_file is not None:
                on_file(result)
        return results

    def run_forever(self, interval: float = 5.0, on_file: OnFile | None = None) -> None:
        """run_once in a loop until stop(), waiting ``interval`` seconds when the inbox is empty."""
        while not self._stopping.is_set():
            if not self.run_once(on_file):
                self._stopping.wait(interval)

    def process(self, path: Path) -> FileResult:
        """Submit one file, write its acknowledgement, move it to processed/ or rejected/."""
        try:
            data = _read_limited(path, self._intake.max_bytes)
        except FileNotFoundError:  # taken by another watcher between listing and reading
            return FileResult(path.name, None, None, "FILE_GONE", "Файл вже забрано.")
        except OSError as exc:
            log.warning("file inbox: cannot read %s: %s", path, exc)
            return FileResult(path.name, None, None, "FILE_UNREADABLE", str(exc))
        outcome = self._submit(self._intake, data)
        folder = self.rejected if outcome.code == AckReason.REJECTED else self.processed
        destination = _free_name(folder, path.name, data)
        ack = destination.with_name(ack_name(destination.name))
        # After a crash between the ack and the move, the retry gets A51: keep the first answer.
        if not (outcome.code == AckReason.ALREADY_RECEIVED and ack.exists()):
            write_atomically(ack, outcome.acknowledgement)
        try:
            move_atomically(path, destination)
        except FileNotFoundError:
            return FileResult(path.name, None, None, "FILE_GONE", "Файл вже забрано.")
        return FileResult(path.name, outcome.code, destination, outcome.error_code,
                          outcome.reason)

    def _prepare(self) -> None:
        if self._prepared:
            return
        for folder in (self.processed, self.rejected):
            folder.mkdir(parents=True, exist_ok=True)
            if os.stat(folder).st_dev != os.stat(self.inbox).st_dev:
                raise ConfigurationError(
                    f"Тека {folder} на іншій файловій системі, ніж {self.inbox}: "
                    "переміщення не буде атомарним.", code="FILE_CROSS_DEVICE")
        self._prepared = True


def _read_limited(path: Path, max_bytes: int) -> bytes:
    # One byte over the limit is enough for intake to refuse the size; never read a huge file.
    with open(path, "rb") as handle:
        return handle.read(max_bytes + 1)


def _free_name(folder: Path, name: str, data: bytes) -> Path:
    """``folder/name`` unless it holds other bytes; then ``<stem>.<sha12>.xml``."""
    target = folder / name
    try:
        if target.read_bytes() == data:
            return target
    except FileNotFoundError:
        return target
    digest = hashlib.sha256(data).hexdigest()[:12]
    return folder / f"{name.removesuffix('.xml')}.{digest}.xml"
