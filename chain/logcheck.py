"""A sceptic's check of the registry's transparency log (`tanquan log-check`): the latest checkpoint accepted
by the reader's own trust policy (chain/policy.py), proved consistent with the last checkpoint this reader
accepted (kept in its state file), and, if asked, a block proved in it. Nothing of the operator's is
trusted but what the policy's keys signed; the proofs are RFC 9162's (chain/tlog.py). `verify_offline`
checks an offset certificate's bundle the same way, with no network at all (`tanquan verify --offline`)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .note import Checkpoint
from .policy import Policy, PolicyError
from .proofs import ProofFailed, statement_signer, verify_receipt
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
    retired: dict | None = None  # an offline bundle's retirement, as the ledger logged it


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


def verify_offline(bundle: dict, policy: Policy, *, ledger: str, eeb: str | None = None) -> Report:
    """An offset certificate's bundle (gateway/services/transparency.py bundle) checked with no network:
    the checkpoint by the reader's policy, the block in it, the receipt in the block, the retirement the
    pinned `ledger` logged in the receipt, and the EEB's signed statement of the same facts (by the pinned
    `eeb` address, if given). Raises PolicyError, ProofFailed or LogCheckFailed saying what failed."""
    checkpoint, witnesses = policy.accept(bundle["checkpoint"])
    block_hash, retired = verify_receipt(bundle, ledger=ledger)
    block = bundle["block"]
    if not verify_inclusion(leaf_hash(block_hash), block, checkpoint.size,
                            [base64.b64decode(p) for p in bundle["inclusion_proof"]], checkpoint.root):
        raise LogCheckFailed(f"block {block} (0x{block_hash.hex()}) is not proved in the checkpoint")
    report = Report(checkpoint, witnesses, [
        _accepted(checkpoint, witnesses),
        f"block {block} (0x{block_hash.hex()}) is in it",
        f"its receipts root holds transaction {bundle['tx_index']}'s receipt, which succeeded",
        f"the ledger {retired['ledger']} logged in it the retirement of {retired['amount_kg']:,} kg "
        f"(serials {retired['serials'][0]}–{retired['serials'][1]}, issuance {retired['issuance']}, "
        f"coupon {retired['seq']} of it) for {retired['beneficiary']!r}, purpose "
        f"{OffsetPurpose(retired['purpose']).name}, case {retired['case_reference']!r}"])
    report.block_hash, report.retired = "0x" + block_hash.hex(), retired
    report.proven.append(_eeb_statement(bundle, retired, eeb))
    return report


def _eeb_statement(bundle: dict, retired: dict, pinned: str | None) -> str:
    """The EEB's EIP-712 statement: the receipt's facts, and what only it says (the coupon number, the
    transaction), signed by the pinned EEB address."""
    eeb = bundle["eeb_statement"]
    message = eeb["message"]
    signer = statement_signer(eeb["chain_id"], message, eeb["signature"])
    if pinned is not None and signer.lower() != pinned.lower():
        raise ProofFailed(f"the statement is signed by {signer}, not by the EEB's {pinned}")
    stated = (message["ledger"].lower(), message["firstSerial"], message["lastSerial"], message["amountKg"],
              message["purpose"], message["beneficiary"], message["caseReference"], message["block"])
    proved = (retired["ledger"].lower(), *retired["serials"], retired["amount_kg"],
              OffsetPurpose(retired["purpose"]).name, retired["beneficiary"], retired["case_reference"], bundle["block"])
    if stated != proved:
        raise ProofFailed("the EEB's statement is not the retirement the receipt proves")
    whose = "the EEB's pinned address" if pinned else f"{signer} (pin the EEB's address with --eeb to know whose)"
    return (f"the statement of coupon {message['coupon']}, transaction {message['txHash']}, matching the receipt, "
            f"is signed by {whose}")
