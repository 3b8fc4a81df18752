"""``FileDropTransport``: delivery by writing signed documents into an outbox folder.

Many billing systems exchange files rather than SOAP calls. This transport lets the delivery
engine serve such a peer: each outbound message becomes ``<sender>_<mRID>_<revision>_<kind>.xml``
in ``directory``, written atomically (dotfile temp name in the same directory, fsync,
``os.replace``), so the peer never picks up half a file.

Idempotent like a SOAP peer: a file of that name with the same bytes means the message was
already delivered (``A51``, e.g. after a worker lost its lease); a file with other bytes is a
conflict (``PermanentRemoteError`` ``DOC_CONFLICT``), which must not be overwritten silently. An
I/O failure (disk full, folder missing, permissions) is transient: the worker retries it.
"""

from __future__ import annotations

import re
from pathlib import Path

from adapter.delivery.transport import DeliveryReceipt, OutboundMessage
from adapter.errors import PermanentRemoteError, TransientRemoteError
from adapter.exchange.atomic import write_atomically

# The contract's mRID pattern and our kinds contain no "_" and no "/": the name parses back.
_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:\-]{0,63}")


def drop_name(message: OutboundMessage) -> str:
    """``<sender>_<mRID>_<revision>_<kind>.xml``; refuses parts that could escape the folder."""
    parts = (message.sender_eic, message.mrid, str(message.revision), message.kind)
    for part in parts:
        if not _PART.fullmatch(part) or ".." in part:
            raise PermanentRemoteError(
                f"Неприпустима частина імені файлу: {part!r}.", code="FILE_BAD_NAME"
            )
    return "_".join(parts) + ".xml"


class FileDropTransport:
    """Delivers messages as files in ``directory`` (a billing outbox folder)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def deliver(self, message: OutboundMessage) -> DeliveryReceipt:
        """Write ``message`` atomically; ``A01`` written, ``A51`` the same file already there."""
        target = self.directory / drop_name(message)
        try:
            existing = _read_existing(target)
            if existing is not None:
                return _already_there(target, existing, message.payload)
            write_atomically(target, message.payload)
        except OSError as exc:
            raise TransientRemoteError(
                f"Не вдалося записати файл {target}: {exc.strerror or exc}",
                code="FILE_WRITE_FAILED",
            ) from exc
        return DeliveryReceipt(ack_code="A01", detail=f"записано: {target.name}")


def _read_existing(target: Path) -> bytes | None:
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None


def _already_there(target: Path, existing: bytes, payload: bytes) -> DeliveryReceipt:
    if existing != payload:
        raise PermanentRemoteError(
            f"Файл {target.name} вже існує з іншим вмістом; його не перезаписано.",
            code="DOC_CONFLICT",
        )
    return DeliveryReceipt(ack_code="A51", detail=f"файл вже записано: {target.name}")
