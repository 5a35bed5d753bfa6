"""Offset certificates verified from the chain alone."""

import subprocess
import sys
from pathlib import Path

import pytest
from vyper import compile_code

from chain import Action, ChainRevert, OffsetPurpose, Registry, Role, devnet
from chain.compile import Artifact
from chain.verify import STATEMENT_16, Verdict, verify_offset
import chain_story

ROOT = Path(__file__).resolve().parents[2]

FAKE_LEDGER = """
# pragma version ~=0.4.3
event CouponRetired:
    coupon: indexed(uint256)
    owner: indexed(address)
    issuance: uint256
    seq: uint256
    first_serial: uint256
    last_serial: uint256
    amount_kg: uint256
    purpose: uint256
    beneficiary: String[128]
    case_reference: String[128]

@external
def forge():
    log CouponRetired(coupon=1, owner=msg.sender, issuance=1, seq=1, first_serial=1, last_serial=1000,
                      amount_kg=1000, purpose=2, beneficiary="forged", case_reference="FAKE")
"""


@pytest.fixture(scope="module")
def story():
    net, _ = devnet.start()
    result = chain_story.run(net)
    steps = {s.title: s.tx_hash for s in result.steps}
    return net, result, steps


def test_verify__offset_tx__valid_certificate(story):
    net, result, _ = story
    offset = result.offsets[0]
    verdict = verify_offset(net.evm.chain, offset["tx_hash"], ledger_address=net.registry.ledger.address)
    assert verdict.verdict == Verdict.VALID
    cert = verdict.certificate
    assert cert["coupon"] == offset["coupon"]
    assert cert["amount_kg"] == offset["amount_kg"]
    assert cert["beneficiary"] == offset["beneficiary"]
    assert cert["purpose"] == OffsetPurpose.EVENT_NEUTRALITY.name
    assert cert["signer"] == net.departments[Role.EEB].address
    assert cert["serials"][1] - cert["serials"][0] + 1 == offset["amount_kg"]
    assert cert["statement"] == STATEMENT_16


def test_verify__uppercase_hash_without_pinned_ledger__still_valid(story):
    net, result, _ = story
    tx_hash = "0x" + result.offsets[1]["tx_hash"][2:].upper()
    assert verify_offset(net.evm.chain, tx_hash).verdict == Verdict.VALID


def test_verify__unknown_hash__unknown(story):
    net, _, _ = story
    assert verify_offset(net.evm.chain, "0x" + "12" * 32).verdict == Verdict.UNKNOWN
    assert verify_offset(net.evm.chain, "not-a-hash").verdict == Verdict.UNKNOWN


def test_verify__failed_tx__invalid(story):
    net, _, _ = story
    with pytest.raises(ChainRevert) as caught:
        net.registry.retire(net.departments[Role.CENTER], coupon=1, purpose=OffsetPurpose.EVENT_NEUTRALITY,
                            beneficiary="x", case_reference="y")
    verdict = verify_offset(net.evm.chain, caught.value.tx_hash)
    assert verdict.verdict == Verdict.INVALID
    assert "failed" in verdict.reason


def test_verify__mint_tx__invalid_not_an_offset(story):
    net, _, steps = story
    verdict = verify_offset(net.evm.chain, steps["制发 mint"])
    assert verdict.verdict == Verdict.INVALID
    assert "not an offset" in verdict.reason


def test_verify__tx_of_later_voided_coupon__voided_with_replacement(story):
    net, result, steps = story
    verdict = verify_offset(net.evm.chain, steps["质押登记 pledge"])
    assert verdict.verdict == Verdict.VOIDED
    voided = next(c["number"] for c in result.coupons if c["state"] == "VOIDED")
    assert voided in verdict.reason and "replaced by" in verdict.reason


