"""``adapter readings submit|export`` and ``adapter registry sync|import`` via click's CliRunner."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from adapter.cli.readings import readings
from adapter.cli.registry import registry
from adapter.services.registry import RegistryContext, RegistryPage
from adapter.services.routing import SupplierRoute
from tests.integration.readings.conftest import ROEK, ReadingsEnv, registry_entries


def test_submit_files_reports_each_and_a_summary(env: ReadingsEnv, tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(env.signed(env.document()))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(env.signed(env.document(contract="279999999")))
    result = CliRunner().invoke(readings, ["submit", str(good), str(good), str(bad)],
                                obj={"readings": env.ctx})
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("good.xml: ПРИЙНЯТО договір 270000001") for line in lines)
    assert any(line.startswith("good.xml: ВЖЕ ОТРИМАНО") for line in lines)
    assert any(line.startswith("bad.xml: ВІДХИЛЕНО READING_UNKNOWN_CONTRACT") for line in lines)
    assert lines[-1] == "Прийнято: 1, вже отримано: 1, відхилено: 1."
    assert len(env.outbox()) == 2


def test_submit_all_good_exits_zero(env: ReadingsEnv, tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_bytes(env.signed(env.document()))
    result = CliRunner().invoke(readings, ["submit", str(path)], obj={"readings": env.ctx})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Прийнято: 1, вже отримано: 0, відхилено: 0."


def test_export_writes_signed_files(env: ReadingsEnv, tmp_path: Path) -> None:
    held = env.with_ctx(routes={ROEK: SupplierRoute(ROEK, "ТОВ РОЕК")})
    signed = held.signed(held.document())
    held.submit(signed)
    out = tmp_path / "export"
    result = CliRunner().invoke(readings, ["export", "--supplier", ROEK, str(out)],
                                obj={"readings": held.ctx})
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert [f.read_bytes() for f in files] == [signed]
    assert files[0].name.startswith("readings_270000001_")
    assert result.output.splitlines()[-1] == "Експортовано файлів: 1."
    again = CliRunner().invoke(readings, ["export", "--supplier", ROEK, str(out)],
                               obj={"readings": held.ctx})
    assert again.output.splitlines()[-1] == "Експортовано файлів: 0."


def test_registry_sync_and_import(env: ReadingsEnv, tmp_path: Path) -> None:
    mine, other = registry_entries()
    pages = {None: RegistryPage([mine], "next", total=2), "next": RegistryPage([other], None, 2)}
    ctx = RegistryContext(uow=env.uow, clock=env.clock, fetch_page=pages.__getitem__)
    result = CliRunner().invoke(registry, ["sync"], obj={"registry": ctx})
    assert result.exit_code == 0, result.output
    assert ("Сторінок: 2; споживачів: 2 (нових 0, змінених 0, без змін 2); "
            "знято з реєстру: 0.") in result.output
    only_mine = {None: RegistryPage([mine], None, total=1)}
    result = CliRunner().invoke(registry, ["sync"], obj={"registry": RegistryContext(
        uow=env.uow, clock=env.clock, fetch_page=only_mine.__getitem__)})
    assert "знято з реєстру: 1." in result.output
    unconfigured = CliRunner().invoke(registry, ["sync"],
                                      obj={"registry": RegistryContext(env.uow, env.clock)})
    assert unconfigured.exit_code == 1 and "CONFIG_NO_BILLING" in unconfigured.output
    csv = tmp_path / "r.csv"
    csv.write_text("contract_number,edrpou\n", encoding="utf-8")
    refused = CliRunner().invoke(registry, ["import", str(csv)], obj={"registry": ctx})
    assert refused.exit_code == 1 and "REGISTRY_UNSIGNED" in refused.output
    broken = CliRunner().invoke(registry, ["import", "--unsigned", str(csv)],
                                obj={"registry": ctx})
    assert broken.exit_code == 1 and "REGISTRY_CSV_INVALID" in broken.output
