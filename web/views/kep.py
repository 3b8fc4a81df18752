"""What the pages that sign in the browser share (readings, countersigning acts)."""

from __future__ import annotations

import base64
import binascii

from flask import Response, jsonify, request

from adapter.errors import SignatureError
from adapter.services.signing_drafts import DraftView


def certificate_field(name: str = "certificate") -> bytes:
    """The certificate the browser sent (base64 of the user's file), or SIG_CERT_UNREADABLE."""
    try:
        return base64.b64decode(request.form.get(name, ""), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("Файл сертифіката не вдалося прочитати.",
                             code="SIG_CERT_UNREADABLE") from exc


def draft_response(draft: DraftView) -> tuple[Response, int]:
    """What kep-sign.js expects from a prepare endpoint: the bytes to sign and how."""
    return jsonify(draft_id=draft.id, signed_info=draft.signed_info_b64,
                   algorithm=draft.algorithm, hash=draft.hash), 200
