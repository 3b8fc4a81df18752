"""Signing benchmark: our sign/verify against raw python-xmlsec, signxml and ``openssl speed``.

Run: ``.venv/bin/python bench/bench_signing.py [--seconds 1.0] [--key-type rsa|ec]``

One realistic 40-line supplier invoice (tests/support/documents.py), a freshly generated sandbox
PKI, every measurement in one process on the same document. Targets (docs/signing.md): our
full-policy verify >= signxml's plain ``XMLVerifier().verify()`` and within 2x of raw xmlsec
verify; our sign within 1.5x of raw xmlsec sign.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import signxml  # noqa: E402
import xmlsec  # noqa: E402
from lxml import etree  # noqa: E402

from adapter.pki import generate_sandbox_pki  # noqa: E402
from adapter.signing import (  # noqa: E402
    TrustedParty,
    VerificationPolicy,
    load_signing_key,
    sign,
    verify,
)
from tests.support.documents import invoice_xml  # noqa: E402

T = xmlsec.constants
DS = "{http://www.w3.org/2000/09/xmldsig#}"


def rate(func: Callable[[], object], seconds: float, repeats: int = 3) -> float:
    """Best ops/s over ``repeats`` runs of about ``seconds`` each."""
    func()  # warm caches (parsed certificates, chain validation)
    best = 0.0
    for _ in range(repeats):
        count, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            func()
            count += 1
        best = max(best, count / elapsed)
    return best


def raw_xmlsec_sign(doc: bytes, key: xmlsec.Key, method: object) -> bytes:
    root = etree.fromstring(doc)
    signature = xmlsec.template.create(root, T.TransformExclC14N, method, ns="ds")
    ref = xmlsec.template.add_reference(signature, T.TransformSha256, uri=f"#{root.get('Id')}")
    xmlsec.template.add_transform(ref, T.TransformEnveloped)
    xmlsec.template.add_transform(ref, T.TransformExclC14N)
    key_info = xmlsec.template.ensure_key_info(signature)
    xmlsec.template.x509_data_add_certificate(xmlsec.template.add_x509_data(key_info))
    root.append(signature)
    ctx = xmlsec.SignatureContext()
    ctx.key = key
    ctx.register_id(root, "Id")
    ctx.sign(signature)
    return etree.tostring(root)


def raw_xmlsec_verify(signed: bytes, key: xmlsec.Key) -> None:
    root = etree.fromstring(signed)
    ctx = xmlsec.SignatureContext()
    ctx.key = key
    ctx.register_id(root, "Id")
    ctx.verify(root.find(f"{DS}Signature"))


def openssl_speed(key_type: str) -> tuple[float, float] | None:
    algorithm = "rsa2048" if key_type == "rsa" else "ecdsap256"
    try:
        out = subprocess.run(
            ["openssl", "speed", "-seconds", "3", algorithm],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    pattern = r"^rsa\s+2048 bits.*" if key_type == "rsa" else r"^\s*256 bits ecdsa \(nistp256\).*"
    line = re.search(pattern, out, re.MULTILINE)
    if not line:
        return None
    numbers = [float(x) for x in re.findall(r"\d+\.\d+|\d+", line.group(0).split(")")[-1])]
    # Columns: time/sign, time/verify, sign/s, verify/s (OpenSSL 3.0 layout).
    return numbers[-2], numbers[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds per measurement run")
    parser.add_argument("--key-type", choices=("rsa", "ec"), default="rsa")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        pki = generate_sandbox_pki(Path(tmp), key_type=args.key_type)
        key = load_signing_key(pki.supplier_key.read_bytes(), pki.supplier_cert.read_bytes())
        cert_pem = pki.supplier_cert.read_bytes()
        doc = invoice_xml(40)
        signed = sign(doc, key=key)
        pinned = VerificationPolicy(parties=(TrustedParty("supplier", pinned_certs=(cert_pem,)),))
        chained = VerificationPolicy(
            parties=(TrustedParty("supplier", ca_certs=(pki.ca_cert,), crls=(pki.ca_crl,)),)
        )
        raw_key = xmlsec.Key.from_memory(pki.supplier_key.read_bytes(), T.KeyDataFormatPem, None)
        raw_key.load_cert_from_memory(cert_pem, T.KeyDataFormatCertPem)
        raw_pub = xmlsec.Key.from_memory(cert_pem, T.KeyDataFormatCertPem, None)
        method = T.TransformRsaSha256 if args.key_type == "rsa" else T.TransformEcdsaSha256
        cert_text = cert_pem.decode("ascii")
        verifier = signxml.XMLVerifier()

        s = args.seconds
        results = {
            "our sign": rate(lambda: sign(doc, key=key), s),
            "raw xmlsec sign": rate(lambda: raw_xmlsec_sign(doc, raw_key, method), s),
            "our verify (pinned, full policy)": rate(lambda: verify(signed, policy=pinned), s),
            "our verify (CA + CRL, full policy)": rate(lambda: verify(signed, policy=chained), s),
            "raw xmlsec verify": rate(lambda: raw_xmlsec_verify(signed, raw_pub), s),
            "signxml XMLVerifier().verify(x509_cert=)": rate(
                lambda: verifier.verify(signed, x509_cert=cert_text), s
            ),
        }
        speed = openssl_speed(args.key_type)

    print(
        f"document: 40-line invoice, {len(doc)} bytes unsigned, {len(signed)} signed; "
        f"key {args.key_type}; cpus {os.cpu_count()}; python {sys.version.split()[0]}"
    )
    print(f"| {'operation':<44} | {'ops/s':>9} |")
    print(f"|{'-' * 46}|{'-' * 11}|")
    for name, value in results.items():
        print(f"| {name:<44} | {value:>9,.0f} |")
    if speed:
        print(f"| {'openssl speed ' + args.key_type + ' sign':<44} | {speed[0]:>9,.0f} |")
        print(f"| {'openssl speed ' + args.key_type + ' verify':<44} | {speed[1]:>9,.0f} |")
    sign_ratio = results["raw xmlsec sign"] / results["our sign"]
    ours = min(
        results["our verify (pinned, full policy)"], results["our verify (CA + CRL, full policy)"]
    )
    vs_signxml = ours / results["signxml XMLVerifier().verify(x509_cert=)"]
    vs_raw = results["raw xmlsec verify"] / ours
    print()
    print(
        f"sign: raw xmlsec / ours = {sign_ratio:.2f}x (target <= 1.5x) "
        f"{'OK' if sign_ratio <= 1.5 else 'MISSED'}"
    )
    print(
        f"verify: ours / signxml = {vs_signxml:.2f}x (target >= 1.0x) "
        f"{'OK' if vs_signxml >= 1 else 'MISSED'}"
    )
    print(
        f"verify: raw xmlsec / ours = {vs_raw:.2f}x (target <= 2.0x) "
        f"{'OK' if vs_raw <= 2 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
