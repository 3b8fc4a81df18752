"""The date-sensitive tests pass at any hour, not only at the hour CI happens to run.

The readings tests follow real time (the sandbox certificates are issued at test time), so a test
that mixes up the UTC date and the local Kyiv date passes for 21 or 22 hours a day and fails in
the rest: this once broke CI at 22:05 UTC. Here those tests run again under libfaketime at moments
where the two dates differ, across a month's and a year's end. SQLite only: faketime changes this
process tree's clock, not the PostgreSQL server's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATE_SENSITIVE = ("tests/web/readings", "tests/integration/readings",
                  "tests/web/ops/test_cli_and_api.py", "tests/web/test_registration.py")
#: Late evening in UTC is already the next day in Kyiv (UTC+2 in winter, UTC+3 in summer).
MOMENTS = ("2026-11-30 22:30:00",   # 1 December in Kyiv: the window's reading date
           "2026-12-31 21:45:00")   # New Year in Kyiv, still the old year in UTC


def _faketime() -> str:
    found = shutil.which("faketime")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("faketime is required in CI (.ci/run installs it)")
        pytest.skip("faketime is not installed (apt-get install faketime)")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("moment", MOMENTS)
def test_date_sensitive_tests_pass_when_utc_and_kyiv_dates_differ(moment: str,
                                                                  tmp_path: Path) -> None:
    # Without an outer libfaketime (a whole run under faketime): nested, it offsets from the
    # already shifted clock and lands months away from the moment asked for.
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("FAKETIME") and name != "LD_PRELOAD"}
    env.update(ADAPTER_TEST_POSTGRES_URL="", TZ="UTC")
    run = subprocess.run(
        # --basetemp: pytest prunes all but the newest numbered temp folders, which could
        # otherwise be this outer run's.
        [_faketime(), moment, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--basetemp", str(tmp_path / "inner"), "-m", "not postgres", *DATE_SENSITIVE],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)

    summary = run.stdout.strip().splitlines()[-1:] or [run.stderr[-2000:]]
    assert run.returncode == 0, f"at {moment} UTC:\n{run.stdout[-6000:]}\n{summary}"
    assert " passed" in summary[0]
