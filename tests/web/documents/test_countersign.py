"""Countersigning an act: two-phase browser signing (without a browser) and upload; one per act."""

from __future__ import annotations

import base64
import hashlib
import re

from sqlalchemy import select

from adapter.domain.documents import ActCountersignature, ActDecision
from adapter.mappers import read_document
from adapter.persistence.models import InboundDocumentRecord
from adapter.persistence.outbox_models import OutboxMessageRecord
from adapter.signing import sign, verify
from tests.support.pki import sandbox_policy, signing_key
from tests.unit.signing.test_remote import webcrypto_sign
from tests.web.conftest import Browser
from tests.web.documents.conftest import Docs

SUPPLIER_DESTINATION = "supplier:62X0000000000020"


def token(browser: Browser, path: str) -> str:
    page = browser.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def outbox(docs: Docs) -> list[OutboxMessageRecord]:
    with docs.container.uow() as unit:
        rows = list(unit.session.scalars(select(OutboxMessageRecord).where(
            OutboxMessageRecord.kind == "ActCountersignature")))
        unit.session.expunge_all()
        return rows


def act_original(docs: Docs, act: int) -> bytes:
    with docs.container.uow() as unit:
        return bytes(unit.session.get_one(InboundDocumentRecord, act).original)


def browser_sign(docs: Docs, browser: Browser, act: int, **form: str) -> tuple[int, dict]:
    base = f"/cabinet/documents/{act}/countersign"
    csrf = token(browser, base)
    cert = docs.pki.consumer_cert.read_bytes()
    prepared = browser.client.post(f"{base}/prepare", data={
        "csrf_token": csrf, "decision": "accepted", **form,
        "certificate": base64.b64encode(cert).decode()})
    if prepared.status_code != 200:
        return prepared.status_code, prepared.get_json()
    draft = prepared.get_json()
    value = webcrypto_sign(docs.pki.consumer_key.read_bytes(),
                           base64.b64decode(draft["signed_info"]))
    done = browser.client.post(f"{base}/complete", data={
        "csrf_token": csrf, "draft_id": draft["draft_id"],
        "signature": base64.b64encode(value).decode()})
    return done.status_code, done.get_json()


def test_browser_countersignature_goes_to_the_supplier_once(docs: Docs) -> None:
    act = docs.act("ACT-C1")
    browser = docs.login_a()
    status, answer = browser_sign(docs, browser, act)
    assert status == 200, answer
    [message] = outbox(docs)
    assert message.destination == SUPPLIER_DESTINATION
    assert message.correlation_id == f"countersignature:{answer['countersignature_id']}"
    verified = verify(message.payload, policy=sandbox_policy(docs.pki), party="consumer",
                      expected_edrpou="12345678")
    document = read_document(verified.signed_root)
    assert isinstance(document, ActCountersignature)
    assert document.decision == ActDecision.ACCEPTED
    assert document.act_sha256 == hashlib.sha256(act_original(docs, act)).hexdigest()
    assert document.act.mrid == "ACT-C1" and document.header.receiver_eic == "62X0000000000020"

    page = browser.get(answer["redirect"]).get_data(as_text=True)
    assert 'id="doc-state"' in page and "підписано" in page
    assert 'id="cs-timeline"' in page and "поставлено в чергу" in page
    assert 'data-status="pending"' in page
    listed = browser.get("/cabinet/documents?status=awaiting").get_data(as_text=True)
    assert f'data-document-id="{act}"' not in listed

    again, refused = browser_sign(docs, browser, act)
    assert again == 400 and refused["code"] == "CS_ALREADY_SIGNED"
    assert len(outbox(docs)) == 1
    assert any(e.event == "act_countersigned" for e in docs.cabinet.audit_events())


def test_upload_signed_with_own_tool_and_binding_to_the_act(docs: Docs) -> None:
    first, second = docs.act("ACT-U1"), docs.act("ACT-U2")
    browser = docs.login_a()
    base = f"/cabinet/documents/{first}/countersign"
    csrf = token(browser, base)
    no_reason = browser.client.post(f"{base}/unsigned", data={
        "csrf_token": csrf, "decision": "disputed", "comment": " "})
    assert no_reason.status_code == 400 and 'data-code="CS_COMMENT_REQUIRED"' in no_reason.get_data(
        as_text=True)
    unsigned = browser.client.post(f"{base}/unsigned", data={
        "csrf_token": csrf, "decision": "disputed", "comment": "Обсяг завищено на 20 кВт·год"})
    assert unsigned.status_code == 200
    signed = sign(unsigned.data, key=signing_key(docs.pki, "consumer"))

    # The same signed file posted against another act is refused: it names the first act.
    wrong = browser.client.post(f"/cabinet/documents/{second}/countersign/upload", data={
        "csrf_token": csrf, "signed": (_file(signed), "signed.xml")},
        content_type="multipart/form-data")
    assert wrong.status_code == 400 and 'data-code="CS_WRONG_ACT"' in wrong.get_data(as_text=True)
    assert outbox(docs) == []

    done = browser.client.post(f"{base}/upload", data={
        "csrf_token": csrf, "signed": (_file(signed), "signed.xml")},
        content_type="multipart/form-data")
    assert done.status_code == 303
    [message] = outbox(docs)
    assert message.payload == signed  # relayed verbatim
    page = browser.get(done.headers["Location"]).get_data(as_text=True)
    assert "із запереченнями" in page and 'id="countersign-done"' in page


def test_unsigned_by_the_organisation_is_refused(docs: Docs) -> None:
    act = docs.act("ACT-S1")
    browser = docs.login_a()
    base = f"/cabinet/documents/{act}/countersign"
    csrf = token(browser, base)
    unsigned = browser.client.post(f"{base}/unsigned", data={
        "csrf_token": csrf, "decision": "accepted"}).data
    by_supplier = sign(unsigned, key=signing_key(docs.pki, "supplier"))
    answer = browser.client.post(f"{base}/upload", data={
        "csrf_token": csrf, "signed": (_file(by_supplier), "s.xml")},
        content_type="multipart/form-data")
    assert answer.status_code == 400 and 'data-code="SIG_' in answer.get_data(as_text=True)
    assert outbox(docs) == []


def _file(data: bytes):  # type: ignore[no-untyped-def]
    import io
    return io.BytesIO(data)
