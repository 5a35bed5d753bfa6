"""The transparency log's costs at scale (docs/transparency.md, issue 24 item 5): the tree of --blocks block
hashes built as a gateway builds it at start, a checkpoint signed, and RFC 9162 proofs made and checked at
random sizes; then, on a small real registry of its own (an embedded chain in a throw-away data directory,
the gateway in process, no sockets), both kinds of certificate bundle the gateway serves at
/log/bundles/<tx>.json (gateway/services/transparency.bundle): an offset certificate's (a coupon minted and
offset) and a trade voucher's (a coupon listed and part of it sold), each one's size in bytes and the time
its offline check takes (chain/logcheck.verify_offline, the check `tanquan verify --offline` runs, with a
policy of the log's key and the department's address pinned).

Writes: the log cannot be switched off (no setting; every block is a leaf before a writer hears back,
gateway/runtime/wiring.py), so there is no with/without comparison of write latency to make. What it adds to
the write path is measured instead, on the same registry: --writes real writes (a coupon's owner asking for
a step and cancelling it, a block each), each followed by the index follower's sync that a writer waits for,
timed whole and the log's leaf append within it (TransparencyLog.follow: the leaf stored and the tree
extended). scripts/bench_public.py measures write latency through HTTP, log included.

Goals: the tree of 100,000 blocks built in ≤ 2 s (a gateway's start-up stays fast), an inclusion and a
consistency proof each made in ≤ 5 ms at p95 and checked in ≤ 5 ms at p95, a bundle checked offline in
≤ 100 ms at p95; the leaf append is reported beside the write it follows (log_append_share_of_write_p50).
With --bundle FILE (a bundle's JSON from another registry), --ledger and --log-key, that bundle is sized and
timed too. Prints a table and, with --json PATH, writes the numbers; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from bench_public import offset_certificate  # noqa: E402
from benchlib import loadavg, quantile, reporter, report_ceilings, write_json  # noqa: E402
from chain import Action, Role, devnet  # noqa: E402
from chain.logcheck import verify_offline  # noqa: E402
from chain.note import Checkpoint, Signer, verify  # noqa: E402
from chain.policy import parse  # noqa: E402
from chain.tlog import MerkleLog, verify_consistency, verify_inclusion  # noqa: E402
from gateway.core.settings import Settings  # noqa: E402
from gateway.runtime.wiring import Gateway  # noqa: E402
from gateway.services import transparency  # noqa: E402

GOALS = {"build_s": 2.0, "inclusion_proof_p95_ms": 5.0, "consistency_proof_p95_ms": 5.0,
         "inclusion_verify_p95_ms": 5.0, "consistency_verify_p95_ms": 5.0, "bundle_verify_p95_ms": 100.0,
         "offline_check_p95_ms_offset": 100.0, "offline_check_p95_ms_trade": 100.0}
PASSPHRASE = "tanquan-bench-log"
IDENTITY_KEY = "tanquan-bench-log-identity-key"  # a throw-away registry's, like the passphrase
NOBODY = "0x" + "00" * 20
HASH = b"\x33" * 32  # a listing's disclosure and a trade's agreement, by their hashes
progress = reporter("bench_log")


def _timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return (time.perf_counter() - started) * 1000, result


def _bundle(path: Path, ledger: str, log_key: str, samples: int) -> dict:
    """The bundle's size and its offline check's time, its checkpoint accepted by the log's key alone."""
    raw = path.read_bytes()
    bundle, policy = json.loads(raw), parse(f"log {log_key}\nquorum none\n")
    times = [_timed(lambda: verify_offline(bundle, policy, ledger=ledger))[0] for _ in range(max(samples, 1))]
    return {"bundle_bytes": len(raw), "bundle_verify_p95_ms": round(quantile(times, 0.95), 3)}


def trade_voucher(node) -> tuple[str, object, int]:
    """A coupon minted, listed (附件7) and part of it sold by the centre; the trade voucher's tx hash, the buyer
    and the coupon bought."""
    departments = {role: node.department(role) for role in Role}
    seller, buyer, registry = node.custodial("seller"), node.custodial("buyer"), node.registry
    coupon = devnet.issue_coupon(registry, departments, seller, parcels=[b"\x43" * 32], amount_kg=1000)
    registry.request(seller, coupon=coupon, action=Action.LIST, counterparty=NOBODY, amount_kg=1000)
    center = departments[Role.CENTER]
    registry.list_coupon(center, coupon=coupon, price_fen_per_tonne=3150, notice_end=2**32, disclosure_hash=HASH)
    sold = registry.settle_trade(center, coupon=coupon, buyer=buyer.address, amount_kg=300, price_fen_per_tonne=3150,
                                 service_fee_fen=3780, agreement_hash=HASH)
    return sold.receipt.tx_hash, buyer, sold.coupon


