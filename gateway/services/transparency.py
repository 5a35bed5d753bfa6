"""The transparency log as the public reads it (gateway/runtime/transparency.py): the latest signed checkpoint, the
log's verifier key, and RFC 9162 proofs that a block is in the log and that a later tree extends an earlier
one. Hashes are base64 as C2SP writes them; block hashes hex as Ethereum does."""

from __future__ import annotations

import base64
import json

from web3.exceptions import TransactionNotFound

from chain import ChainError, Role
from chain.note import Checkpoint, split
from chain.proofs import KINDS, OFFSET, ProofFailed, sign_statement, statement, verify_receipt
from chain.tlog import leaf_hash

from ..core.errors import Conflict, DomainError, Invalid, NotFound
from ..runtime.wiring import Gateway
from . import public


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def _running(gw: Gateway):
    if gw.log.rewritten is not None:
        r = gw.log.rewritten
        raise DomainError("LOG_HISTORY_REWRITTEN",
                          f"the chain's block {r.block} is not the block this log signed: the log signs no more",
                          detail={"block": r.block, "logged": "0x" + r.logged.hex(),
                                  "on_chain": "0x" + r.on_chain.hex() if r.on_chain else None}, status=503)
    return gw.log


def alarms(gw: Gateway) -> list[dict]:
    """What the operator must hear of at once: a chain that differs from what the log signed, and each witness
    that refused the log's last checkpoint (an inconsistency it found, or that it could not be reached)."""
    found = []
    if (r := gw.log.rewritten) is not None:
        found.append({"kind": "rewritten", "block": r.block})
    found += [{"kind": "witness_refused", "witness": w.verifier.name, "reason": w.refused}
              for w in gw.log.witnesses if w.refused]
    return found


def checkpoint(gw: Gateway) -> str:
    return _running(gw).checkpoint()


def verifier_key(gw: Gateway) -> str:
    return gw.log.signer.verifier.vkey + "\n"


def _size(gw: Gateway, size: int | None, *, field: str) -> int:
    logged = gw.log.tree.size
    if size is None:
        return logged
    if size > logged:
        raise Invalid("LOG_SIZE_UNKNOWN", f"the log has {logged} leaves; ask for a tree of at most that",
                      detail={"field": field, "tree_size": logged})
    return size


def inclusion(gw: Gateway, *, block: int, size: int | None) -> dict:
    """Block `block` is leaf `block` of the tree of `size` leaves (by default the latest checkpoint's)."""
    log = _running(gw)
    size = _size(gw, size, field="size")
    if block >= size:
        raise Invalid("BLOCK_NOT_LOGGED", f"block {block} is not among the first {size} leaves",
                      detail={"field": "block", "tree_size": size})
    block_hash = log.block_hash(block)
    return {"origin": log.origin, "tree_size": size, "leaf_index": block, "block_hash": "0x" + block_hash.hex(),
            "leaf_hash": _b64(leaf_hash(block_hash)), "root": _b64(log.tree.root(size)),
            "proof": [_b64(p) for p in log.tree.inclusion_proof(block, size)]}


def consistency(gw: Gateway, *, old: int, new: int | None) -> dict:
    """The tree of `new` leaves extends the tree of `old` leaves (RFC 9162 §2.1.4)."""
    log = _running(gw)
    new = _size(gw, new, field="new")
    if old > new:
        raise Invalid("LOG_SIZES_REVERSED", f"a tree of {old} leaves is not part of one of {new}",
                      detail={"field": "old", "tree_size": new})
    return {"origin": log.origin, "old_size": old, "new_size": new, "old_root": _b64(log.tree.root(old)),
            "new_root": _b64(log.tree.root(new)), "proof": [_b64(p) for p in log.tree.consistency_proof(old, new)]}


BUNDLE_FORMAT = "tanquan-bundle/2"  # /1 was an offset certificate's only, its statement named eeb_statement


def bundle(gw: Gateway, tx_hash: str) -> dict:
    """A certificate's offline proof (chain/proofs.py, chain/logcheck.py), an offset certificate's or a trade
    voucher's (its `kind`): its receipt proved against its block header, the header's block proved in the latest
    checkpoint, that checkpoint with its signatures, and the department's signed statement of the facts (the
    EEB's of a retirement, the centre's of a settlement). `tanquan verify --offline` checks it with the reader's
    policy and the ledger and department addresses it pinned."""
    log = _running(gw)
    try:
        block, proof = gw.registry.chain.receipt_proof(tx_hash)
    except (TransactionNotFound, ValueError) as exc:
        raise NotFound("UNKNOWN_TX", f"no transaction {tx_hash} on this chain") from exc
    except ChainError as exc:
        raise DomainError("BUNDLE_UNAVAILABLE", str(exc), status=501) from exc
    try:  # what the reader will check, checked here first
        _, facts = verify_receipt(proof, ledger=gw.registry.ledger.address)
    except ProofFailed as exc:
        raise Invalid("NOT_A_CERTIFICATE", f"{tx_hash} is neither an offset certificate nor a trade voucher of this "
                      f"registry: {exc}") from exc
    if facts["kind"] == OFFSET.name and (verified := public.verification(gw, tx_hash))["verdict"] != "valid":
        raise Invalid("NOT_A_CERTIFICATE", f"{tx_hash} is no valid offset certificate of this registry: "
                      f"{verified['reason']}", detail={"verdict": verified["verdict"], "reason": verified["reason"]})
    kind = KINDS[facts["kind"]]
    note = log.checkpoint()
    checkpoint = Checkpoint.parse(split(note)[0])
    numbers = {"coupon": facts["coupon_id"], "listedCoupon": facts.get("listed_coupon_id")}
    numbers = {name: gw.index.numbers.number_of(numbers[name]) for name in kind.unproven if name != "txHash"}
    if block >= checkpoint.size or None in numbers.values():
        raise Conflict("NOT_YET_LOGGED", f"block {block} is not in the latest checkpoint ({checkpoint.size} blocks) "
                       "and the index yet; ask again in a few seconds", detail={"block": block, "tree_size": checkpoint.size})
    chain_id = gw.registry.chain.w3.eth.chain_id
    message = statement(facts, block=block, tx_hash=tx_hash, numbers=numbers)
    signer = gw.node.department(Role[kind.role])
    return {"format": BUNDLE_FORMAT, "kind": kind.name, "tx_hash": tx_hash.lower(), "block": block,
            "ledger": gw.registry.ledger.address,
            "statement": {"role": kind.role, "chain_id": chain_id, "signer": signer.address, "message": message,
                          "signature": sign_statement(kind, signer, chain_id, message)},
            **proof, "inclusion_proof": [_b64(p) for p in log.tree.inclusion_proof(block, checkpoint.size)],
            "checkpoint": note}


def bundle_bytes(gw: Gateway, tx_hash: str) -> bytes | None:
    """The bundle as a PDF carries it attached, once its block is in a checkpoint (a second after, with witnesses
    a few); None before, or if there is none to make."""
    try:
        return json.dumps(bundle(gw, tx_hash), ensure_ascii=False).encode()
    except DomainError:
        return None
