"""Configuration: the one place that reads the environment.

Every setting is an ``ADAPTER_*`` environment variable (documented in the README). Paths may be
given relative to the working directory. ``Settings.from_env()`` is called once by the composition
root; everything else receives a ``Settings`` value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from adapter.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///var/adapter.sqlite3"


@dataclass(frozen=True)
class PartySettings:
    """How we recognise one counterparty (a supplier, the billing system, or consumers)."""

    name: str
    eic: str = ""
    pinned_certs: tuple[Path, ...] = ()
    ca_certs: tuple[Path, ...] = ()
    crls: tuple[Path, ...] = ()
    require_wsse: bool = False
    xades: bool = False
    endpoint: str = ""


@dataclass(frozen=True)
class DeliverySettings:
    """Retries, circuit breakers and worker leases (see docs/delivery.md)."""

    retry_base: timedelta = timedelta(seconds=5)
    retry_cap: timedelta = timedelta(minutes=30)
    max_attempts: int = 25
    max_age: timedelta = timedelta(days=3)
    breaker_threshold: int = 5
    breaker_cool_down: timedelta = timedelta(seconds=30)
    lease: timedelta = timedelta(seconds=60)
    poll_interval: float = 1.0
    batch_size: int = 50
    soap_timeout: float = 30.0


@dataclass(frozen=True)
class ReadingsSettings:
    """The readings window and plausibility rules (see docs/readings.md)."""

    window_days_before: int = 2
    window_last_day: int = 3
    enforce_window: bool = True
    implausible_factor: int = 5
    volume_ceiling: int | None = None
    timezone: str = "Europe/Kyiv"


@dataclass(frozen=True)
class LiqPaySettings:
    """The payment provider's merchant keys (see docs/payments.md)."""

    public_key: str = ""
    private_key: str = field(default="", repr=False)
    checkout_url: str = "https://www.liqpay.ua/api/3/checkout"
    sandbox: bool = False