def own_registry(samples: int, writes: int) -> dict:
    """Both kinds of bundle made by a real gateway, sized and checked offline; the log's share of writes."""
    results: dict = {}
    data_dir = Path(tempfile.mkdtemp(prefix="tanquan-bench-log-"))
    os.environ.setdefault("TANQUAN_IDENTITY_KEY", IDENTITY_KEY)
    gw = Gateway.open(Settings(data_dir=data_dir, key_scrypt_n=2**4), served=False, passphrase=PASSPHRASE)
    try:
        node = gw.node
        offset, _ = offset_certificate(node)
        trade, buyer, bought = trade_voucher(node)
        gw.follower.close()  # from here this benchmark syncs, so each sync is timed whole
        gw.follower.sync()
        policy = parse(f"log {transparency.verifier_key(gw).strip()}\nquorum none\n")
        signers = {role.name: node.department(role).address for role in (Role.EEB, Role.CENTER)}
        ledger = gw.registry.ledger.address
        for kind, tx_hash in (("offset", offset), ("trade", trade)):
            raw = transparency.bundle_bytes(gw, tx_hash)
            bundle = json.loads(raw)
            assert bundle["kind"] == kind, bundle["kind"]
            times = [_timed(lambda: verify_offline(bundle, policy, ledger=ledger, signers=signers))[0]
                     for _ in range(max(samples, 1))]
            results[f"bundle_bytes_{kind}"] = len(raw)
            results[f"offline_check_p50_ms_{kind}"] = round(quantile(times, 0.5), 3)
            results[f"offline_check_p95_ms_{kind}"] = round(quantile(times, 0.95), 3)
            progress(f"{kind} bundle: {len(raw)} bytes, offline check p95 {results[f'offline_check_p95_ms_{kind}']} ms")
        results["offline_check_p95_ms"] = max(results["offline_check_p95_ms_offset"],
                                              results["offline_check_p95_ms_trade"])

        appends: list[float] = []
        follow = gw.log.follow
        gw.follower.on_sync[gw.follower.on_sync.index(follow)] = lambda: appends.append(_timed(follow)[0])
        syncs, sent = [], []
        for n in range(writes):  # the buyer asks to offset its coupon and takes it back, in turn: a block each
            ms, _ = _timed(lambda: node.registry.cancel_request(buyer, coupon=bought) if n % 2 else node.registry.request(
                buyer, coupon=bought, action=Action.OFFSET, counterparty=NOBODY, amount_kg=300))
            sent.append(ms)
            ms, _ = _timed(gw.follower.sync)
            syncs.append(ms)
        results["writes"] = len(sent)
        results["write_p50_ms"] = round(quantile(sent, 0.5), 3)
        results["write_p95_ms"] = round(quantile(sent, 0.95), 3)
        results["write_sync_p95_ms"] = round(quantile(syncs, 0.95), 3)
        results["log_append_p50_ms"] = round(quantile(appends, 0.5), 3)
        results["log_append_p95_ms"] = round(quantile(appends, 0.95), 3)
        results["log_append_share_of_write_p50"] = round(quantile(appends, 0.5) / quantile(sent, 0.5), 4)
        progress(f"{len(sent)} writes: the index sync p95 {results['write_sync_p95_ms']} ms, "
                 f"the log's leaf append within it p95 {results['log_append_p95_ms']} ms")
    finally:
        gw.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=1_000)
    parser.add_argument("--writes", type=int, default=200, help="writes on the registry, each one block")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--bundle", type=Path, help="an offset certificate's offline proof (JSON)")
    parser.add_argument("--ledger", help="the ledger the bundle's retirement is from")
    parser.add_argument("--log-key", help="the log's verifier key (GET /log/key)")
    args = parser.parse_args()
    rng = random.Random(1)
    blocks = [hashlib.sha256(n.to_bytes(8, "big")).digest() for n in range(args.blocks)]

    started = time.perf_counter()
    log = MerkleLog(blocks)
    build_s = time.perf_counter() - started
    signer = Signer("bench.example/tanquan", Ed25519PrivateKey.generate())
    sign_ms, note = _timed(lambda: signer.sign(Checkpoint(signer.name, log.size, log.root()).text))
    verify_ms, _ = _timed(lambda: verify(note, [signer.verifier]))

    made, checked, sizes = {"inclusion": [], "consistency": []}, {"inclusion": [], "consistency": []}, []
    for _ in range(args.samples):
        size = rng.randint(1, args.blocks)
        index, old = rng.randrange(size), rng.randint(1, size)
        ms, proof = _timed(lambda: log.inclusion_proof(index, size))
        made["inclusion"].append(ms)
        root = log.root(size)
        ms, ok = _timed(lambda: verify_inclusion(log.leaf(index), index, size, proof, root))
        assert ok
        checked["inclusion"].append(ms)
        sizes.append(len(proof))
        ms, proof = _timed(lambda: log.consistency_proof(old, size))
        made["consistency"].append(ms)
        old_root = log.root(old)
        ms, ok = _timed(lambda: verify_consistency(old, size, old_root, root, proof))
        assert ok
        checked["consistency"].append(ms)

    results = {
        "blocks": args.blocks, "samples": args.samples, "build_s": round(build_s, 3),
        "checkpoint_sign_ms": round(sign_ms, 3), "checkpoint_verify_ms": round(verify_ms, 3),
        "checkpoint_bytes": len(note.encode()),
        "inclusion_proof_hashes_max": max(sizes),  # 32 bytes each
        "loadavg": loadavg(),
    }
    for kind in ("inclusion", "consistency"):
        results[f"{kind}_proof_p50_ms"] = round(quantile(made[kind], 0.5), 3)
        results[f"{kind}_proof_p95_ms"] = round(quantile(made[kind], 0.95), 3)
        results[f"{kind}_verify_p95_ms"] = round(quantile(checked[kind], 0.95), 3)
    progress(f"{args.blocks} blocks: built, signed and proved; now a registry of its own")
    results.update(own_registry(args.samples // 10, args.writes))
    if args.bundle:
        results.update(_bundle(args.bundle, args.ledger, args.log_key, args.samples // 10))
    report_ceilings(results, GOALS)
    print(f"(load average {results['loadavg']}; {args.samples} random sizes, leaves and old sizes)")
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
