"""The cabinet under load: documents list and dashboard with 100k consumers and 1M documents.

Run: .venv/bin/python bench/bench_cabinet.py [--consumers 100000] [--documents-per 10]
                                             [--seconds 30] [--clients 8] [--postgres URL]

Fills a fresh PostgreSQL schema in bulk (INSERT ... SELECT generate_series: the registry,
cabinet organisations, inbound documents and the documents index), logs in as 50 consumers over
HTTP, then runs a closed-loop load client on loopback against gunicorn (2 workers x 4 threads)
for the two pages. The bulk rows carry a small placeholder original instead of a signed one:
neither page reads originals (the download does, and is not measured here). The load client
shares the machine's 2 cores with gunicorn and PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapter.persistence import migrate  # noqa: E402
from adapter.persistence.database import make_engine  # noqa: E402
from adapter.pki import generate_sandbox_pki  # noqa: E402
from adapter.pki.env_file import write_sandbox_env  # noqa: E402
from adapter.services.cabinet_context import password_hasher  # noqa: E402
from bench.support import postgres_schema, start_gunicorn  # noqa: E402

PASSWORD = "Bench-Passw0rd-2026!"
LOGGED_IN = 50

FILL = [
    # 100k consumers, contracts 27xxxxxxx, each with one metering point and one meter.
    """INSERT INTO registry_consumers (id, contract_number, edrpou, name, updated_at)
       SELECT n, '27' || lpad(n::text, 7, '0'), lpad((10000000 + n)::text, 8, '0'),
              'ТОВ Споживач ' || n, now() FROM generate_series(1, :consumers) AS n""",
    """INSERT INTO registry_metering_points (id, eic, consumer_id)
       SELECT n, '62Z' || lpad(n::text, 12, '0') || 'X', n FROM generate_series(1, :consumers) n""",
    """INSERT INTO registry_meters (id, metering_point_id, serial, digit_capacity,
                                    transformation_coefficient, zone_count)
       SELECT n, n, 'M-' || n, 6, 1, 1 FROM generate_series(1, :consumers) n""",
    """INSERT INTO registry_meter_registers (meter_id, register, zone)
       SELECT n, 'A+', 1 FROM generate_series(1, :consumers) n""",
    """INSERT INTO cabinet_organisations (id, contract_number, edrpou, name, created_at)
       SELECT id, contract_number, edrpou, name, now() FROM registry_consumers""",
    # documents_per invoices per consumer, newest months first.
    """INSERT INTO inbound_documents (id, kind, sender_eic, mrid, revision, receiver_eic,
           document_created_at, received_at, channel, party, signer_subject, signer_serial,
           signer_fingerprint, sha256, original, fields)
       SELECT d, 'SupplierInvoice', '62X0000000000020', 'BENCH-' || d, 1, '62X0000000000012',
              now() - (d % :per) * interval '30 days', now() - (d % :per) * interval '30 days',
              'soap', 'supplier', 'CN=bench', '1', repeat('0', 64), repeat('0', 64),
              '\\x3c782f3e'::bytea, '{}'::json
       FROM generate_series(1, :consumers * :per) AS d""",
    """INSERT INTO cabinet_document_index (document_id, contract_number, kind, number, mrid,
           period_start, period_end, total, received_at)
       SELECT d, '27' || lpad((((d - 1) / :per) + 1)::text, 7, '0'), 'SupplierInvoice',
              'РЕ-' || d, 'BENCH-' || d, current_date - 30, current_date - 1,
              (d % 10000) + 0.55, now() - (d % :per) * interval '30 days'
       FROM generate_series(1, :consumers * :per) AS d""",
]


def fill(url: str, consumers: int, per: int) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    started = time.perf_counter()
    with engine.begin() as connection:
        for statement in FILL:
            connection.execute(text(statement), {"consumers": consumers, "per": per})
        hashed = password_hasher(2, 19456, 1).hash(PASSWORD)
        connection.execute(text(
            """INSERT INTO cabinet_users (organisation_id, email, password_hash, role, status,
                   created_at, confirmed_at)
               SELECT n, 'user' || n || '@bench.test', :hash, 'owner', 'active', now(), now()
               FROM generate_series(1, :count) n"""), {"hash": hashed, "count": LOGGED_IN})
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    print(f"filled {consumers:,} consumers and {consumers * per:,} documents "
          f"in {time.perf_counter() - started:.0f} s")


def log_in(base: str, n: int) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    response = session.post(f"{base}/login", timeout=30, data={
        "csrf_token": token.group(1), "login": f"27{n:07d}", "password": PASSWORD})
    assert response.ok and "/login" not in response.url, f"login {n} failed"
    return session


def load(base: str, sessions: list[requests.Session], path_of, seconds: float,
         clients: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        rng = random.Random(index)
        mine: list[float] = []
        while time.monotonic() < deadline:
            session = sessions[rng.randrange(len(sessions))]
            started = time.perf_counter()
            response = session.get(base + path_of(rng), timeout=30)
            mine.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{response.status_code} for {response.url}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def report(name: str, latencies: list[float], seconds: float) -> None:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"| {name:<32} | {len(ordered):>7,} | {len(ordered) / seconds:>7.1f} | "
          f"{statistics.median(ordered) * 1000:>7.1f} | {p95 * 1000:>7.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--consumers", type=int, default=100_000)
    parser.add_argument("--documents-per", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--postgres", default=os.environ.get(
        "ADAPTER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    with postgres_schema(args.postgres) as url, tempfile.TemporaryDirectory() as tmp:
        fill(url, args.consumers, args.documents_per)
        env_file = write_sandbox_env(generate_sandbox_pki(Path(tmp) / "pki"))
        env = {**os.environ, "ADAPTER_ENV_FILE": str(env_file), "ADAPTER_DATABASE_URL": url,
               "ADAPTER_COOKIE_SECURE": "0", "ADAPTER_SECRET_KEY": uuid.uuid4().hex,
               "ADAPTER_LOG_LEVEL": "WARNING"}
        base, server = start_gunicorn(env)
        try:
            sessions = [log_in(base, n) for n in range(1, LOGGED_IN + 1)]
            pages = max(1, args.documents_per // 20 + 1)
            print(f"gunicorn 2 workers x 4 threads; {args.clients} closed-loop clients; "
                  f"{args.seconds:.0f} s per page; {os.cpu_count()} cores shared")
            print(f"| {'page':<32} | {'requests':>7} | {'req/s':>7} | {'p50 ms':>7} | "
                  f"{'p95 ms':>7} |")
            print(f"|{'-' * 34}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
            for name, path_of in (
                ("documents list (page 1..n)",
                 lambda rng: f"/cabinet/documents?page={rng.randint(1, pages)}"),
                ("dashboard", lambda rng: "/cabinet"),
            ):
                report(name, load(base, sessions, path_of, args.seconds, args.clients),
                       args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
