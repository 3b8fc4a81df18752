"""The delivery worker delivering billing's outbox through FileDropTransport."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from adapter.delivery import enqueue
from adapter.exchange import FileDropTransport
from adapter.persistence.outbox_models import OutboxMessageRecord
from tests.integration.exchange.conftest import MakeContainer


def test_worker_writes_each_message_once_as_a_file(tmp_path: Path,
                                                   make_container: MakeContainer):
    container = make_container()
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    now = datetime.now(UTC)
    with container.uow() as uow:
        for n in (1, 2):
            enqueue(uow.session, destination="billing", kind="PaymentNotice",
                    sender_eic="62X0000000000012", mrid=f"PAY-{n}", revision=1,
                    payload=f"<p>{n}</p>".encode(), now=now)
        uow.commit()
    worker = container.worker("file-worker", transports=lambda _: FileDropTransport(outbox))

    assert worker.run_once() == 2
    assert worker.run_once() == 0

    assert sorted(path.name for path in outbox.iterdir()) == [
        "62X0000000000012_PAY-1_1_PaymentNotice.xml", "62X0000000000012_PAY-2_1_PaymentNotice.xml"]
    assert (outbox / "62X0000000000012_PAY-2_1_PaymentNotice.xml").read_bytes() == b"<p>2</p>"
    with container.uow() as uow:
        rows = uow.session.scalars(select(OutboxMessageRecord)).all()
        assert sorted((row.mrid, row.status, row.ack_code) for row in rows) == [
            ("PAY-1", "delivered", "A01"), ("PAY-2", "delivered", "A01")]
