"""The JSON-RPC backend end to end, on a local hardhat node (DESIGN §8).

A hardhat node (tests/e2e/hardhat, installed from npm by scripts/test) runs for
the session. Against it: the node deploys on first open and attaches after,
one coupon goes from application to offset, reverts carry their exact reason,
offsets verify from the chain alone (library and `tanquan verify`), and the
event index rebuilt from the chain agrees with it coupon by coupon.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from eth_account import Account
from eth_utils import keccak
from sqlalchemy import create_engine

from chain import (
    Action, ApplicationStatus, ChainError, ChainRevert, CouponState, OffsetPurpose, Receipt, Role, devnet,
)
from chain.backends import connect
from chain.index import EventIndex
from chain.keys import KeyStore
from chain.node import DEPLOYMENT_FILE, FAUCET_KEY, Node, open_node
from chain.proofs import ProofFailed, verify_receipt
from chain.verify import Verdict, verify_offset
from support.costs import KEY_SCRYPT_N

ROOT = Path(__file__).resolve().parents[2]
HARDHAT_DIR = Path(__file__).resolve().parent / "hardhat"
HARDHAT_CHAIN_ID = 31337
STARTUP_SECONDS = 60
STOP_SECONDS = 10
# hardhat's well-known account #0 (default mnemonic); public, funded on every hardhat node.
HARDHAT_ACCOUNT_0 = Account.from_key("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
PASSPHRASE = "e2e-hardhat-passphrase"
FAUCET_WEI = 100 * 10**18
ZERO = "0x" + "00" * 20
TONNE = 1000
CLAIMED_KG = 12_723 * TONNE
SOLD_KG = 2_723 * TONNE
OFFSET_KG = 723 * TONNE
BENEFICIARY = "2026赫山马拉松组委会"
CASE_REFERENCE = "HS-EV-2026-001"

pytestmark = [
    pytest.mark.skipif(
        not (HARDHAT_DIR / "node_modules" / "hardhat").is_dir(),
        reason="hardhat is not installed in tests/e2e/hardhat/node_modules; `bash scripts/test` installs it (needs npm)",
    ),
    pytest.mark.skipif(shutil.which("npx") is None, reason="npx (npm) is not on PATH; cannot start the hardhat node"),
]


# -- the hardhat node


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chain_id(url: str) -> str | None:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return json.load(response).get("result")
    except OSError:
        return None


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(proc: subprocess.Popen) -> None:
    """End the process we started, TERM then KILL. It leads its own process group,
    signalled by its PID: npx does not pass SIGTERM on to the hardhat node it spawns."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _group_alive(proc.pid):
            break
        os.killpg(proc.pid, sig)
        deadline = time.monotonic() + STOP_SECONDS
        while time.monotonic() < deadline:
            proc.poll()  # reap npx, so only live members keep the group
            if not _group_alive(proc.pid):
                break
            time.sleep(0.1)
    proc.wait(timeout=STOP_SECONDS)


@pytest.fixture(scope="session")
def hardhat_url(tmp_path_factory) -> str:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("hardhat") / "node.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            ["npx", "--no", "hardhat", "node", "--hostname", "127.0.0.1", "--port", str(port)],
            cwd=HARDHAT_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true"},
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while (answer := _chain_id(url)) is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"hardhat node did not answer on {url} within {STARTUP_SECONDS} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        assert int(answer, 16) == HARDHAT_CHAIN_ID
        yield url
    finally:
        _stop(proc)


# -- a Tanquan node on it


def fund_faucet(url: str, data_dir: Path) -> str:
    """Create the data directory's faucet key and send it ETH from hardhat's account #0."""
    faucet = KeyStore(data_dir / "keys", PASSPHRASE, scrypt_n=KEY_SCRYPT_N).load_or_create(FAUCET_KEY)
    connect(url).transfer_value(HARDHAT_ACCOUNT_0, faucet.address, FAUCET_WEI)
    return faucet.address


def open_tanquan(url: str, data_dir: Path) -> Node:
    return open_node(data_dir, chain_url=url, passphrase=PASSPHRASE, scrypt_n=KEY_SCRYPT_N)


