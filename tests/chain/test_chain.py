"""The chain layer: compile cache, deploy limits, signing as a key, revert reasons, events."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chain import ChainError, ChainRevert, CouponState, Role
from chain import compile as compiler
from chain.node import DEPLOYMENT_FILE, open_node
from chain.registry import coupon_number

ROOT = Path(__file__).resolve().parents[2]
EIP170_LIMIT = 24_576


def test_compile__every_deployable__within_three_quarters_of_eip170():
    sizes = {name: compiler.load(name).runtime_size for name in compiler.DEPLOYABLES}
    print("\n".join(f"{name}: {size:,} bytes of runtime code ({size / EIP170_LIMIT:.0%} of EIP-170)"
                    for name, size in sizes.items()))
    assert compiler.CODE_SIZE_LINE == EIP170_LIMIT * 3 // 4
    over = {name: size for name, size in sizes.items() if not 0 < size <= compiler.CODE_SIZE_LINE}
    assert not over, f"over {compiler.CODE_SIZE_LINE:,} bytes: {over}"


def test_compile__cache_hit__reads_cached_artifact(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compiler.load.cache_clear()
    first = compiler.load("CouponLedger")
    cached = list((tmp_path / "tanquan" / "contracts").glob("CouponLedger-*.json"))
    assert len(cached) == 1
    # Tamper with the cached ABI: a second load must come from the file, not the compiler.
    data = json.loads(cached[0].read_text())
    data["abi"] = data["abi"][:1]
    cached[0].write_text(json.dumps(data))
    compiler.load.cache_clear()
    assert compiler.load("CouponLedger").abi == first.abi[:1]
    compiler.load.cache_clear()


def test_compile__source_changes__digest_changes(tmp_path, monkeypatch):
    before = compiler._source_digest()
    fake_dir = tmp_path / "contracts"
    fake_dir.mkdir()
    for path in compiler.CONTRACTS_DIR.rglob("*.vy*"):
        target = fake_dir / path.relative_to(compiler.CONTRACTS_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    (fake_dir / "CouponLedger.vy").write_text((fake_dir / "CouponLedger.vy").read_text() + "\n# changed\n")
    monkeypatch.setattr(compiler, "CONTRACTS_DIR", fake_dir)
    assert compiler._source_digest() != before


def test_send__reverting_step__raises_reason_and_tx_hash(registry, actors):
    with pytest.raises(ChainRevert) as caught:
        registry.send(actors.non_member, "mint", 1)
    assert caught.value.reason == "access_control: account is missing role"
    assert caught.value.tx_hash.startswith("0x") and len(caught.value.tx_hash) == 66


def test_send__after_revert__next_nonce_still_works(registry, actors):
    with pytest.raises(ChainRevert):
        registry.send(actors.center_officer, "pass_formal_review", 999)
    receipt = registry.send(actors.eeb_officer, "set_ccer_listed", b"\x01" * 32, True)
    assert receipt.event("CcerListChanged").args == {"parcel": b"\x01" * 32, "listed": True}


def test_call__view__returns_typed_records(registry, actors):
    assert registry.coupon(1).state == CouponState(0)
    assert registry.has_role(Role.CENTER, actors.center_officer.address)
    assert not registry.has_role(Role.CENTER, actors.non_member.address)


def test_coupon_number__formats_design_section_3():
    assert coupon_number(2026, 1, 12) == "HSTQ-2026-0001-0012"


def test_gas_report__runs__meets_goals_and_writes_json(tmp_path):
    out = tmp_path / "gas.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gas_report.py"), "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    gas = json.loads(out.read_text())
    required = {"deploy", "submit", "formal_review", "validation", "filing", "mint", "list", "trade_full",
                "trade_partial", "transfer", "pledge", "release", "freeze", "loss_report", "reissue",
                "offset_full", "offset_partial"}
    assert required <= gas.keys()
    assert all(isinstance(v, int) and v > 21_000 for v in gas.values())
    assert gas["transfer"] <= 46_000 and gas["offset_full"] <= 50_000 and gas["mint"] <= 150_000


def test_attach__contracts_of_another_release__refused_and_the_deployment_kept(tmp_path):
    """An index that reads ApplicationMoved cannot follow an ApplicationRegistry that logs none: a data
    directory deployed by another release is refused at start, not followed wrongly."""
    open_node(tmp_path, passphrase="attach-test", scrypt_n=2**14).close()
    record_path = tmp_path / DEPLOYMENT_FILE
    record = json.loads(record_path.read_text())
    # Other code at the applications address: here the ledger's, as an earlier release's would be.
    other = {**record, "applications": record["ledger"]}
    record_path.write_text(json.dumps(other))

    with pytest.raises(ChainError, match="does not run this release's ApplicationRegistry.*README, Upgrading"):
        open_node(tmp_path, passphrase="attach-test", scrypt_n=2**14)
    assert json.loads(record_path.read_text()) == other  # nothing redeployed over it
    record_path.write_text(json.dumps(record))
    open_node(tmp_path, passphrase="attach-test", scrypt_n=2**14).close()  # this release's: attached as before
