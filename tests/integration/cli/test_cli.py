"""The integrator's CLI, run as a real process: pki init, sign, verify, db upgrade, documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509

from adapter.bootstrap import build_container
from adapter.services.intake import submit_document
from adapter.settings import Settings
from tests.support.exchange import supplier_invoice_xml

ADAPTER = [sys.executable, "-m", "adapter.cli"]


def run(*args: str, env_file: Path | None = None, db: str | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADAPTER_")}
    if db:
        env["ADAPTER_DATABASE_URL"] = db
    prefix = ["--env-file", str(env_file)] if env_file else []
    return subprocess.run([*ADAPTER, *prefix, *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=60, check=False)


@pytest.fixture(scope="module")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("pki")
    result = run("pki", "init", str(directory))
    assert result.returncode == 0, result.stderr
    return directory


def test_pki_init_writes_every_identity_and_the_settings_that_trust_them(pki_dir: Path):
    for name in ("ca", "dso", "supplier", "billing", "consumer"):
        assert (pki_dir / f"{name}.key.pem").read_bytes().startswith(b"-----BEGIN")
        assert (pki_dir / f"{name}.cert.pem").exists()
    env = dict(line.split("=", 1) for line in (pki_dir / "adapter.env").read_text().splitlines()
               if "=" in line and not line.startswith("#"))
    assert env["ADAPTER_SUPPLIER_CERTS"] == str(pki_dir / "supplier.cert.pem")
    consumer = x509.load_pem_x509_certificate((pki_dir / "consumer.cert.pem").read_bytes())
    assert "NTRUA-12345678" in consumer.subject.rfc4514_string()


def _sign(pki_dir: Path, tmp_path: Path, party: str, xml: bytes) -> Path:
    source = tmp_path / "unsigned.xml"
    source.write_bytes(xml)
    result = run("sign", "--key", str(pki_dir / f"{party}.key.pem"),
                 "--cert", str(pki_dir / f"{party}.cert.pem"), str(source))
    assert result.returncode == 0, result.stderr
    signed = tmp_path / f"signed-{party}.xml"
    signed.write_text(result.stdout, encoding="utf-8")
    return signed


def test_sign_then_verify_prints_a_one_line_summary(pki_dir: Path, tmp_path: Path):
    signed = _sign(pki_dir, tmp_path, "supplier", supplier_invoice_xml("CLI-1"))

    result = run("verify", "--as", "supplier", str(signed), env_file=pki_dir / "adapter.env")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK SupplierInvoice mRID=CLI-1 rev=1 ")
    assert "party=supplier" in result.stdout


@pytest.mark.parametrize(
    ("party", "as_party", "tamper", "code"),
    [
        ("supplier", "billing", False, "SIG_UNTRUSTED"),
        ("supplier", "supplier", True, "SIG_INVALID"),
        ("dso", "consumer", False, "SIG_EDRPOU_MISSING"),
    ],
    ids=["other-party", "tampered", "consumer-without-edrpou"],
)
def test_verify_fails_with_the_stable_code(pki_dir: Path, tmp_path: Path, party: str,
                                           as_party: str, tamper: bool, code: str):
    signed = _sign(pki_dir, tmp_path, party, supplier_invoice_xml("CLI-2"))
    if tamper:
        signed.write_text(signed.read_text().replace("<quantity>1000<", "<quantity>1<"))

    result = run("verify", "--as", as_party, str(signed), env_file=pki_dir / "adapter.env")

    assert result.returncode == 1
    assert result.stderr.startswith(f"{code}: ")


def test_db_upgrade_then_documents_list(pki_dir: Path, tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env_file = pki_dir / "adapter.env"
    first, again = run("db", "upgrade", db=db), run("db", "upgrade", db=db)
    assert first.returncode == again.returncode == 0
    assert "оновлено" in first.stdout and "актуальна" in again.stdout
    signed = _sign(pki_dir, tmp_path, "supplier", supplier_invoice_xml("CLI-3")).read_bytes()
    container = build_container(Settings.from_env({"ADAPTER_ENV_FILE": str(env_file),
                                                   "ADAPTER_DATABASE_URL": db}))
    assert submit_document(container.intake, signed, channel="file").code.value == "A01"

    listed = run("documents", "list", "--json", env_file=env_file, db=db)

    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert (row["kind"], row["mrid"], row["revision"], row["sender_eic"]) == (
        "SupplierInvoice", "CLI-3", 1, "62X0000000000020")
    assert len(row["sha256"]) == 64