@dataclass(frozen=True)
class Settings:
    """Everything the adapter can be told; frozen so nobody changes it behind the root's back."""

    database_url: str = DEFAULT_DATABASE_URL
    dso_eic: str = "62X0000000000012"
    signing_key: Path | None = None
    signing_cert: Path | None = None
    supplier: PartySettings = field(default_factory=lambda: PartySettings("supplier"))
    billing: PartySettings = field(default_factory=lambda: PartySettings("billing"))
    consumer: PartySettings = field(default_factory=lambda: PartySettings("consumer"))
    max_request_bytes: int = 5 * 1024 * 1024
    wsse_max_skew: timedelta = timedelta(minutes=5)
    secret_key: str = field(default="dev-only-not-secret", repr=False)
    public_url: str = "http://127.0.0.1:8000"
    cookie_secure: bool = True
    dso_feedback_email: str = "feedback@localhost"
    dev_mail: bool = False
    mail_backend: str = "stored"
    mail_from: str = "cabinet@localhost"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_timeout: float = 10.0
    suppliers_file: Path | None = None
    poll_interval_seconds: float = 30.0
    log_json: bool = False
    log_level: str = "INFO"
    billing_transport: str = "soap"
    billing_outbox_dir: Path | None = None
    billing_inbox_dir: Path | None = None
    liqpay: LiqPaySettings = field(default_factory=LiqPaySettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    readings: ReadingsSettings = field(default_factory=ReadingsSettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``ADAPTER_*`` variables (``os.environ`` unless given) into a ``Settings``."""
        env = dict(os.environ if environ is None else environ)
        env_file = env.get("ADAPTER_ENV_FILE")
        if env_file:
            env = {**read_env_file(Path(env_file)), **env}
        return cls(
            database_url=env.get("ADAPTER_DATABASE_URL", DEFAULT_DATABASE_URL),
            dso_eic=env.get("ADAPTER_DSO_EIC", cls.dso_eic),
            signing_key=_path(env.get("ADAPTER_SIGNING_KEY")),
            signing_cert=_path(env.get("ADAPTER_SIGNING_CERT")),
            supplier=_party(env, "supplier"),
            billing=_party(env, "billing"),
            consumer=_party(env, "consumer"),
            max_request_bytes=_int(env, "ADAPTER_MAX_REQUEST_BYTES", cls.max_request_bytes),
            wsse_max_skew=timedelta(seconds=_int(env, "ADAPTER_WSSE_MAX_SKEW_SECONDS", 300)),
            secret_key=env.get("ADAPTER_SECRET_KEY", cls.secret_key),
            public_url=env.get("ADAPTER_PUBLIC_URL", cls.public_url),
            cookie_secure=_bool(env, "ADAPTER_COOKIE_SECURE", True),
            dso_feedback_email=env.get("ADAPTER_DSO_FEEDBACK_EMAIL", cls.dso_feedback_email),
            dev_mail=_bool(env, "ADAPTER_DEV_MAIL", False),
            mail_backend=_choice(env, "ADAPTER_MAIL_BACKEND", ("stored", "smtp")),
            mail_from=env.get("ADAPTER_MAIL_FROM", cls.mail_from),
            smtp_host=env.get("ADAPTER_SMTP_HOST", cls.smtp_host),
            smtp_port=_int(env, "ADAPTER_SMTP_PORT", cls.smtp_port),
            smtp_security=_choice(env, "ADAPTER_SMTP_SECURITY", ("starttls", "ssl", "none")),
            smtp_username=env.get("ADAPTER_SMTP_USERNAME") or None,
            smtp_password=env.get("ADAPTER_SMTP_PASSWORD") or None,
            smtp_timeout=_float(env, "ADAPTER_SMTP_TIMEOUT", cls.smtp_timeout),
            suppliers_file=_path(env.get("ADAPTER_SUPPLIERS_FILE")),
            poll_interval_seconds=_float(env, "ADAPTER_POLL_INTERVAL_SECONDS", 30.0),
            log_json=_bool(env, "ADAPTER_LOG_JSON", False),
            log_level=env.get("ADAPTER_LOG_LEVEL", "INFO").upper(),
            billing_transport=_choice(env, "ADAPTER_BILLING_TRANSPORT", ("soap", "file")),
            billing_outbox_dir=_path(env.get("ADAPTER_BILLING_OUTBOX_DIR")),
            billing_inbox_dir=_path(env.get("ADAPTER_BILLING_INBOX_DIR")),
            liqpay=LiqPaySettings(
                public_key=env.get("ADAPTER_LIQPAY_PUBLIC_KEY", ""),
                private_key=env.get("ADAPTER_LIQPAY_PRIVATE_KEY", ""),
                checkout_url=env.get("ADAPTER_LIQPAY_CHECKOUT_URL", LiqPaySettings.checkout_url),
                sandbox=_bool(env, "ADAPTER_LIQPAY_SANDBOX", False),
            ),
            delivery=_delivery(env),
            readings=_readings(env),
        )

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with some fields replaced (tests and the CLI's flags use this)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def parties(self) -> tuple[PartySettings, ...]:
        """The counterparties whose signed documents we accept."""
        return (self.supplier, self.billing, self.consumer)


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a ``KEY=value`` file such as the one ``adapter pki init`` writes."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigurationError(f"Не вдалося прочитати файл налаштувань {path}: {exc}") from exc
    values: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"')
    return values


def _party(env: Mapping[str, str], name: str) -> PartySettings:
    prefix = f"ADAPTER_{name.upper()}_"
    return PartySettings(
        name=name,
        eic=env.get(prefix + "EIC", ""),
        pinned_certs=_paths(env.get(prefix + "CERTS")),
        ca_certs=_paths(env.get(prefix + "CA_CERTS")),
        crls=_paths(env.get(prefix + "CRLS")),
        require_wsse=_bool(env, prefix + "REQUIRE_WSSE", False),
        xades=_bool(env, prefix + "XADES", False),
        endpoint=env.get(prefix + "ENDPOINT", ""),
    )


def _delivery(env: Mapping[str, str]) -> DeliverySettings:
    seconds = lambda key, default: timedelta(seconds=_int(env, key, default))  # noqa: E731
    return DeliverySettings(
        retry_base=seconds("ADAPTER_RETRY_BASE_SECONDS", 5),
        retry_cap=seconds("ADAPTER_RETRY_CAP_SECONDS", 1800),
        max_attempts=_int(env, "ADAPTER_RETRY_MAX_ATTEMPTS", 25),
        max_age=seconds("ADAPTER_RETRY_MAX_AGE_SECONDS", 3 * 24 * 3600),
        breaker_threshold=_int(env, "ADAPTER_BREAKER_THRESHOLD", 5),
        breaker_cool_down=seconds("ADAPTER_BREAKER_COOL_DOWN_SECONDS", 30),
        lease=seconds("ADAPTER_WORKER_LEASE_SECONDS", 60),
        poll_interval=_float(env, "ADAPTER_WORKER_POLL_SECONDS", 1.0),
        batch_size=_int(env, "ADAPTER_WORKER_BATCH_SIZE", 50),
        soap_timeout=_float(env, "ADAPTER_SOAP_TIMEOUT_SECONDS", 30.0),
    )


def _readings(env: Mapping[str, str]) -> ReadingsSettings:
    ceiling = env.get("ADAPTER_READINGS_VOLUME_CEILING")
    return ReadingsSettings(
        window_days_before=_int(env, "ADAPTER_READINGS_WINDOW_DAYS_BEFORE", 2),
        window_last_day=_int(env, "ADAPTER_READINGS_WINDOW_LAST_DAY", 3),
        enforce_window=_bool(env, "ADAPTER_READINGS_ENFORCE_WINDOW", True),
        implausible_factor=_int(env, "ADAPTER_READINGS_IMPLAUSIBLE_FACTOR", 5),
        volume_ceiling=_int(env, "ADAPTER_READINGS_VOLUME_CEILING", 0) if ceiling else None,
        timezone=env.get("ADAPTER_TIMEZONE", "Europe/Kyiv"),
    )


def _choice(env: Mapping[str, str], key: str, choices: tuple[str, ...]) -> str:
    value = env.get(key) or choices[0]
    if value not in choices:
        allowed = ", ".join(choices)
        raise ConfigurationError(f"{key} має бути одним із {allowed}, отримано {value!r}.")
    return value


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{key} має бути числом, отримано {raw!r}.") from exc


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _paths(value: str | None) -> tuple[Path, ...]:
    if not value:
        return ()
    return tuple(Path(part) for part in value.split(os.pathsep) if part)


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{key} має бути цілим числом, отримано {raw!r}.") from exc
