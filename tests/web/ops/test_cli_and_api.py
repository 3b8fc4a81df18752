"""``adapter operator`` commands and the machine readings API (``POST /api/readings``)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from adapter.cli.operator import operator
from adapter.domain.documents import (
    DocumentHeader,
    DocumentKind,
    MeteringPointReadings,
    MeterReadingsDocument,
    Reading,
    Register,
)
from adapter.domain.readings import ReadingsWindow
from adapter.mappers import write_document
from adapter.persistence.operator_models import ApiTokenRecord, OperatorAccountRecord
from adapter.pki import SandboxPki
from adapter.services.ops_accounts import OpsAccess
from adapter.services.ops_api import issue_api_token
from adapter.signing import sign
from tests.support.clock import window_moment
from tests.support.pki import signing_key
from tests.web.conftest import CONTRACT, EDRPOU, POINT_1
from tests.web.ops.conftest import DSO_EIC, Console


def test_operator_create_prints_a_one_time_password_that_logs_in(
        console: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADAPTER_DATABASE_URL", console.container.settings.database_url)
    result = CliRunner().invoke(operator, ["create", "--login", "nichna.zmina"])
    assert result.exit_code == 0, result.output
    password = result.output.split("збережіть його): ")[1].strip()
    with console.container.uow() as unit:
        stored = unit.session.scalar(select(OperatorAccountRecord.password_hash).where(
            OperatorAccountRecord.login == "nichna.zmina"))
    assert stored is not None and stored.startswith("$argon2") and password not in stored
    browser = console.client()
    assert browser.submit("/ops/login", {"login": "nichna.zmina", "password": password}
                          ).status_code == 302
    again = CliRunner().invoke(operator, ["create", "--login", "nichna.zmina"])
    assert again.exit_code == 1 and "OPS_LOGIN_TAKEN" in again.output


def test_operator_create_asks_twice(console: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADAPTER_DATABASE_URL", console.container.settings.database_url)
    result = CliRunner().invoke(operator, ["create", "--login", "denna", "--ask-password"],
                                input="Dovhyi-Parol-123\nDovhyi-Parol-123\n")
    assert result.exit_code == 0, result.output
    assert "Пароль (показується" not in result.output
    assert console.client().submit("/ops/login", {"login": "denna",
                                                  "password": "Dovhyi-Parol-123"}
                                   ).status_code == 302
    weak = CliRunner().invoke(operator, ["create", "--login", "slabka", "--ask-password"],
                              input="short\nshort\n")
    assert weak.exit_code == 1 and "OPS_PASSWORD_WEAK" in weak.output


def test_api_token_is_stored_as_a_digest(console: Console,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADAPTER_DATABASE_URL", console.container.settings.database_url)
    result = CliRunner().invoke(operator, ["api-token", "--contract", CONTRACT])
    assert result.exit_code == 0, result.output
    token = result.output.splitlines()[1].strip()
    assert token.startswith("roe_")
    with console.container.uow() as unit:
        hashes = unit.session.scalars(select(ApiTokenRecord.token_hash)).all()
    assert len(hashes) == 1 and token not in hashes[0]
    bad = CliRunner().invoke(operator, ["api-token", "--contract", "12"])
    assert bad.exit_code == 1 and "OPS_CONTRACT_FORMAT" in bad.output


def _signed(console: Console, pki: SandboxPki, mrid: str, contract: str = CONTRACT) -> bytes:
    now = console.clock()
    doc = MeterReadingsDocument(
        header=DocumentHeader(mrid, 1, DocumentKind.METER_READINGS, DSO_EIC, DSO_EIC, now),
        contract_number=contract, consumer_edrpou=EDRPOU,
        reading_date=ReadingsWindow().reading_date_for(now.astimezone(
            ZoneInfo("Europe/Kyiv")).date()) or now.date(),
        points=(MeteringPointReadings(POINT_1, "M-1", (Reading(Register.ACTIVE_IMPORT, 1,
                                                               1200),)),))
    return sign(write_document(doc), key=signing_key(pki, "consumer"))


def test_api_accepts_a_signed_readings_document_for_the_tokens_contract(
        console: Console, sandbox_pki: SandboxPki) -> None:
    console.clock.now = window_moment(ReadingsWindow(), ZoneInfo("Europe/Kyiv"))
    token = issue_api_token(OpsAccess(console.container.uow, console.clock), CONTRACT)
    client = console.app.test_client()
    body = _signed(console, sandbox_pki, "API-0001")
    assert client.post("/api/readings", data=body).status_code == 401
    assert client.post("/api/readings", data=body,
                       headers={"Authorization": "Bearer roe_wrong"}).status_code == 401
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}
    first = client.post("/api/readings", data=body, headers=auth)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["status"] == "accepted" and first.get_json()["mrid"] == "API-0001"
    again = client.post("/api/readings", data=body, headers=auth)
    assert again.status_code == 200 and again.get_json()["status"] == "already_received"
    other = issue_api_token(OpsAccess(console.container.uow, console.clock), "270000002")
    refused = client.post("/api/readings", data=_signed(console, sandbox_pki, "API-0002"),
                          headers={"Authorization": f"Bearer {other}"})
    assert refused.status_code == 422 and refused.get_json()["code"]