@dataclass
class Story:
    """One coupon's path on hardhat: every step's receipt, and the coupons it made."""

    node: Node
    steps: dict[str, Receipt] = field(default_factory=dict)
    application: int = 0
    minted: int = 0
    sold: int = 0
    rest: int = 0
    retired: int = 0
    kept: int = 0

    @property
    def registry(self):
        return self.node.registry


@pytest.fixture(scope="module")
def story(hardhat_url, tmp_path_factory) -> Story:
    data_dir = tmp_path_factory.mktemp("tanquan")
    fund_faucet(hardhat_url, data_dir)
    node = open_tanquan(hardhat_url, data_dir)
    reg, dept = node.registry, node.department
    holder, buyer = node.custodial("holder"), node.custodial("buyer")
    s = Story(node)

    def step(name: str, sender, function: str, *args) -> Receipt:
        s.steps[name] = reg.send(sender, function, *args)
        return s.steps[name]

    s.minted = devnet.issue_coupon(
        reg, {role: dept(role) for role in Role}, holder, amount_kg=CLAIMED_KG, receipts=s.steps,
        parcels=[keccak(text="430903-108-0012"), keccak(text="430903-108-0013")],
    )
    s.application = s.steps["submit"].event("ApplicationSubmitted").args["application"]
    step("list_request", holder, "request", s.minted, int(Action.LIST), ZERO, CLAIMED_KG)
    step("list", dept(Role.CENTER), "list_coupon", s.minted, 3_000, 2**32, bytes.fromhex("ef" * 32))  # a notice end ahead
    split = step(
        "trade", dept(Role.CENTER), "settle_trade", s.minted, buyer.address, SOLD_KG, 3_000, 81_690, bytes.fromhex("12" * 32)
    ).event("CouponSplit").args
    s.sold, s.rest = split["part"], split["rest"]
    step("offset_request", buyer, "request", s.sold, int(Action.OFFSET), ZERO, OFFSET_KG)
    offset = step(
        "retire", dept(Role.EEB), "retire", s.sold, int(OffsetPurpose.EVENT_NEUTRALITY), BENEFICIARY, CASE_REFERENCE
    ).event("CouponSplit").args
    s.retired, s.kept = offset["part"], offset["rest"]
    return s


# -- deploy or attach


def test_open_node__first_start_with_funded_faucet__deploys_and_records_deployment(hardhat_url, tmp_path):
    fund_faucet(hardhat_url, tmp_path)
    node = open_tanquan(hardhat_url, tmp_path)

    record = json.loads((tmp_path / DEPLOYMENT_FILE).read_text())
    assert record["chain_id"] == HARDHAT_CHAIN_ID
    assert record["ledger"] == node.registry.ledger.address
    assert record["applications"] == node.registry.applications.address
    assert record["deployed_block"] == node.deployed_block
    for address in (record["ledger"], record["applications"]):
        assert len(node.chain.w3.eth.get_code(address)) > 0
    assert all(node.registry.has_role(role, node.department(role).address) for role in Role if role != Role.DRC)


def test_open_node__second_start__attaches_to_same_registry_without_redeploying(hardhat_url, tmp_path):
    fund_faucet(hardhat_url, tmp_path)
    first = open_tanquan(hardhat_url, tmp_path)
    record = (tmp_path / DEPLOYMENT_FILE).read_text()
    head = first.chain.w3.eth.block_number

    second = open_tanquan(hardhat_url, tmp_path)

    assert second.chain.w3.eth.block_number == head  # not a single transaction sent
    assert (tmp_path / DEPLOYMENT_FILE).read_text() == record
    assert second.registry.ledger.address == first.registry.ledger.address
    assert second.registry.applications.address == first.registry.applications.address
    assert second.deployed_block == first.deployed_block
    assert second.department(Role.GOV).address == first.department(Role.GOV).address


def test_open_node__unfunded_faucet__refuses_to_deploy(hardhat_url, tmp_path):
    with pytest.raises(ChainError, match="fund the faucet"):
        open_tanquan(hardhat_url, tmp_path)
    assert not (tmp_path / DEPLOYMENT_FILE).exists()


