"""Acknowledgements: the signed answer to every document a counterparty sends us."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from adapter.domain.documents import AckReason, DocumentHeader
from adapter.mappers import build_acknowledgement
from adapter.signing import Signer


class Acknowledger:
    """Builds an ENTSO-E style acknowledgement for a received document and signs it as the DSO."""

    def __init__(self, *, signer: Signer, dso_eic: str, clock: Callable[[], datetime]) -> None:
        self._signer = signer
        self._dso_eic = dso_eic
        self._clock = clock

    def acknowledge(
        self,
        received: DocumentHeader | None,
        reason: AckReason,
        text: str,
        *,
        error_code: str | None = None,
    ) -> bytes:
        """The signed acknowledgement bytes; ``received`` is None when nothing could be trusted.

        An acknowledgement of a document we could not verify names no received document (its
        claimed header is not trusted) and is addressed to the DSO itself: the SOAP response or
        the file beside the rejected one is what ties it to the submission.
        """
        unsigned = build_acknowledgement(
            received,
            reason=reason,
            text=text,
            error_code=error_code,
            sender_eic=self._dso_eic,
            receiver_eic=None if received else self._dso_eic,
            mrid=f"ACK-{uuid.uuid4()}",
            created_at=self._clock().replace(microsecond=0),
        )
        return self._signer.sign(unsigned)
