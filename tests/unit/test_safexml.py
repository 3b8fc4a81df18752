"""The one safe XML entry point refuses everything that is not plain, bounded XML."""

from __future__ import annotations

import pytest

from adapter.errors import XmlError
from adapter.safexml import parse_xml


def _code(data: bytes, **limits: int) -> str:
    with pytest.raises(XmlError) as error:
        parse_xml(data, **limits)
    return error.value.code


def test_plain_xml_parses_and_keeps_comments_for_the_signature_layer():
    root = parse_xml(b"<a><!-- note --><b>1</b></a>")
    assert root.findtext("b") == "1"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<a>", "XML_MALFORMED"),
        (b"", "XML_MALFORMED"),
        (b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "XML_FORBIDDEN_DTD"),
        (b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>', "XML_FORBIDDEN_DTD"),
        (b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', "XML_FORBIDDEN_DTD"),
        (b'<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/passwd"/></a>',
         "XML_FORBIDDEN_XINCLUDE"),
        (b"<a>&undeclared;</a>", "XML_MALFORMED"),
    ],
    ids=["unclosed", "empty", "internal-entity", "external-dtd", "external-entity", "xinclude",
         "undeclared-entity"],
)
def test_forbidden_or_broken_input_gets_its_code(data: bytes, code: str):
    assert _code(data) == code


def test_the_size_limit_is_checked_before_parsing():
    assert _code(b"<a>" + b"x" * 100 + b"</a>", max_bytes=50) == "XML_TOO_LARGE"


def test_depth_is_limited_exactly_at_the_limit():
    nested = lambda n: b"<a>" * n + b"</a>" * n  # noqa: E731
    assert parse_xml(nested(10), max_depth=10) is not None
    assert _code(nested(11), max_depth=10) == "XML_TOO_DEEP"
    assert _code(nested(400)) == "XML_TOO_DEEP"  # libxml2's own limit answers with the same code


def test_non_bytes_input_is_refused():
    assert _code("<a/>") == "XML_MALFORMED"  # type: ignore[arg-type]
