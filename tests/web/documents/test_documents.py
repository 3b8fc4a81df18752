"""The documents pages: list, filters, search, pages, view, original, PDF, verification report."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date

import pypdf
import pytest
from sqlalchemy import update

from adapter.persistence.models import InboundDocumentRecord
from tests.web.documents.conftest import Docs


def ids_on(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-document-id="(\d+)"', html)]


def test_list_shows_only_the_organisations_documents(docs: Docs) -> None:
    mine = [docs.invoice("INV-A1"), docs.act("ACT-A1")]
    theirs = docs.invoice("INV-B1", contract="270000002", edrpou="87654322")
    page = docs.login_a().get("/cabinet/documents").get_data(as_text=True)
    assert sorted(ids_on(page)) == sorted(mine)
    assert theirs not in ids_on(page)
    assert ids_on(docs.login_b().get("/cabinet/documents").get_data(as_text=True)) == [theirs]


def test_filters_search_and_pages(docs: Docs) -> None:
    invoices = [docs.invoice(f"INV-{n}", period=date(2026, 1 + n % 3, 1)) for n in range(23)]
    act = docs.act("ACT-7")
    browser = docs.login_a()

    def listed(query: str) -> list[int]:
        return ids_on(browser.get(f"/cabinet/documents?{query}").get_data(as_text=True))

    first, second = listed("page=1"), listed("page=2")
    assert len(first) == 20 and len(second) == 4
    assert set(first) | set(second) == {*invoices, act}
    assert listed("kind=acts") == [act]
    assert set(listed("kind=invoices&page=2")) <= set(invoices)
    february = [i for n, i in enumerate(invoices) if n % 3 == 1]
    assert sorted(listed("kind=invoices&period=2026-02")) == sorted(february)
    assert listed("q=INV-17") == [invoices[17]]  # mRID
    assert listed("q=%D0%A0%D0%95-INV-5") == [invoices[5]]  # number "РЕ-INV-5"
    assert listed("status=awaiting") == [act]
    assert len(listed("status=unpaid")) == 20  # first page of the 23 unpaid
    assert listed("q=%25") == []  # a literal %, not a wildcard


def test_other_organisations_document_is_404_everywhere(docs: Docs) -> None:
    invoice = docs.invoice("INV-B2", contract="270000002", edrpou="87654322")
    act = docs.act("ACT-B2", contract="270000002", edrpou="87654322")
    browser = docs.login_a()
    for path in (f"/cabinet/documents/{invoice}", f"/cabinet/documents/{invoice}/original",
                 f"/cabinet/documents/{invoice}/pdf", f"/cabinet/documents/{invoice}/report",
                 f"/cabinet/documents/{act}/countersign", "/cabinet/documents/999999"):
        assert browser.get(path).status_code == 404, path
    form = browser.get("/cabinet/documents").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    for path in (f"/cabinet/documents/{act}/countersign/upload",
                 f"/cabinet/documents/{act}/countersign/prepare",
                 f"/cabinet/documents/{act}/countersign/complete",
                 f"/cabinet/documents/{act}/countersign/unsigned"):
        answer = browser.client.post(path, data={"csrf_token": token, "decision": "accepted"})
        assert answer.status_code == 404, path


def test_view_and_original_bytes(docs: Docs) -> None:
    invoice = docs.invoice("INV-V")
    browser = docs.login_a()
    page = browser.get(f"/cabinet/documents/{invoice}").get_data(as_text=True)
    assert "РЕ-INV-V" in page and 'id="doc-gross"' in page and "не оплачено" in page
    with docs.container.uow() as unit:
        stored = unit.session.get(InboundDocumentRecord, invoice)
        original, gross = bytes(stored.original), stored.fields["totals"]["gross"]
    answer = browser.get(f"/cabinet/documents/{invoice}/original")
    assert answer.data == original
    assert answer.headers["Content-Type"].startswith("application/xml")
    assert "attachment" in answer.headers["Content-Disposition"]
    assert gross.replace(".", ",")[-6:] in page  # the total as written, decimal comma


def test_pdf_carries_number_and_total(docs: Docs) -> None:
    invoice = docs.invoice("INV-PDF", lines=3)
    with docs.container.uow() as unit:
        gross = unit.session.get(InboundDocumentRecord, invoice).fields["totals"]["gross"]
    answer = docs.login_a().get(f"/cabinet/documents/{invoice}/pdf")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(answer.data)).pages)
    whole, kopecks = gross.split(".")
    grouped = f"{int(whole):,}".replace(",", "\u00a0")
    assert "РЕ-INV-PDF" in text
    assert f"{grouped},{kopecks}" in text or f"{grouped.replace(chr(160), ' ')},{kopecks}" in text
    assert "Рахунок постачальника" in text


def test_report_names_the_signer_and_says_valid(docs: Docs) -> None:
    invoice = docs.invoice("INV-R")
    page = docs.login_a().get(f"/cabinet/documents/{invoice}/report").get_data(as_text=True)
    assert 'id="report-verdict" data-valid="true"' in page
    subject = docs.pki.party("supplier").cert.read_bytes()
    assert subject  # the supplier's certificate: its CN appears as the subject
    assert "report-subject" in page and "CN=" in page
    assert page.count('data-valid="true"') >= 3  # verdict, at receipt, now (+ digest)


@pytest.mark.parametrize("tamper", ["content", "bytes_only"])
def test_tampered_original_is_reported_invalid(docs: Docs, tamper: str) -> None:
    invoice = docs.invoice("INV-T")
    with docs.container.uow() as unit:
        record = unit.session.get(InboundDocumentRecord, invoice)
        original = bytes(record.original)
        changed = (original.replace(b"<totalAmountWithVat>", b"<totalAmountWithVat>1", 1)
                   if tamper == "content" else original + b"\n")
        assert changed != original
        unit.session.execute(update(InboundDocumentRecord)
                             .where(InboundDocumentRecord.id == invoice)
                             .values(original=changed))
        unit.commit()
    page = docs.login_a().get(f"/cabinet/documents/{invoice}/report").get_data(as_text=True)
    assert 'id="report-verdict" data-valid="false"' in page
    if tamper == "content":
        assert 'data-code="SIG_INVALID"' in page
    assert "DOC_DIGEST_MISMATCH" in page
    assert hashlib.sha256(changed).hexdigest() in page
