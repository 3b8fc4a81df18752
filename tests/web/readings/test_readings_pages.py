"""The readings pages through the Flask test client, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import select, update

from adapter.domain.readings import ReadingsWindow
from adapter.domain.registry import RegisterZone
from adapter.persistence.outbox_models import OutboxMessageRecord
from adapter.persistence.registry_models import ConsumerRecord, ReadingSubmissionRecord
from adapter.pki import SandboxPki
from adapter.services.readings_form import field_name
from adapter.signing import sign
from tests.support.pki import signing_key
from tests.web.conftest import OTHER_CONTRACT, POINT_1, POINT_2, Browser, Cabinet
from tests.web.readings.conftest import A, R, b64, csrf_of, seed_submission, webcrypto_sign

F_A1 = field_name(POINT_1, "M-1001", RegisterZone(A, 1))
F_A2 = field_name(POINT_1, "M-1001", RegisterZone(A, 2))
F_R1 = field_name(POINT_1, "M-1001", RegisterZone(R, 1))
F_P2 = field_name(POINT_2, "M-2002", RegisterZone(A, 1))
FORM = "/cabinet/readings"
PREVIOUS_MONTH = date(2026, 11, 1)  # before any reading date of the clock, which follows real time
KYIV = ZoneInfo("Europe/Kyiv")


def history(*, a1: int = 10000, p2: int = 3000, p2_volume: int | None = None,
            a_volume: int | None = None, contract: str | None = None
            ) -> dict[str, tuple[int, int | None]]:
    """Values of an earlier submission, keyed POINT/SERIAL/REGISTER/ZONE."""
    if contract:
        return {"62Z0000000000037/M-3003/A+/1": (5, 5)}
    return {f"{POINT_1}/M-1001/A+/1": (a1, a_volume), f"{POINT_1}/M-1001/A+/2": (4000, a_volume),
            f"{POINT_1}/M-1001/R+/1": (800, None), f"{POINT_2}/M-2002/A+/1": (p2, p2_volume)}


def values(a1: str = "10500", a2: str = "4200", r1: str = "900", p2: str = "3000"
           ) -> dict[str, str]:
    return {F_A1: a1, F_A2: a2, F_R1: r1, F_P2: p2}


def post(user: Browser, path: str, data: dict[str, object], **kwargs: object):
    return user.client.post(path, data={**data, "csrf_token": csrf_of(user, FORM)}, **kwargs)


def sign_in_browser(user: Browser, pki: SandboxPki, data: dict[str, str],
                    cert: bytes | None = None):
    """What kep-sign.js does: prepare, sign SignedInfo as WebCrypto would, complete."""
    prepared = post(user, f"{FORM}/prepare", {
        **data, "certificate": b64(cert or pki.consumer_cert.read_bytes())})
    if prepared.status_code != 200:
        return prepared
    answer = prepared.get_json()
    value = webcrypto_sign(pki.consumer_key.read_bytes(), base64.b64decode(answer["signed_info"]))
    return post(user, f"{FORM}/complete", {"draft_id": answer["draft_id"], "signature": b64(value)})


def outbox(cabinet: Cabinet) -> list[tuple[str, str | None]]:
    with cabinet.container.uow() as unit:
        return [(m.destination, m.correlation_id) for m in unit.session.scalars(
            select(OutboxMessageRecord).order_by(OutboxMessageRecord.id))]


def test_the_form_has_a_labelled_input_per_register_and_zone(user: Browser):
    page = user.get(FORM).get_data(as_text=True)

    for name in (F_A1, F_A2, F_R1, F_P2):
        assert f'<label for="{name}">' in page
        assert f'id="{name}" name="{name}"' in page
    assert "A+ (активна, прийом), зона 2" in page
    assert 'data-coefficient="30"' in page and 'data-capacity="100000"' in page
    assert "Показники приймаються з" in page and "ці будуть на" in page
    assert 'id="sign-browser"' in page and 'id="download-unsigned"' in page


def withdraw_days_before_reading_date(cabinet: Cabinet, days: int, *, utc_hour: int) -> date:
    """Withdraw every contract ``days`` UTC days before the form's reading date; the local day.

    The clock follows real time through the readings window, so the moment is taken from the
    reading date rather than from ``now``, which can be either side of it.
    """
    reading_date = ReadingsWindow().reading_date_for(cabinet.clock.now.astimezone(KYIV).date())
    assert reading_date is not None
    day = reading_date - timedelta(days=days)
    at = datetime(day.year, day.month, day.day, utc_hour, 30, tzinfo=UTC)
    with cabinet.container.uow() as unit:
        unit.session.execute(update(ConsumerRecord).values(withdrawn_at=at))
        unit.commit()
    return at.astimezone(KYIV).date()


def test_the_form_of_a_withdrawn_contract_says_until_when_readings_are_taken(
        user: Browser, registered: Cabinet):
    assert 'id="contract-withdrawn"' not in user.get(FORM).get_data(as_text=True)
    # 22:30 UTC is already the next day in Kyiv: the notice names the local day.
    local_day = withdraw_days_before_reading_date(registered, 3, utc_hour=22)

    page = user.get(FORM).get_data(as_text=True)

    notice = re.search(r'id="contract-withdrawn"[^>]*>(.*?)</div>', page, re.S)
    assert notice is not None
    assert f"Договір припинено {local_day:%d.%m.%Y}" in notice.group(1)


def test_checking_readings_of_a_withdrawn_contract_refuses_before_signing(
        user: Browser, registered: Cabinet):
    withdraw_days_before_reading_date(registered, 2, utc_hour=10)

    answer = post(user, f"{FORM}/check", values())

    assert answer.status_code == 400
    assert 'data-code="READING_CONTRACT_WITHDRAWN"' in answer.get_data(as_text=True)


def test_the_full_browser_signing_flow_stores_and_queues(user: Browser, registered: Cabinet,
                                                        sandbox_pki: SandboxPki):
    done = sign_in_browser(user, sandbox_pki, values())

    assert done.status_code == 200, done.get_json()
    answer = done.get_json()
    assert answer["ok"] and answer["redirect"].endswith(f"/submissions/{answer['submission_id']}")
    correlation = f"readings:{answer['submission_id']}"
    assert sorted(outbox(registered)) == [("billing", correlation),
                                          ("supplier:62X0000000000020", correlation)]
    timeline = user.get(answer["redirect"]).get_data(as_text=True)
    for event in ("received", "verified", "stored", "queued"):
        assert f'data-event="{event}"' in timeline
    assert 'data-destination="supplier:62X0000000000020"' in timeline
    assert any(e.event == "readings_submitted" for e in registered.audit_events())


def test_the_previous_reading_and_the_volume_come_from_the_last_submission(
        user: Browser, registered: Cabinet):
    seed_submission(registered, PREVIOUS_MONTH, history(a1=10400, p2=3000))

    page = user.get(FORM).get_data(as_text=True)
    assert re.search(rf'id="{F_P2}-prev">Попередній показник: <span class="num">3000</span>', page)
    assert 'data-previous="3000"' in page
    checked = post(user, f"{FORM}/check", values(a1="10600", a2="4300", r1="950", p2="3010"))
    assert checked.status_code == 200, checked.get_data(as_text=True)
    text = checked.get_data(as_text=True)
    assert "Обсяг: 300 кВт·год" in text  # 10 x coefficient 30
    assert "Обсяг: 200 кВт·год" in text  # 10600 - 10400


def test_errors_are_shown_next_to_their_fields(user: Browser):
    answer = post(user, f"{FORM}/check", values(a1="12,5", a2="", r1="abc"))

    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert re.search(rf'id="{F_A1}-error" data-code="READING_NOT_WHOLE"', page)
    assert re.search(rf'id="{F_A2}-error" data-code="READING_MISSING_REGISTER"', page)
    assert re.search(rf'id="{F_R1}-error" data-code="READING_NOT_A_NUMBER"', page)
    assert f'id="{F_P2}-error"' not in page


def test_a_counter_going_backwards_is_refused_before_signing(
        user: Browser, registered: Cabinet, sandbox_pki: SandboxPki):
    seed_submission(registered, PREVIOUS_MONTH, history(a1=999950, p2=48213))

    backwards = post(user, f"{FORM}/prepare", {
        **values(a1="30", p2="48000"), "certificate": b64(sandbox_pki.consumer_cert.read_bytes())})
    page = post(user, f"{FORM}/check", values(a1="30", p2="48000")).get_data(as_text=True)

    assert backwards.status_code == 400 and backwards.get_json()["code"] == "READING_BACKWARDS"
    assert F_P2 in backwards.get_json()["problems"]
    assert re.search(rf'id="{F_P2}-error" data-code="READING_BACKWARDS"', page)
    assert f'id="{F_A1}-error"' not in page  # 999950 -> 30 on 6 digits is a rollover


def test_an_implausible_volume_needs_confirmation(user: Browser, registered: Cabinet):
    seed_submission(registered, PREVIOUS_MONTH, history(p2=3000, p2_volume=30))

    unconfirmed = post(user, f"{FORM}/check", values(p2="3100"))  # 3000 kWh vs 30 before
    confirmed = post(user, f"{FORM}/check", {**values(p2="3100"), "confirm_warnings": "on"})

    assert unconfirmed.status_code == 422
    assert re.search(rf'id="{F_P2}-error" data-code="READING_CONFIRM_NEEDED"',
                     unconfirmed.get_data(as_text=True))
    assert confirmed.status_code == 200 and 'id="check-ok"' in confirmed.get_data(as_text=True)


def test_outside_the_window_the_form_says_so(registered: Cabinet):
    registered.clock.now = registered.clock.now.replace(day=15, hour=9)  # never in a window
    user = registered.client()
    assert user.login().status_code == 302

    page = user.get(FORM).get_data(as_text=True)
    answer = post(user, f"{FORM}/check", values())

    assert 'data-open="no"' in page and "Зараз показники не приймаються" in page
    assert answer.status_code == 400
    assert 'data-code="READING_OUTSIDE_WINDOW"' in answer.get_data(as_text=True)


def test_a_certificate_of_another_edrpou_is_refused_with_a_clear_message(
        user: Browser, sandbox_pki: SandboxPki):
    answer = sign_in_browser(user, sandbox_pki, values(),
                             cert=sandbox_pki.supplier_cert.read_bytes())

    assert answer.status_code == 400
    assert answer.get_json()["code"] == "SIG_EDRPOU_MISMATCH"
    assert "не належить Вашій організації" in answer.get_json()["error"]


def test_upload_of_a_document_signed_with_ones_own_tool(user: Browser, registered: Cabinet,
                                                        sandbox_pki: SandboxPki):
    unsigned = post(user, f"{FORM}/unsigned", values())
    assert unsigned.status_code == 200 and unsigned.mimetype == "application/xml"
    signed = sign(unsigned.data, key=signing_key(sandbox_pki, "consumer"))

    answer = post(user, f"{FORM}/upload", {"signed": (io.BytesIO(signed), "signed.xml")},
                  content_type="multipart/form-data")

    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert 'data-code="accepted"' in answer.get_data(as_text=True)
    assert len(outbox(registered)) == 2


def test_upload_signed_by_another_organisation_is_refused(user: Browser, registered: Cabinet,
                                                          sandbox_pki: SandboxPki):
    unsigned = post(user, f"{FORM}/unsigned", values())
    signed = sign(unsigned.data, key=signing_key(sandbox_pki, "supplier"))

    answer = post(user, f"{FORM}/upload", {"signed": (io.BytesIO(signed), "signed.xml")},
                  content_type="multipart/form-data")

    assert answer.status_code == 422
    assert 'data-code="SIG_' in answer.get_data(as_text=True)
    assert outbox(registered) == []


def test_a_completed_draft_cannot_be_completed_again(user: Browser, sandbox_pki: SandboxPki):
    prepared = post(user, f"{FORM}/prepare", {
        **values(), "certificate": b64(sandbox_pki.consumer_cert.read_bytes())}).get_json()
    value = b64(webcrypto_sign(sandbox_pki.consumer_key.read_bytes(),
                               base64.b64decode(prepared["signed_info"])))
    first = post(user, f"{FORM}/complete", {"draft_id": prepared["draft_id"], "signature": value})
    again = post(user, f"{FORM}/complete", {"draft_id": prepared["draft_id"], "signature": value})

    assert first.status_code == 200
    assert again.status_code == 400 and again.get_json()["code"] == "SIGN_DRAFT_USED"


def _other_org(cabinet: Cabinet) -> Browser:
    other = cabinet.client("192.0.2.99")
    other.register(contract=OTHER_CONTRACT, name="ФГ Лан", eic="62Z0000000000037",
                   email="lan@fg.test")
    other.follow_mail_link(to="lan@fg.test")
    assert other.login(OTHER_CONTRACT).status_code == 302
    return other


def test_another_organisations_submission_and_draft_are_unreachable(
        user: Browser, registered: Cabinet, sandbox_pki: SandboxPki):
    prepared = post(user, f"{FORM}/prepare", {
        **values(), "certificate": b64(sandbox_pki.consumer_cert.read_bytes())}).get_json()
    value = b64(webcrypto_sign(sandbox_pki.consumer_key.read_bytes(),
                               base64.b64decode(prepared["signed_info"])))
    other = _other_org(registered)

    stolen = post(other, f"{FORM}/complete", {"draft_id": prepared["draft_id"], "signature": value})
    done = post(user, f"{FORM}/complete", {"draft_id": prepared["draft_id"], "signature": value})
    mine = done.get_json()["submission_id"]

    assert stolen.status_code == 400 and stolen.get_json()["code"] == "SIGN_DRAFT_UNKNOWN"
    assert other.get(f"{FORM}/submissions/{mine}").status_code == 404
    assert user.get(f"{FORM}/submissions/{mine}").status_code == 200
    assert f"/submissions/{mine}" not in other.get(f"{FORM}/submissions").get_data(as_text=True)


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode()


BULK_ROWS = [["EIC", "meter", "register", "zone", "value"],
             [POINT_1, "M-1001", "A+", "1", "10500"], [POINT_1, "M-1001", "A+", "2", "4200"],
             [POINT_1, "M-1001", "R+", "1", "900"], [POINT_2, "M-2002", "A+", "1", "3000"]]


def test_bulk_csv_fills_the_form_for_review(user: Browser):
    answer = post(user, f"{FORM}/bulk", {"file": (io.BytesIO(_csv(BULK_ROWS)), "readings.csv")},
                  content_type="multipart/form-data")

    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    assert 'id="bulk-loaded"' in page and 'id="check-ok"' in page
    assert f'id="{F_P2}" name="{F_P2}" type="text"' in page
    tag = page.split(f'id="{F_P2}" name="{F_P2}"')[1].split(">")[0]
    assert 'value="3000"' in tag


def test_bulk_xlsx_rows_with_problems_are_named_by_row(user: Browser):
    book = openpyxl.Workbook()
    sheet = book.active
    rows = [*BULK_ROWS[:4], ["62Z0000000000037", "M-3003", "A+", "1", "5"],
            [POINT_1, "M-1001", "A+", "1", "10501"], [POINT_2, "M-2002", "Q", "1", "3000"]]
    for row in rows:
        sheet.append([int(c) if c.isdigit() and len(c) < 9 else c for c in row])
    data = io.BytesIO()
    book.save(data)

    answer = post(user, f"{FORM}/bulk", {"file": (io.BytesIO(data.getvalue()), "r.xlsx")},
                  content_type="multipart/form-data")

    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'data-row="5"' in page and "не належить Вашому договору" in page
    assert 'data-row="6"' in page and "уже є в рядку 2" in page
    assert 'data-row="7"' in page and "Регістр" in page


def test_bulk_refuses_other_formats(user: Browser):
    answer = post(user, f"{FORM}/bulk", {"file": (io.BytesIO(b"x"), "r.txt")},
                  content_type="multipart/form-data")
    assert answer.status_code == 400
    assert 'data-code="READING_BULK_FORMAT"' in answer.get_data(as_text=True)


def test_the_consumption_chart_has_a_bar_per_month(user: Browser, registered: Cabinet):
    for month, (a1, p2, volume) in enumerate([(10000, 3000, None), (10100, 3010, 300),
                                              (10300, 3030, 600)], start=9):
        seed_submission(registered, date(2026, month, 1),
                        history(a1=a1, p2=p2, p2_volume=volume, a_volume=volume and 100))
    seed_submission(registered, date(2026, 10, 1), history(contract=OTHER_CONTRACT),
                    contract=OTHER_CONTRACT)

    page = user.get(f"{FORM}/consumption").get_data(as_text=True)

    chart = page.split(f'id="chart-{POINT_2}"')[1].split("</section>")[0]
    assert chart.count("<rect") == 2  # the first reading has no volume
    assert "<td>09.2026</td><td>300</td>" in chart  # the reading of 1 October closes September
    assert "<td>10.2026</td><td>600</td>" in chart
    first = page.split(f'id="chart-{POINT_1}"')[1].split("</section>")[0]
    assert first.count("<rect") == 2 and "<td>200</td>" in first  # zones 1 and 2 summed
    assert "62Z0000000000037" not in page


def test_the_dashboard_says_what_is_due(user: Browser, registered: Cabinet,
                                        sandbox_pki: SandboxPki):
    before = user.get("/cabinet").get_data(as_text=True)
    assert 'data-state="due"' in before and 'id="readings-link"' in before
    assert sign_in_browser(user, sandbox_pki, values()).status_code == 200
    assert 'data-state="done"' in user.get("/cabinet").get_data(as_text=True)


def test_submissions_list_is_scoped_and_stored_once(user: Browser, registered: Cabinet,
                                                   sandbox_pki: SandboxPki):
    assert sign_in_browser(user, sandbox_pki, values()).status_code == 200
    with registered.container.uow() as unit:
        assert len(list(unit.session.scalars(select(ReadingSubmissionRecord)))) == 1
    assert user.get(f"{FORM}/submissions").get_data(as_text=True).count("Деталі") == 1
    assert user.get(f"{FORM}/submissions/999999").status_code == 404


def test_unsigned_document_is_a_readings_document_for_the_dso(user: Browser):
    answer = post(user, f"{FORM}/unsigned", values())
    text = answer.get_data(as_text=True)
    assert "MeterReadingsDocument" in text and "62X0000000000012" in text
