"""A sceptic's check of the registry's transparency log (`tanquan log-check`): the latest checkpoint accepted
by the reader's own trust policy (chain/policy.py), proved consistent with the last checkpoint this reader
accepted (kept in its state file), and, if asked, a block proved in it. Nothing of the operator's is
trusted but what the policy's keys signed; the proofs are RFC 9162's (chain/tlog.py). `verify_offline`
checks a certificate's bundle (an offset certificate's, a trade voucher's) the same way, with no network at
all (`tanquan verify --offline`)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .note import Checkpoint
from .policy import Policy, PolicyError
from .proofs import KINDS, OFFSET, Kind, ProofFailed, matches, statement_signer, verify_receipt
from .states import OffsetPurpose
from .tlog import leaf_hash, verify_consistency, verify_inclusion


class LogCheckFailed(PolicyError):
    """The log's answers do not prove what they must: the reader should keep them as evidence."""


@dataclass
class Report:
    checkpoint: Checkpoint
    witnesses: list[str]
    proven: list[str] = field(default_factory=list)  # what was proved, in words
    block_hash: str | None = None
    facts: dict | None = None  # what an offline bundle's ledger logged (chain/proofs.py verify_receipt)


def check(url: str, policy: Policy, state_path: Path, *, block: int | None = None,
          http: httpx.Client | None = None) -> Report:
    http = http or httpx.Client(timeout=30)
    base = url.rstrip("/")
    note = _get(http, f"{base}/log/checkpoint").text
    checkpoint, witnesses = policy.accept(note)
    report = Report(checkpoint, witnesses, [_accepted(checkpoint, witnesses)])
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    seen = state.get(checkpoint.origin)
    if seen is not None:
        old = Checkpoint(checkpoint.origin, seen["size"], base64.b64decode(seen["root"]))
        smaller, larger = sorted((old, checkpoint), key=lambda c: c.size)
        proof = _get(http, f"{base}/log/proof/consistency", old=smaller.size, new=larger.size).json()["proof"]
        if not verify_consistency(smaller.size, larger.size, smaller.root, larger.root, [base64.b64decode(p) for p in proof]):
            raise LogCheckFailed(f"the log's tree of {checkpoint.size} blocks does not extend the tree of {old.size} "
                                 f"this reader accepted before: the history was rewritten. Keep {state_path} and this "
                                 f"checkpoint as evidence:\n{note}")
        report.proven.append(f"it extends the checkpoint of {old.size} blocks accepted before: nothing shown then "
                             "was changed or removed" if checkpoint.size >= old.size else
                             f"it is older than the checkpoint of {old.size} accepted before, and consistent with it")
    if seen is None or checkpoint.size > seen["size"]:
        state[checkpoint.origin] = {"size": checkpoint.size, "root": base64.b64encode(checkpoint.root).decode(),
                                    "note": note}
        state_path.write_text(json.dumps(state, ensure_ascii=False, indent=1))
    if block is not None:
        answer = _get(http, f"{base}/log/proof/inclusion", block=block, size=checkpoint.size).json()
        block_hash = bytes.fromhex(answer["block_hash"].removeprefix("0x"))
        if not verify_inclusion(leaf_hash(block_hash), block, checkpoint.size,
                                [base64.b64decode(p) for p in answer["proof"]], checkpoint.root):
            raise LogCheckFailed(f"the inclusion proof of block {block} does not verify against the checkpoint")
        report.block_hash = answer["block_hash"]
        report.proven.append(f"block {block} is {answer['block_hash']} in that checkpoint: a receipt whose block "
                             "hash is this one is the registry's, as every reader of the log sees it")
    return report


def _accepted(checkpoint: Checkpoint, witnesses: list[str]) -> str:
    return (f"the checkpoint of {checkpoint.size} blocks is signed by the log "
            + (f"and cosigned by {', '.join(witnesses)}" if witnesses else "(the policy asks no witness)"))


def _get(http: httpx.Client, url: str, **params) -> httpx.Response:
    answer = http.get(url, params=params or None)
    if answer.status_code != 200:
        raise LogCheckFailed(f"{url}: {answer.status_code} {answer.text.strip()[:300]}")
    return answer


