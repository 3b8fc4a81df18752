"""The cabinet with readings: consumers trusted through the sandbox CA, a registry with zones.

Overrides ``clock`` (a moment inside the readings window, near real time, so the sandbox
certificates are current) and ``cabinet`` (settings that trust the sandbox consumer); the shared
``registered`` and ``browser`` fixtures of ``tests/web/conftest.py`` then build on these.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from flask import Flask

from adapter.bootstrap import build_container
from adapter.domain.documents import (
    Register,
    RegistryConsumer,
    RegistryMeter,
    RegistryMeteringPoint,
)
from adapter.domain.readings import ReadingsWindow
from adapter.persistence import migrate
from adapter.persistence.registry_models import ReadingSubmissionRecord, ReadingValueRecord
from adapter.pki import SandboxPki
from adapter.services.registry import apply_registry
from adapter.settings import PartySettings, Settings
from tests.support.clock import window_moment
from tests.support.database import database_url  # noqa: F401
from tests.support.pki import sandbox_pki  # noqa: F401
from tests.web.conftest import (
    CONTRACT,
    EDRPOU,
    OTHER_CONTRACT,
    OTHER_NAME,
    OTHER_POINT,
    POINT_1,
    POINT_2,
    Browser,
    Cabinet,
    Clock,
    test_config,
)
from web.cabinet import register_cabinet

ROEK = "62X0000000000020"
A, R = Register.ACTIVE_IMPORT, Register.REACTIVE_IMPORT
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def readings_registry() -> tuple[RegistryConsumer, ...]:
    """Ours: a 2-zone A+/R+ meter (6 digits) and a CT-connected A+ meter (5 digits, x30)."""
    return (
        RegistryConsumer(CONTRACT, EDRPOU, 'ТОВ "Джерело"', ROEK, (
            RegistryMeteringPoint(POINT_1, (RegistryMeter("M-1001", (A, R), 2, 6, 1),)),
            RegistryMeteringPoint(POINT_2, (RegistryMeter("M-2002", (A,), 1, 5, 30),)),
        )),
        RegistryConsumer(OTHER_CONTRACT, "87654322", OTHER_NAME, ROEK, (
            RegistryMeteringPoint(OTHER_POINT, (RegistryMeter("M-3003", (A,), 1, 6, 1),)),)),
    )


@pytest.fixture
def clock() -> Clock:
    window = ReadingsWindow()
    return Clock(window_moment(window, ZoneInfo("Europe/Kyiv")))


def readings_settings(url: str, pki: SandboxPki, *, enforce_window: bool = True) -> Settings:
    """Consumers chain to the sandbox CA; ROEK has an integration (its endpoint is never called)."""
    settings = Settings(
        database_url=url,
        consumer=PartySettings("consumer", ca_certs=(pki.ca_cert,), crls=(pki.ca_crl,)),
        supplier=PartySettings("supplier", eic=ROEK, pinned_certs=(pki.supplier_cert,),
                               endpoint="http://127.0.0.1:9/never"),
    )
    if not enforce_window:
        from dataclasses import replace
        settings = replace(settings, readings=replace(settings.readings, enforce_window=False))
    return settings


def make_readings_cabinet(url: str, clock: Clock, pki: SandboxPki, **kwargs: bool) -> Cabinet:
    container = build_container(readings_settings(url, pki, **kwargs), clock=clock)
    migrate.upgrade(container.engine)
    with container.uow() as unit:
        apply_registry(unit, readings_registry(), now=clock())
        unit.commit()
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret", TESTING=True)
    ctx = register_cabinet(app, container, test_config())
    return Cabinet(app, ctx, clock, container)


@pytest.fixture
def cabinet(database_url: str, clock: Clock, sandbox_pki: SandboxPki  # noqa: F811
            ) -> Iterator[Cabinet]:
    made = make_readings_cabinet(database_url, clock, sandbox_pki)
    yield made
    made.container.engine.dispose()


@pytest.fixture
def user(registered: Cabinet) -> Browser:
    """Our consumer's owner, logged in."""
    browser = registered.client()
    assert browser.login().status_code == 302
    return browser


def csrf_of(browser: Browser, path: str) -> str:
    """The CSRF token on ``path``."""
    match = _CSRF.search(browser.get(path).get_data(as_text=True))
    assert match, path
    return match.group(1)


def webcrypto_sign(key_pem: bytes, data: bytes) -> bytes:
    """What the browser's crypto.subtle.sign returns (PKCS#1 v1.5, or ECDSA as raw r||s)."""
    key = serialization.load_pem_private_key(key_pem, password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass
class Org:
    """An organisation row for service-level tests."""

    id: int
    edrpou: str


def seed_submission(cabinet: Cabinet, reading_date: date, values: dict[str, tuple[int, int | None]],
                    *, contract: str = CONTRACT) -> int:
    """An earlier month's accepted submission stored directly (the sandbox CRL lives 30 days,
    so months of history cannot all be signed and verified at their own dates).

    ``values`` maps ``"POINT/SERIAL/REGISTER/ZONE"`` to (value, volume).
    """
    with cabinet.container.uow() as unit:
        record = ReadingSubmissionRecord(
            sender_eic="62X0000000000012", mrid=str(uuid.uuid4()), revision=1,
            contract_number=contract, consumer_edrpou=EDRPOU, reading_date=reading_date,
            channel="cabinet", status="delivered", supplier_eic=ROEK, signer_subject="CN=seed",
            signer_serial="1", sha256="0" * 64, content_sha256=uuid.uuid4().hex * 2,
            original=b"<seed/>", created_at=cabinet.clock() - timedelta(days=30))
        for key, (value, volume) in values.items():
            point, serial, register, zone = key.split("/")
            record.values.append(ReadingValueRecord(
                metering_point_eic=point, meter_serial=serial, register=register, zone=int(zone),
                value=value, previous_value=None, volume=volume))
        unit.session.add(record)
        unit.commit()
        return record.id
