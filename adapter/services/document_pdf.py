"""A PDF of a document's readable view (fpdf2, PT Sans embedded: Cyrillic, no system fonts).

The PDF is a convenience copy for printing; the legal document is the signed XML original, and
the PDF says so on its last line together with the original's SHA-256.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import fontpkg_pt_sans
from fpdf import FPDF
from fpdf.fonts import FontFace

from adapter.services.document_view import DocumentView, money, quantity

FONT = "PTSans"


@lru_cache(maxsize=1)
def _font_files() -> tuple[Path, Path]:
    files = Path(fontpkg_pt_sans.ROOT) / "files"
    return files / "PT_Sans-Web-Regular.ttf", files / "PT_Sans-Web-Bold.ttf"


def render_pdf(view: DocumentView, *, status: str = "") -> bytes:
    """The document as an A4 PDF: heading, parties, period, lines, totals, status, SHA-256."""
    pdf = FPDF(format="A4")
    regular, bold = _font_files()
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_title(f"{view.kind_label} № {view.number}")
    pdf.set_creator("Кабінет юридичного споживача")
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, f"{view.kind_label} № {view.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    for label, value in _facts(view, status):
        pdf.multi_cell(0, 5.5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _lines_table(pdf, view)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    for label, total in (("Разом без ПДВ", view.net), ("ПДВ 20 %", view.vat),
                         ("Усього з ПДВ", view.gross)):
        pdf.cell(0, 6, f"{label}: {money(total)} грн", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(0, 4, "Юридичну силу має підписаний оригінал у форматі XML. SHA-256 "
                         f"оригіналу: {view.sha256}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _facts(view: DocumentView, status: str) -> list[tuple[str, str]]:
    facts = [
        ("Відправник", f"{view.sender_label} (ЕІС {view.sender_eic})"),
        ("Договір", view.contract_number),
        ("Код ЄДРПОУ споживача", view.edrpou),
        ("Період", _period(view)),
        ("Ідентифікатор (mRID)", f"{view.mrid}, редакція {view.revision}"),
        ("Отримано", f"{view.received_at:%d.%m.%Y %H:%M} UTC"),
    ]
    if view.metering_points:
        facts.append(("Точки обліку", ", ".join(view.metering_points)))
    if view.due_date:
        facts.append(("Сплатити до", f"{view.due_date:%d.%m.%Y}"))
    if view.payee_iban:
        facts.append(("IBAN одержувача", view.payee_iban))
    if view.invoice_mrid:
        facts.append(("До рахунку", view.invoice_mrid))
    if status:
        facts.append(("Стан", status))
    return facts


def _period(view: DocumentView) -> str:
    if view.period_start is None or view.period_end is None:
        return "—"
    return f"{view.period_start:%d.%m.%Y} — {view.period_end:%d.%m.%Y}"


def _lines_table(pdf: FPDF, view: DocumentView) -> None:
    pdf.set_font(FONT, "", 9)
    heading = FontFace(family=FONT, emphasis="BOLD")
    with pdf.table(col_widths=(70, 25, 20, 25, 30), text_align=("LEFT", "RIGHT", "LEFT",
                   "RIGHT", "RIGHT"), headings_style=heading) as table:
        row = table.row()
        for title in ("Найменування", "Кількість", "Од.", "Ціна, грн", "Сума, грн"):
            row.cell(title)
        for line in view.lines:
            row = table.row()
            for text in (line.description, quantity(line.quantity), line.unit,
                         quantity(line.unit_price), money(line.amount)):
                row.cell(text)


__all__ = ["render_pdf"]
