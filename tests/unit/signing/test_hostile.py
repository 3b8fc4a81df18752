"""Hostile documents: every known way around a plain XMLDSig verifier, each with its stable code.

Builders live in tests/support/attacks.py so other suites (intake, SOAP) can reuse them. Where
possible the hostile document is *cryptographically valid* (signed by a trusted key through raw
python-xmlsec), so the rejection is the policy's doing, not a broken digest.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import xmlsec
from lxml import etree

from adapter.errors import SignatureError
from adapter.pki import SandboxPki, create_other_ca, issue_extra_cert, revoke
from adapter.signing import TrustedParty, VerificationPolicy, load_signing_key, sign, verify
from adapter.signing import constants as c
from tests.support import attacks
from tests.support.documents import EX_NS, small_xml
from tests.support.pki import signing_key

T = xmlsec.constants


def _code(xml: bytes, policy: VerificationPolicy, **kwargs: object) -> str:
    with pytest.raises(SignatureError) as info:
        verify(xml, policy=policy, **kwargs)  # type: ignore[arg-type]
    return info.value.code


@pytest.fixture(scope="module")
def supplier_xmlsec(sandbox_pki: SandboxPki) -> xmlsec.Key:
    return attacks.load_xmlsec_key(
        sandbox_pki.supplier_key.read_bytes(), sandbox_pki.supplier_cert.read_bytes()
    )


def _xmlsec_verifies(xml: bytes, cert: Path, id_attr: str = "Id") -> bool:
    """Would plain python-xmlsec (no policy) accept it? Shows the attack is real, not broken."""
    root = etree.fromstring(xml)
    signature = root.find(f".//{attacks.DS}Signature")
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_file(str(cert), T.KeyDataFormatCertPem)
    for element in root.iter(etree.Element):
        if element.get(id_attr) is not None:
            try:
                ctx.register_id(element, id_attr)
            except xmlsec.Error:
                return False
    try:
        ctx.verify(signature)
    except xmlsec.Error:
        return False
    return True


# --- wrapping and placement ---------------------------------------------------------------------

WRAPPING: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("signed original nested in forged root", attacks.wrap_in_forged_root, "SIG_MISPLACED"),
    (
        "signature hoisted, forged root reuses Id",
        lambda s: attacks.hoist_signature_over_forgery(s, keep_root_id=True),
        "SIG_DUPLICATE_ID",
    ),
    (
        "signature hoisted, reference now to a nested element",
        lambda s: attacks.hoist_signature_over_forgery(s, keep_root_id=False),
        "SIG_REFERENCE",
    ),
    ("original hidden in ds:Object", attacks.hide_original_in_object, "SIG_DUPLICATE_ID"),
    ("signature moved to first child", attacks.move_signature, "SIG_MISPLACED"),
    (
        "signature moved into a line",
        lambda s: attacks.move_signature(s, where="line"),
        "SIG_MISPLACED",
    ),
    ("element appended after signature", attacks.append_after_signature, "SIG_MISPLACED"),
    ("second signature", attacks.duplicate_signature, "SIG_MULTIPLE"),
    ("no signature", attacks.strip_signature, "SIG_MISSING"),
]


@pytest.mark.parametrize(("name", "build", "code"), WRAPPING, ids=[w[0] for w in WRAPPING])
def test_wrapping(
    signed: bytes, policy, name: str, build: Callable[[bytes], bytes], code: str
) -> None:
    assert _code(build(signed), policy) == code


def test_wrapping_fools_plain_xmlsec(signed: bytes, sandbox_pki: SandboxPki) -> None:
    """The hoisted forgery really passes a policy-less xmlsec check: our checks are what stop it."""
    forged = attacks.hoist_signature_over_forgery(signed, keep_root_id=False)
    assert _xmlsec_verifies(forged, sandbox_pki.supplier_cert)


# --- references and identifiers -----------------------------------------------------------------


def test_reference_to_child_element(supplier_xmlsec: xmlsec.Key, policy) -> None:
    doc = small_xml().replace(b'<ex:Line number="1">', b'<ex:Line number="1" Id="line-1">')
    forged = attacks.raw_sign(doc, supplier_xmlsec, reference_uri="#line-1")
    assert _code(forged, policy) == "SIG_REFERENCE"


def test_external_reference(signed: bytes, policy) -> None:
    forged = signed.replace(b'URI="#doc-INV-2024-000123"', b'URI="http://evil.invalid/x"', 1)
    assert _code(forged, policy) == "SIG_REFERENCE"


@pytest.mark.parametrize("uri", ["", "#xpointer(/)", "#xpointer(id('doc-1'))"])
def test_reference_forms(supplier_xmlsec: xmlsec.Key, policy, uri: str) -> None:
    forged = attacks.raw_sign(small_xml(), supplier_xmlsec, reference_uri=uri)
    assert _code(forged, policy) == "SIG_REFERENCE"


def test_extra_reference(supplier_xmlsec: xmlsec.Key, policy) -> None:
    doc = small_xml().replace(b'<ex:Line number="1">', b'<ex:Line number="1" Id="line-1">')
    forged = attacks.raw_sign(doc, supplier_xmlsec, extra_reference_uris=["#line-1"])
    assert _code(forged, policy) == "SIG_REFERENCE"


@pytest.mark.parametrize(
    ("attr", "ns"),
    attacks.DECOY_ID_ATTRIBUTES,
    ids=[f"{n}:{a}" for a, n in attacks.DECOY_ID_ATTRIBUTES],
)
@pytest.mark.parametrize("in_signature", [True, False], ids=["in-object", "in-content"])
def test_decoy_id(signed: bytes, policy, attr: str, ns: str | None, in_signature: bool) -> None:
    forged = attacks.add_decoy_id(signed, attr, ns, in_signature=in_signature)
    assert _code(forged, policy) == "SIG_DUPLICATE_ID"


def test_decoy_id_with_padding(signed: bytes, policy) -> None:
    forged = signed.replace(b"<ex:Lines>", b'<ex:Lines ID=" doc-INV-2024-000123 ">', 1)
    assert _code(forged, policy) == "SIG_DUPLICATE_ID"


def test_duplicate_ids_under_same_attribute(supplier_xmlsec: xmlsec.Key, policy) -> None:
    doc = small_xml(doc_id="doc-1").replace(b"<ex:Lines>", b'<ex:Lines Id="doc-1">')
    assert _code(attacks.raw_sign(doc, supplier_xmlsec), policy) == "SIG_DUPLICATE_ID"


def test_root_without_id(supplier_xmlsec: xmlsec.Key, policy) -> None:
    doc = small_xml().replace(b'Id="doc-1"', b'ID="doc-1"')
    forged = attacks.raw_sign(
        doc, supplier_xmlsec, reference_uri="#doc-1", id_attrs=(("ID", None),)
    )
    assert _code(forged, policy) == "SIG_REFERENCE"


# --- transforms ---------------------------------------------------------------------------------


def test_xpath_transform(supplier_xmlsec: xmlsec.Key, policy, sandbox_pki: SandboxPki) -> None:
    forged = attacks.raw_sign(
        small_xml(), supplier_xmlsec, transforms=(T.TransformXPath, T.TransformExclC14N)
    )
    assert _xmlsec_verifies(forged, sandbox_pki.supplier_cert)
    assert _code(forged, policy) == "SIG_TRANSFORM"


def test_xpath_filter_hiding_content(supplier_xmlsec: xmlsec.Key, policy) -> None:
    """An XPath dropping the amounts from the digest: signed, yet the amounts may change."""
    forged = attacks.raw_sign(
        small_xml(),
        supplier_xmlsec,
        transforms=(T.TransformEnveloped, T.TransformXPath, T.TransformExclC14N),
        xpath="not(ancestor-or-self::*[local-name()='Amount'])",
    )
    assert _code(attacks.tamper_amount(forged, "1"), policy) == "SIG_TRANSFORM"


def test_xslt_transform(signed: bytes, policy) -> None:
    body = (
        '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0">'
        '<xsl:template match="/"><x/></xsl:template></xsl:stylesheet>'
    )
    assert (
        _code(attacks.add_transform(signed, attacks.XSLT_URI, body=body), policy) == "SIG_TRANSFORM"
    )


@pytest.mark.parametrize(
    "transforms",
    [
        (T.TransformEnveloped,),
        (T.TransformExclC14N,),
        (T.TransformEnveloped, T.TransformInclC14N),
        (T.TransformEnveloped, T.TransformExclC14NWithComments),
        (),
    ],
    ids=["enveloped-only", "c14n-only", "inclusive", "with-comments", "none"],
)
def test_other_transform_chains(supplier_xmlsec: xmlsec.Key, policy, transforms) -> None:
    forged = attacks.raw_sign(small_xml(), supplier_xmlsec, transforms=transforms)
    assert _code(forged, policy) == "SIG_TRANSFORM"


# --- algorithms and keys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digest", "method"),
    [(T.TransformSha1, T.TransformRsaSha256), (T.TransformSha256, T.TransformRsaSha1)],
    ids=["sha1-digest", "rsa-sha1"],
)
def test_sha1(supplier_xmlsec: xmlsec.Key, policy, digest, method) -> None:
    forged = attacks.raw_sign(small_xml(), supplier_xmlsec, digest=digest, method=method)
    assert _code(forged, policy) == "SIG_ALGORITHM"


@pytest.mark.parametrize(
    ("element", "algorithm"),
    [
        ("DigestMethod", "http://www.w3.org/2001/04/xmldsig-more#md5"),
        ("SignatureMethod", "http://www.w3.org/2001/04/xmldsig-more#rsa-md5"),
        ("SignatureMethod", "http://www.w3.org/2000/09/xmldsig#dsa-sha1"),
        ("SignatureMethod", "http://www.w3.org/2009/xmldsig11#dsa-sha256"),
        ("CanonicalizationMethod", "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"),
    ],
)
def test_forbidden_algorithm_names(signed: bytes, policy, element: str, algorithm: str) -> None:
    assert _code(attacks.set_algorithm(signed, element, algorithm), policy) == "SIG_ALGORITHM"


def test_hmac(policy) -> None:
    """HMAC with a guessed or public secret proves nothing about the signer."""
    key = xmlsec.Key.from_binary_data(T.KeyDataHmac, b"secret")
    forged = attacks.raw_sign(small_xml(), key, method=T.TransformHmacSha256, with_cert=False)
    assert _code(forged, policy) == "SIG_ALGORITHM"


def test_ecdsa_method_with_rsa_key(signed: bytes, policy) -> None:
    assert (
        _code(attacks.set_algorithm(signed, "SignatureMethod", c.ECDSA_SHA256), policy)
        == "SIG_ALGORITHM"
    )


def test_weak_rsa_key(sandbox_pki: SandboxPki, tmp_path: Path) -> None:
    weak = issue_extra_cert(sandbox_pki, "weak", directory=tmp_path, rsa_bits=1024)
    key = attacks.load_xmlsec_key(weak.key.read_bytes(), weak.cert.read_bytes())
    forged = attacks.raw_sign(small_xml(), key)
    policy = VerificationPolicy(parties=(TrustedParty("x", pinned_certs=(weak.cert,)),))
    assert _code(forged, policy) == "SIG_WEAK_KEY"


def test_no_certificate(supplier_xmlsec: xmlsec.Key, policy) -> None:
    forged = attacks.raw_sign(small_xml(), supplier_xmlsec, with_cert=False)
    assert _code(forged, policy) == "SIG_KEYINFO"


# --- trust --------------------------------------------------------------------------------------


def test_untrusted_self_signed(tmp_path: Path, unsigned: bytes, policy) -> None:
    rogue = create_other_ca(tmp_path, "rogue", key_type="ec")
    # A CA certificate has keyCertSign, but also digitalSignature: only trust can stop it.
    key = load_signing_key(rogue.key.read_bytes(), rogue.cert.read_bytes())
    assert _code(sign(unsigned, key=key), policy) == "SIG_UNTRUSTED"


def test_untrusted_other_ca(tmp_path: Path, unsigned: bytes, policy) -> None:
    other = create_other_ca(tmp_path, key_type="ec")
    cert = issue_extra_cert(
        other, "rogue-consumer", directory=tmp_path, edrpou="12345678", key_type="ec"
    )
    key = load_signing_key(cert.key.read_bytes(), cert.cert.read_bytes())
    assert _code(sign(unsigned, key=key), policy) == "SIG_UNTRUSTED"


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("expired", "SIG_CERT_EXPIRED"),
        ("future", "SIG_CERT_NOT_YET_VALID"),
        ("usage", "SIG_KEY_USAGE"),
    ],
)
def test_bad_certificates(
    sandbox_pki, tmp_path: Path, unsigned: bytes, policy, kind: str, code: str
) -> None:
    now = datetime.now(UTC)
    dates = {
        "expired": (now - timedelta(days=60), now - timedelta(days=1)),
        "future": (now + timedelta(days=1), now + timedelta(days=60)),
        "usage": (now - timedelta(days=1), now + timedelta(days=60)),
    }[kind]
    cert = issue_extra_cert(
        sandbox_pki,
        kind,
        directory=tmp_path,
        key_type="ec",
        edrpou="12345678",
        not_before=dates[0],
        not_after=dates[1],
        usages={"key_encipherment"} if kind == "usage" else {"digital_signature"},
    )
    key = load_signing_key(cert.key.read_bytes(), cert.cert.read_bytes())
    assert _code(sign(unsigned, key=key), policy, now=now) == code


def test_revoked(sandbox_pki: SandboxPki, tmp_path: Path, unsigned: bytes) -> None:
    cert = issue_extra_cert(
        sandbox_pki, "stolen", directory=tmp_path, key_type="ec", edrpou="12345678"
    )
    crl = revoke(sandbox_pki, [cert.cert], crl_path=tmp_path / "stolen.crl.pem")
    policy = VerificationPolicy(
        parties=(TrustedParty("consumer", ca_certs=(sandbox_pki.ca_cert,), crls=(crl,)),)
    )
    key = load_signing_key(cert.key.read_bytes(), cert.cert.read_bytes())
    assert _code(sign(unsigned, key=key), policy) == "SIG_REVOKED"


# --- content ------------------------------------------------------------------------------------


def test_comment_injection_reads_the_signed_value(signed: bytes, policy) -> None:
    injected = attacks.inject_comment(signed)
    naive = etree.fromstring(injected)
    assert next(naive.iter(f"{{{EX_NS}}}Amount")).text == "1"  # what a careless reader sees
    result = verify(injected, policy=policy)  # comments are outside the signature: still valid
    assert (
        result.signed_root.findtext(f"{{{EX_NS}}}Lines/{{{EX_NS}}}Line/{{{EX_NS}}}Amount") == "1000"
    )
    assert b"<!--" not in result.signed_xml


def test_dtd_is_refused(signed: bytes, policy) -> None:
    hostile = signed.replace(b"?>\n", b'?>\n<!DOCTYPE x [<!ENTITY e "1">]>\n', 1)
    with pytest.raises(Exception) as info:
        verify(hostile, policy=policy)
    assert getattr(info.value, "code", "") == "XML_FORBIDDEN_DTD"


# --- the two halves of the cryptographic check --------------------------------------------------


def _recompute_digest(xml: bytes) -> bytes:
    """Fix up DigestValue after a content change, as an attacker without the key would."""
    root = etree.fromstring(xml)
    signature = root.find(f"{attacks.DS}Signature")
    root.remove(signature)
    digest = hashlib.sha256(etree.tostring(root, method="c14n", exclusive=True)).digest()
    signature.find(f".//{attacks.DS}DigestValue").text = base64.b64encode(digest).decode()
    root.append(signature)
    return etree.tostring(root)


def test_forged_content_with_fixed_digest(signed: bytes, policy) -> None:
    forged = _recompute_digest(attacks.tamper_amount(signed, "1"))
    assert _code(forged, policy) == "SIG_INVALID"


def test_tampered_signature_value(signed: bytes, policy) -> None:
    root = etree.fromstring(signed)
    node = root.find(f".//{attacks.DS}SignatureValue")
    text = "".join(node.text.split())
    node.text = ("A" if text[0] != "A" else "B") + text[1:]
    assert _code(etree.tostring(root), policy) == "SIG_INVALID"


def test_tampered_xades_properties(sandbox_pki: SandboxPki, policy) -> None:
    xades_signed = sign(small_xml(), key=signing_key(sandbox_pki, "supplier"), xades=True)
    forged = re.sub(rb"<xades:SigningTime>\d{4}", b"<xades:SigningTime>1999", xades_signed, count=1)
    assert forged != xades_signed
    assert _code(forged, policy) == "SIG_INVALID"


def test_inclusive_c14n_of_signed_info(signed: bytes, policy) -> None:
    forged = attacks.set_algorithm(signed, "CanonicalizationMethod", c.C14N_10)
    assert _code(forged, policy) == "SIG_ALGORITHM"