def verify_offline(bundle: dict, policy: Policy, *, ledger: str, signers: dict[str, str | None] | None = None) -> Report:
    """A certificate's bundle (gateway/services/transparency.py bundle), an offset certificate's or a trade
    voucher's, checked with no network: the checkpoint by the reader's policy, the block in it, the receipt in
    the block, what the pinned `ledger` logged in the receipt, and the department's signed statement of the same
    facts (by the address `signers` pins for its role, e.g. {"EEB": …, "CENTER": …}, if given). Raises
    PolicyError, ProofFailed or LogCheckFailed saying what failed."""
    checkpoint, witnesses = policy.accept(bundle["checkpoint"])
    block_hash, facts = verify_receipt(bundle, ledger=ledger)
    kind = KINDS[bundle.get("kind", OFFSET.name)]  # a bundle of the first format is an offset's
    if facts["kind"] != kind.name:
        raise ProofFailed(f"the bundle says {kind.name}, the receipt holds a {facts['kind']}")
    block = bundle["block"]
    if not verify_inclusion(leaf_hash(block_hash), block, checkpoint.size,
                            [base64.b64decode(p) for p in bundle["inclusion_proof"]], checkpoint.root):
        raise LogCheckFailed(f"block {block} (0x{block_hash.hex()}) is not proved in the checkpoint")
    report = Report(checkpoint, witnesses, [
        _accepted(checkpoint, witnesses),
        f"block {block} (0x{block_hash.hex()}) is in it",
        f"its receipts root holds transaction {bundle['tx_index']}'s receipt, which succeeded",
        f"the ledger {facts['ledger']} logged in it {_logged(facts)}"])
    report.block_hash, report.facts = "0x" + block_hash.hex(), facts
    report.proven.append(_statement(kind, bundle, facts, (signers or {}).get(kind.role)))
    return report


def _logged(facts: dict) -> str:
    if facts["kind"] == OFFSET.name:
        return (f"the retirement of {facts['amount_kg']:,} kg (serials {facts['serials'][0]}–{facts['serials'][1]}, "
                f"issuance {facts['issuance']}, coupon {facts['seq']} of it) for {facts['beneficiary']!r}, purpose "
                f"{OffsetPurpose(facts['purpose']).name}, case {facts['case_reference']!r}")
    return (f"the settlement of a trade: {facts['amount_kg']:,} kg of coupon id {facts['listed_coupon_id']} sold by "
            f"{facts['seller']} to {facts['buyer']} as coupon id {facts['coupon_id']}, at "
            f"{facts['price_fen_per_tonne'] / 100:,.2f} yuan/t, the seller's service fee {facts['service_fee_fen'] / 100:,.2f} "
            f"yuan, under the agreement of sha256 {facts['agreement'][2:]}")


def _statement(kind: Kind, bundle: dict, facts: dict, pinned: str | None) -> str:
    """The department's EIP-712 statement: the receipt's facts, and what only it says (the coupons' numbers, the
    transaction), signed by the pinned address of its role."""
    signed = bundle.get("statement") or bundle["eeb_statement"]  # the first format's name for an offset's
    message = signed["message"]
    signer = statement_signer(kind, signed["chain_id"], message, signed["signature"])
    if pinned is not None and signer.lower() != pinned.lower():
        raise ProofFailed(f"the statement is signed by {signer}, not by the {kind.role}'s {pinned}")
    if not matches(facts, bundle["block"], message):
        raise ProofFailed(f"the {kind.role}'s statement is not the {kind.name} the receipt proves")
    whose = (f"the {kind.role}'s pinned address" if pinned else
             f"{signer} (pin the {kind.role}'s address with --{ROLE_OPTIONS[kind.role]} to know whose)")
    coupons = " sold as ".join(message[name] for name in kind.unproven if name != "txHash")
    return (f"the statement of coupon {coupons}, transaction {message['txHash']}, matching the receipt, "
            f"is signed by {whose}")


ROLE_OPTIONS = {"EEB": "eeb", "CENTER": "centre"}  # `tanquan verify --offline`'s option pinning each role's address