def test_verify__tx_of_coupon_later_voided_as_invalid__voided_with_reason(story):
    net, _, _ = story
    registry, dep, holder = net.registry, net.departments, net.new_account()
    coupon = devnet.issue_coupon(registry, dep, holder, parcels=[b"\x67" * 32], amount_kg=1_000)
    registry.request(holder, coupon=coupon, action=Action.LIST, counterparty="0x" + "00" * 20, amount_kg=1_000)
    listing = registry.list_coupon(dep[Role.CENTER], coupon=coupon, price_fen_per_tonne=3_000, notice_end=2**32,
                                   disclosure_hash=b"\x01" * 32).tx_hash
    reason, inspection = "抽查发现宗地与CCER项目重叠", b"\x9a" * 32
    registry.sign_voiding(dep[Role.NRB], coupon=coupon, reason=reason, inspection_hash=inspection)
    voiding = registry.sign_voiding(dep[Role.FORESTRY], coupon=coupon, reason=reason, inspection_hash=inspection).tx_hash

    for tx_hash in (listing, voiding):
        verdict = verify_offset(net.evm.chain, tx_hash, ledger_address=registry.ledger.address)
        assert (verdict.verdict, verdict.code) == (Verdict.VOIDED, "INVALIDATED")
        assert verdict.params == {"coupon": registry.number_of(coupon), "reason": reason,
                                  "inspection_hash": "0x" + inspection.hex()}
        assert verdict.reason == f"not an offset; its coupon {registry.number_of(coupon)} was voided as invalid by " \
                                 f"NRB and FORESTRY: {reason}"
        assert reason in verdict.explain("zh") and "认定无效" in verdict.explain("zh")


def test_verify__application_tx__invalid_not_a_coupon_tx(story):
    net, _, steps = story
    verdict = verify_offset(net.evm.chain, steps["登记申请 submit"])
    assert verdict.verdict == Verdict.INVALID


def test_verify__genuine_code_other_registry__invalid_when_ledger_pinned(story):
    net, _, _ = story
    impostor_drc, impostor_eeb, holder = net.new_account(), net.new_account(), net.new_account()
    impostor = Registry.deploy(net.evm.chain, impostor_drc, loss_notice_seconds=1)
    impostor.grant(impostor_drc, Role.EEB, impostor_eeb.address)
    # The impostor DRC also staffs every other step with itself-controlled keys.
    staff = {role: net.new_account() for role in (Role.CENTER, Role.VERIFIER, Role.NRB, Role.FORESTRY, Role.GOV)}
    impostor.grant_all(impostor_drc, {role: a.address for role, a in staff.items()})
    staff[Role.EEB] = impostor_eeb
    coupon = devnet.issue_coupon(impostor, staff, holder, parcels=[b"\x66" * 32], amount_kg=1000)
    impostor.request(holder, coupon=coupon, action=Action.OFFSET, counterparty="0x" + "00" * 20, amount_kg=1000)
    tx_hash = impostor.retire(impostor_eeb, coupon=coupon, purpose=OffsetPurpose.EVENT_NEUTRALITY,
                              beneficiary="伪造单位", case_reference="FAKE").tx_hash

    pinned = verify_offset(net.evm.chain, tx_hash, ledger_address=net.registry.ledger.address)
    assert pinned.verdict == Verdict.INVALID and "not by the registry's ledger" in pinned.reason


def test_verify__lookalike_contract__invalid_code(story):
    net, _, _ = story
    compiled = compile_code(FAKE_LEDGER, output_formats=["abi", "bytecode", "bytecode_runtime"])
    artifact = Artifact("Fake", compiled["abi"], compiled["bytecode"], compiled["bytecode_runtime"], 0)
    forger = net.new_account()
    fake, _ = net.evm.chain.deploy(artifact, sender=forger)
    tx_hash = net.evm.chain.send(forger, fake, "forge").tx_hash
    verdict = verify_offset(net.evm.chain, tx_hash)
    assert verdict.verdict == Verdict.INVALID
    assert "does not run the Tanquan CouponLedger code" in verdict.reason


def test_cli_verify__embedded_data_dir__valid_then_unknown(tmp_path):
    from chain.node import open_node

    env = {"TANQUAN_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    node = open_node(tmp_path, passphrase="cli", scrypt_n=2**14)
    reg = node.registry
    holder = node.custodial("holder")
    departments = {role: node.department(role) for role in Role}
    coupon = devnet.issue_coupon(reg, departments, holder, parcels=[b"\x77" * 32], amount_kg=1000)
    reg.request(holder, coupon=coupon, action=Action.OFFSET, counterparty="0x" + "00" * 20, amount_kg=1000)
    tx_hash = reg.retire(node.department(Role.EEB), coupon=coupon, purpose=OffsetPurpose.EVENT_NEUTRALITY,
                         beneficiary="某会议", case_reference="M-1").tx_hash
    node.close()

    def verify(h):
        return subprocess.run([sys.executable, "-m", "gateway.cli", "verify", h], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    ok = verify(tx_hash)
    assert ok.returncode == 0, ok.stderr
    assert "VALID" in ok.stdout and "某会议" in ok.stdout
    missing = verify("0x" + "34" * 32)
    assert missing.returncode == 2 and "UNKNOWN" in missing.stdout
