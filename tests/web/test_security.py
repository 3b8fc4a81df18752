"""CSRF, security headers, cookie flags, organisation scoping, no XML libraries in web/."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Blueprint

from tests.web.conftest import (
    OTHER_CONTRACT,
    OTHER_NAME,
    OTHER_POINT,
    PASSWORD,
    POINT_1,
    Cabinet,
    Clock,
    make_cabinet,
)

WEB = Path(__file__).resolve().parents[2] / "web"


def test_forms_without_csrf_token_are_refused(registered: Cabinet) -> None:
    client = registered.client().client
    response = client.post("/login", data={"login": "270000001", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF_INVALID" in response.get_data(as_text=True)
    forged = client.post("/login", data={"login": "270000001", "password": PASSWORD,
                                         "csrf_token": "forged"})
    assert forged.status_code == 400
    assert not [e for e in registered.audit_events() if e.event == "login"]


def test_soap_blueprints_are_exempt_from_csrf(tmp_path: Path, clock: Clock) -> None:
    soap = Blueprint("soap_intake", __name__)
    soap.add_url_rule("/soap/intake", "intake", lambda: "<ok/>", methods=["POST"])
    callback = Blueprint("payments_callback", __name__)
    callback.add_url_rule("/pay/callback", "cb", lambda: "ok", methods=["POST"])
    made = make_cabinet(f"sqlite:///{tmp_path / 'a.sqlite3'}", clock)
    made.app.register_blueprint(soap)
    made.app.register_blueprint(callback)
    client = made.app.test_client()
    assert client.post("/soap/intake", data=b"<x/>").status_code == 200
    assert client.post("/feedback", data={}).status_code == 400
    assert client.post("/pay/callback").status_code == 400  # not exempt by default
    made.app.config["CABINET_CSRF_EXEMPT_PREFIXES"] = ("soap", "payments_callback")
    assert client.post("/pay/callback").status_code == 200
    made.container.engine.dispose()


def test_security_headers_on_every_response(cabinet: Cabinet) -> None:
    client = cabinet.client().client
    for path in ("/", "/register", "/assets/cabinet.css", "/no-such-page"):
        response = client.get(path)
        response.close()  # static files are streamed from an open file
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain http in this configuration
    assert client.get("/register").headers["Cache-Control"] == "no-store"


def test_secure_cookies_and_hsts_when_configured(tmp_path: Path, clock: Clock) -> None:
    made = make_cabinet(f"sqlite:///{tmp_path / 'a.sqlite3'}", clock, cookie_secure=True)
    client = made.app.test_client()
    response = client.get("/login", base_url="https://cabinet.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]  # the CSRF secret lives in the session cookie
    assert "cabinet_session=" in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    made.container.engine.dispose()


def test_a_user_sees_only_their_own_organisation(registered: Cabinet) -> None:
    other = registered.client(ip="192.0.2.40")
    assert other.register(contract=OTHER_CONTRACT, name=OTHER_NAME, eic=OTHER_POINT,
                          email="lan@lan.test").status_code == 200
    assert other.follow_mail_link("lan@lan.test").status_code == 200
    ours = registered.client()
    ours.login()
    theirs = registered.client()
    theirs.login(login=OTHER_CONTRACT)
    our_page = ours.get("/cabinet").get_data(as_text=True)
    their_page = theirs.get("/cabinet").get_data(as_text=True)
    assert POINT_1 in our_page and OTHER_POINT not in our_page
    assert OTHER_POINT in their_page and POINT_1 not in their_page
    their_team = theirs.get("/account").get_data(as_text=True)
    assert "lan@lan.test" in their_team and "buh@dzherelo.test" not in their_team


def test_web_never_imports_xml_or_soap_libraries() -> None:
    forbidden = {"zeep", "lxml", "xmlsec", "signxml"}
    for path in WEB.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path} imports {name}"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[str] = []
        self.labels: set[str] = set()
        self.inline_script = False
        self.handlers: list[str] = []
        self.external: list[str] = []
        self.viewport = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        for name in ("src", "href"):
            link = values.get(name) or ""
            if tag in ("script", "link", "img") and re.match(r"(https?:)?//", link):
                self.external.append(link)
        if tag == "script" and not values.get("src"):
            self.inline_script = True
        if tag == "meta" and values.get("name") == "viewport":
            self.viewport = True
        if tag == "label" and values.get("for"):
            self.labels.add(values["for"] or "")
        if tag in ("input", "textarea", "select") and values.get("type") != "hidden":
            self.inputs.append(values.get("id") or "")


@pytest.mark.parametrize("path", ["/", "/register", "/login", "/forgot", "/feedback", "/terms",
                                  "/kep", "/how-to-register", "/instructions"])
def test_public_pages_are_accessible_and_self_contained(cabinet: Cabinet, path: str) -> None:
    html = cabinet.client().get(path).get_data(as_text=True)
    page = _Page()
    page.feed(html)
    assert '<html lang="uk">' in html and page.viewport
    assert 'class="skip-link" href="#main"' in html
    assert all(field and field in page.labels for field in page.inputs), page.inputs
    assert not page.inline_script and not page.handlers and not page.external


def test_account_page_has_a_label_for_every_field(registered: Cabinet) -> None:
    browser = registered.client()
    browser.login()
    page = _Page()
    page.feed(browser.get("/account").get_data(as_text=True))
    assert len(page.inputs) == len(set(page.inputs))  # ids are unique on the page
    assert all(field in page.labels for field in page.inputs), page.inputs


def test_static_files_fetch_nothing_from_elsewhere() -> None:
    for path in (WEB / "static").rglob("*"):
        if path.is_file():
            assert not re.search(r"https?://|@import", path.read_text(encoding="utf-8")), path
