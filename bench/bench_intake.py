"""Intake throughput over HTTP on loopback: documents per second, SQLite and PostgreSQL.

Run: .venv/bin/python bench/bench_intake.py [--documents 600] [--clients 4] [--postgres URL]

Starts the real app under gunicorn (2 workers x 4 threads) against a fresh database, submits
pre-signed supplier invoices as SOAP requests from concurrent clients, and checks afterwards that
every document is stored exactly once. The load client runs on the same 2-core machine.
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapter.pki import generate_sandbox_pki  # noqa: E402
from adapter.pki.env_file import write_sandbox_env  # noqa: E402
from adapter.signing import load_signing_key, sign  # noqa: E402
from bench.support import postgres_schema, start_gunicorn  # noqa: E402
from tests.support.exchange import supplier_invoice_xml  # noqa: E402

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def envelope(document: bytes) -> bytes:
    encoded = base64.b64encode(document).decode()
    return (f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
            f'<i:SubmitDocument xmlns:i="urn:roe:exchange:intake:1"><i:document>{encoded}'
            "</i:document></i:SubmitDocument></soap:Body></soap:Envelope>").encode()


def run(label: str, database_url: str, env_file: Path, bodies: list[bytes], clients: int) -> None:
    env = {**os.environ, "ADAPTER_ENV_FILE": str(env_file), "ADAPTER_DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", "adapter.cli", "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    base, server = start_gunicorn({**env, "ADAPTER_LOG_LEVEL": "WARNING"})
    url = f"{base}/soap/intake"
    try:
        with requests.Session() as warm:
            warm.post(url, data=bodies[0], timeout=30)  # first call loads keys and schemas
        sessions = [requests.Session() for _ in range(clients)]

        def submit(index: int) -> bool:
            response = sessions[index % clients].post(url, data=bodies[index], timeout=30)
            return b"<i:reasonCode>A01</i:reasonCode>" in response.content

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            accepted = sum(pool.map(submit, range(1, len(bodies))))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("select count(*) from inbound_documents")).scalar_one()
    engine.dispose()
    count = len(bodies) - 1
    print(f"| {label:<10} | {count:>5} | {clients:>7} | {count / elapsed:>8.1f} | "
          f"{accepted:>8} | {rows:>7} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=600)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--postgres", default=os.environ.get(
        "ADAPTER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pki = generate_sandbox_pki(Path(tmp) / "pki")
        env_file = write_sandbox_env(pki)
        key = load_signing_key(pki.supplier_key.read_bytes(), pki.supplier_cert.read_bytes())
        run_id = uuid.uuid4().hex[:8]
        bodies = [envelope(sign(supplier_invoice_xml(f"B-{run_id}-{n}", lines=40), key=key))
                  for n in range(args.documents + 1)]
        print(f"{args.documents} signed 40-line invoices (~{len(bodies[0]) // 1024} KB requests); "
              f"gunicorn 2 workers x 4 threads; {os.cpu_count()} cores shared with the client")
        print("| database   |  docs | clients |  docs/s | accepted | stored |")
        print("|------------|-------|---------|---------|----------|--------|")
        run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", env_file, bodies, args.clients)
        with postgres_schema(args.postgres) as pg_url:
            run("PostgreSQL", pg_url, env_file, bodies, args.clients)


if __name__ == "__main__":
    main()