# -- the coupon's path


def test_coupon_lifecycle__submit_to_partial_offset_on_hardhat__states_and_events_follow(story):
    reg, steps, node = story.registry, story.steps, story.node
    holder, buyer = node.custodial("holder").address, node.custodial("buyer").address

    assert steps["submit"].event("ApplicationSubmitted").args["applicant"] == holder
    assert steps["formal_review"].event("FormalReviewPassed").args["application"] == story.application
    assert steps["preliminary_review"].event("PreliminaryReviewPassed").args["application"] == story.application
    assert steps["attestation"].event("ReportAttested").args["attested_kg"] == CLAIMED_KG
    assert steps["validation_first"].event("ValidationSigned").args["department"] == Role.NRB.id
    assert steps["validation"].event("ValidationSigned").args["department"] == Role.FORESTRY.id
    assert steps["validation"].event("ApplicationValidated").args["amount_kg"] == CLAIMED_KG
    assert steps["filing"].event("ApplicationFiled").args["filing_number"] == "赫环碳备〔2026〕1号"
    assert steps["mint"].event("IssuanceCreated").args["amount_kg"] == CLAIMED_KG
    assert steps["mint"].event("ApplicationIssued").args["application"] == story.application
    created = steps["mint"].event("CouponCreated").args
    assert (created["owner"], created["first_serial"], created["last_serial"]) == (holder, 1, CLAIMED_KG)
    assert steps["list_request"].event("RequestMade").args["action"] == Action.LIST
    assert steps["list"].event("CouponListed").args["coupon"] == story.minted
    trade = steps["trade"].event("TradeSettled").args
    assert (trade["coupon"], trade["seller"], trade["buyer"], trade["amount_kg"]) == (story.sold, holder, buyer, SOLD_KG)
    assert steps["offset_request"].event("RequestMade").args["amount_kg"] == OFFSET_KG
    retired = steps["retire"].event("CouponRetired").args
    assert (retired["coupon"], retired["owner"], retired["amount_kg"]) == (story.retired, buyer, OFFSET_KG)
    assert (retired["beneficiary"], retired["purpose"]) == (BENEFICIARY, OffsetPurpose.EVENT_NEUTRALITY)

    assert reg.application(story.application).status == ApplicationStatus.ISSUED
    expected = {
        story.minted: (CouponState.SPLIT, holder, CLAIMED_KG),
        story.rest: (CouponState.LISTED, holder, CLAIMED_KG - SOLD_KG),
        story.sold: (CouponState.SPLIT, buyer, SOLD_KG),
        story.retired: (CouponState.RETIRED, buyer, OFFSET_KG),
        story.kept: (CouponState.ACTIVE, buyer, SOLD_KG - OFFSET_KG),
    }
    assert reg.coupon_count() == len(expected)
    assert {i: (reg.coupon(i).state, reg.coupon(i).owner, reg.coupon(i).amount_kg) for i in expected} == expected
    assert reg.request_of(story.sold).action == Action(0)  # the consent was used up


def test_send__holder_calls_mint_without_gov_role__raises_exact_revert_reason_and_next_nonce_works(story):
    reg, node = story.registry, story.node
    holder = node.custodial("holder")

    with pytest.raises(ChainRevert) as caught:
        reg.send(holder, "mint", story.application)

    assert caught.value.reason == "access_control: account is missing role"
    receipt = node.chain.w3.eth.get_transaction_receipt(caught.value.tx_hash)
    assert receipt["status"] == 0  # hardhat mined it, failed
    again = reg.send(
        holder, "submit", [keccak(text="430903-108-0099")], 1_640_966_400, 1_704_038_400, TONNE,
        bytes.fromhex("cd" * 32), bytes.fromhex("ab" * 32), bytes.fromhex("bd" * 32),
    )
    assert again.event("ApplicationSubmitted").args["applicant"] == holder.address


