"""The transparency log's costs at scale (docs/transparency.md): the tree of --blocks block hashes built as a
gateway builds it at start, a checkpoint signed, and RFC 9162 proofs made and checked at random sizes.

Goals: the tree of 100,000 blocks built in ≤ 2 s (a gateway's start-up stays fast), an inclusion and a
consistency proof each made in ≤ 5 ms at p95 and checked in ≤ 5 ms at p95. With --bundle (an offset
certificate's offline proof, GET /log/bundles/<tx>.json, or its PDF) and the --ledger it names, also its
size and the time `tanquan verify --offline` takes to check it (goal ≤ 100 ms at p95), with a policy of
the log's key (--log-key, GET /log/key). Prints a table and, with --json PATH, writes the numbers. The write path's share (a leaf stored per block, before a writer hears
back) is measured where writes are: scripts/bench_public.py's write latency, scripts/bench_gateway.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from benchlib import loadavg, quantile, report_ceilings, write_json  # noqa: E402
from chain.logcheck import verify_offline  # noqa: E402
from chain.note import Checkpoint, Signer, verify  # noqa: E402
from chain.policy import parse  # noqa: E402
from chain.tlog import MerkleLog, verify_consistency, verify_inclusion  # noqa: E402

GOALS = {"build_s": 2.0, "inclusion_proof_p95_ms": 5.0, "consistency_proof_p95_ms": 5.0,
         "inclusion_verify_p95_ms": 5.0, "consistency_verify_p95_ms": 5.0, "bundle_verify_p95_ms": 100.0}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=1_000)
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
    if args.bundle:
        results.update(_bundle(args.bundle, args.ledger, args.log_key, args.samples // 10))
    report_ceilings(results, GOALS)
    print(f"(load average {results['loadavg']}; {args.samples} random sizes, leaves and old sizes)")
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
