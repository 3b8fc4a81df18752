"""Sign docs/examples/unsigned/*.xml with a fresh sandbox PKI into docs/examples/signed/.

Run: .venv/bin/python scripts/make_examples.py
The private keys live in a temporary directory and are thrown away; only the public certificates
are written to docs/examples/certs/ so anyone can verify the examples (test-only identities).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from adapter.pki import generate_sandbox_pki
from adapter.signing import load_signing_key, sign

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"

#: Who signs each kind of document in the exchange.
SIGNER_OF = {
    "MeterReadingsDocument": "consumer",
    "ActCountersignature": "consumer",
    "SupplierInvoice": "supplier",
    "AcceptanceAct": "supplier",
    "DistributionInvoice": "billing",
    "DistributionAct": "billing",
    "ReactiveEnergyInvoice": "billing",
    "ConsumerRegistry": "billing",
    "PaymentNotice": "dso",
    "AcknowledgementDocument": "dso",
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pki = generate_sandbox_pki(Path(tmp))
        certs = EXAMPLES / "certs"
        certs.mkdir(exist_ok=True)
        for name in ("ca", "dso", "supplier", "billing", "consumer"):
            shutil.copyfile(Path(tmp) / f"{name}.cert.pem", certs / f"{name}.cert.pem")
        (EXAMPLES / "signed").mkdir(exist_ok=True)
        for source in sorted((EXAMPLES / "unsigned").glob("*.xml")):
            party = pki.party(SIGNER_OF[source.stem])
            key = load_signing_key(party.key.read_bytes(), party.cert.read_bytes())
            (EXAMPLES / "signed" / source.name).write_bytes(sign(source.read_bytes(), key=key))
            print(f"signed {source.name} as {party.name}")


if __name__ == "__main__":
    main()