def test_send__holder_requests_offset_of_buyers_coupon__raises_not_owner_and_changes_nothing(story):
    reg, holder = story.registry, story.node.custodial("holder")
    before = (reg.coupon(story.kept), reg.request_of(story.kept))

    with pytest.raises(ChainRevert) as caught:
        reg.send(holder, "request", story.kept, int(Action.OFFSET), ZERO, TONNE)

    assert caught.value.reason == "ledger: not owner"
    assert (reg.coupon(story.kept), reg.request_of(story.kept)) == before


# -- verification from the chain alone


def test_verify_offset__retire_tx_on_hardhat__valid_with_amount_and_beneficiary(story):
    tx_hash = story.steps["retire"].tx_hash

    result = verify_offset(story.node.chain, tx_hash, ledger_address=story.registry.ledger.address)

    assert result.verdict == Verdict.VALID, result.reason
    certificate = result.certificate
    assert certificate["certificate_id"] == tx_hash
    assert certificate["amount_kg"] == OFFSET_KG
    assert certificate["beneficiary"] == BENEFICIARY
    assert certificate["case_reference"] == CASE_REFERENCE
    assert certificate["purpose"] == OffsetPurpose.EVENT_NEUTRALITY.name
    assert certificate["owner"] == story.node.custodial("buyer").address
    assert certificate["signer"] == story.node.department(Role.EEB).address
    assert certificate["coupon"] == story.registry.number_of(story.retired)


def test_receipt_proof__retire_tx_on_hardhat__proved_offline_against_the_nodes_header(story):
    """A certificate's bundle on a JSON-RPC node: the header re-encoded hashes to the node's block hash, and the
    receipt is proved against its receipts root, with no network once made."""
    tx_hash = story.steps["retire"].tx_hash
    block, bundle = story.node.chain.receipt_proof(tx_hash)

    block_hash, retired = verify_receipt(bundle, ledger=story.registry.ledger.address)

    assert block_hash == bytes(story.node.chain.w3.eth.get_block(block)["hash"])
    assert (retired["amount_kg"], retired["beneficiary"], retired["case_reference"]) == (
        OFFSET_KG, BENEFICIARY, CASE_REFERENCE)
    tampered = {**bundle, "receipt": bundle["receipt"][:-2] + ("00" if bundle["receipt"][-2:] != "00" else "01")}
    with pytest.raises(ProofFailed):
        verify_receipt(tampered, ledger=story.registry.ledger.address)


def test_verify_offset__wrong_ledger_address__invalid(story):
    wrong = story.registry.applications.address

    result = verify_offset(story.node.chain, story.steps["retire"].tx_hash, ledger_address=wrong)

    assert result.verdict == Verdict.INVALID
    assert wrong in result.reason


def test_cli_verify__retire_tx_over_rpc__exits_0_and_prints_valid(story, hardhat_url, tmp_path):
    tx_hash = story.steps["retire"].tx_hash

    run = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "verify", tx_hash, "--rpc", hardhat_url,
         "--ledger", story.registry.ledger.address],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "TANQUAN_DATA_DIR": str(tmp_path)},
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "VALID" in run.stdout and "INVALID" not in run.stdout
    assert BENEFICIARY in run.stdout and tx_hash in run.stdout


# -- the event index


def test_event_index__synced_from_deployed_block__equals_chain_for_every_coupon(story, tmp_path):
    reg = story.registry
    index = EventIndex(create_engine(f"sqlite:///{tmp_path / 'index.sqlite'}"))

    applied = index.sync(reg, from_block=story.node.deployed_block)

    assert applied > 0 and index.cursor() == story.node.chain.w3.eth.block_number
    on_chain = {}
    for coupon_id in range(1, reg.coupon_count() + 1):
        c = reg.coupon(coupon_id)
        on_chain[coupon_id] = (c.state.name, c.owner, c.amount_kg, reg.number_of(coupon_id))
    indexed = {row.id: (row.state, row.owner, row.amount_kg, row.number) for row in index.coupons()}
    assert indexed == on_chain
    certificate = index.offset(story.steps["retire"].tx_hash)
    assert (certificate["amount_kg"], certificate["beneficiary"]) == (OFFSET_KG, BENEFICIARY)
