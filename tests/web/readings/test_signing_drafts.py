"""Two-phase signing drafts: prepare, sign as WebCrypto would, complete; single-use, scoped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from adapter.errors import AdapterError
from adapter.persistence import migrate
from adapter.persistence.all_models import Base
from adapter.persistence.database import make_engine, make_session_factory
from adapter.persistence.uow import UnitOfWork
from adapter.pki import SandboxPki
from adapter.services.signing_drafts import complete_draft, create_draft
from adapter.signing import verify
from tests.support.database import database_url  # noqa: F401
from tests.support.exchange import supplier_invoice_xml
from tests.support.pki import sandbox_pki, sandbox_pki_ec, sandbox_policy  # noqa: F401
from tests.web.readings.conftest import b64, webcrypto_sign

NOW = datetime.now(UTC).replace(microsecond=0)
EDRPOU = "12345678"


@pytest.mark.empty_database
def test_migration_0007_matches_the_model(database_url: str):  # noqa: F811
    engine = create_engine(database_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            tables = inspect(connection).get_table_names()
        assert "cabinet_signing_drafts" in tables
        assert [item for item in diff if "cabinet_signing_drafts" in repr(item)] == []
        assert "0007" in migrate.current_revisions(engine)
    finally:
        engine.dispose()


@pytest.fixture
def unit(database_url: str) -> Iterator[UnitOfWork]:  # noqa: F811
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    with UnitOfWork(make_session_factory(engine)) as opened:
        yield opened
    engine.dispose()


@pytest.fixture(params=["rsa", "ec"])
def pki(request: pytest.FixtureRequest, sandbox_pki: SandboxPki,  # noqa: F811
        sandbox_pki_ec: SandboxPki) -> SandboxPki:  # noqa: F811
    return sandbox_pki if request.param == "rsa" else sandbox_pki_ec


def _draft(unit: UnitOfWork, pki: SandboxPki, *, org: int = 1, purpose: str = "readings",
           cert: bytes | None = None, ttl: timedelta = timedelta(minutes=15)):
    return create_draft(unit, organisation_id=org, purpose=purpose,
                        unsigned_xml=supplier_invoice_xml("DRAFT-1"),
                        certificate_pem=cert or pki.consumer_cert.read_bytes(), now=NOW, ttl=ttl,
                        edrpou=EDRPOU)


def _value(pki: SandboxPki, draft) -> str:
    import base64
    return b64(webcrypto_sign(pki.consumer_key.read_bytes(),
                              base64.b64decode(draft.signed_info_b64)))


def test_a_completed_draft_passes_the_full_consumer_policy(unit: UnitOfWork, pki: SandboxPki):
    draft = _draft(unit, pki)

    signed = complete_draft(unit, organisation_id=1, draft_id=draft.id, purpose="readings",
                            signature_value_b64=_value(pki, draft), now=NOW)

    assert draft.algorithm == ("RSASSA-PKCS1-v1_5" if pki.key_type == "rsa" else "ECDSA")
    verified = verify(signed, policy=sandbox_policy(pki), now=NOW, expected_edrpou=EDRPOU)
    assert verified.party == "consumer"


def test_a_certificate_of_another_organisation_is_refused_before_signing(
        unit: UnitOfWork, pki: SandboxPki):
    with pytest.raises(AdapterError) as error:
        _draft(unit, pki, cert=pki.supplier_cert.read_bytes())
    assert error.value.code == "SIG_EDRPOU_MISMATCH"
    assert "не належить Вашій організації" in error.value.message


def test_garbage_instead_of_a_certificate_is_refused(unit: UnitOfWork, pki: SandboxPki):
    with pytest.raises(AdapterError) as error:
        _draft(unit, pki, cert=b"-----BEGIN CERTIFICATE-----\nnonsense\n")
    assert error.value.code == "SIG_CERT_UNREADABLE"


@pytest.mark.parametrize("case", ["used", "expired", "other_org", "other_purpose", "unknown"])
def test_a_draft_works_once_for_its_own_organisation_and_purpose(
        unit: UnitOfWork, sandbox_pki: SandboxPki, case: str):  # noqa: F811
    draft = _draft(unit, sandbox_pki)
    value = _value(sandbox_pki, draft)
    kwargs = dict(organisation_id=1, draft_id=draft.id, purpose="readings",
                  signature_value_b64=value, now=NOW)
    expected = {"used": "SIGN_DRAFT_USED", "expired": "SIGN_DRAFT_EXPIRED"}.get(
        case, "SIGN_DRAFT_UNKNOWN")
    if case == "used":
        complete_draft(unit, **kwargs)  # type: ignore[arg-type]
    elif case == "expired":
        kwargs["now"] = NOW + timedelta(minutes=15)
    elif case == "other_org":
        kwargs["organisation_id"] = 2
    elif case == "other_purpose":
        kwargs["purpose"] = "countersignature"
    else:
        kwargs["draft_id"] = "no-such-draft"

    with pytest.raises(AdapterError) as error:
        complete_draft(unit, **kwargs)  # type: ignore[arg-type]
    assert error.value.code == expected


def test_a_damaged_signature_value_is_refused(unit: UnitOfWork, sandbox_pki: SandboxPki):  # noqa: F811
    draft = _draft(unit, sandbox_pki)
    with pytest.raises(AdapterError) as error:
        complete_draft(unit, organisation_id=1, draft_id=draft.id, purpose="readings",
                       signature_value_b64="not base64!!", now=NOW)
    assert error.value.code == "SIG_INVALID"
