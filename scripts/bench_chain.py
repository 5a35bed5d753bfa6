"""Throughput, reopen time and event-index speed of the embedded chain (DESIGN §8).

Measures, in one run and each on its own temporary SQLite chain:

- one_per_block_tps: ledger operations sent one at a time through Chain.send,
  each mined in its own block (instant mode);
- batched_tps: the served chain (at most one block per wall-clock second)
  with many threads in flight, each sending from its own holder keys and
  waiting for its receipt; the best of the thread counts tried;
- ceiling_tps: the same operations pre-signed and mined by py-evm's mine_all
  in the served block shape (one step each of --batch different coupons a
  block), without web3 or callers;
- on a chain grown to 10,000 transactions (and 100,000 with --full, by
  pre-signed partial transfers that split coupons): the time to reopen it
  after a clean close (sealed: chain.seal), and once without its seal, as a
  crash leaves it (SQLite's check of every page), EventIndex.rebuild's rate,
  and provenance lookup latency at the largest size (at 100,000 coupons with
  --full).

The operation mix is one cycle per coupon: the owner's TRANSFER request for
the whole coupon, CENTER's register_transfer, NRB's freeze and unfreeze.

Goals: batched ≥ 0.8 × ceiling; reopen ≤ 2 s at 100,000 transactions;
provenance p95 ≤ 20 ms. Prints a table and, with --json PATH, writes the
numbers. Progress goes to stderr. Timings are wall-clock; a busy machine
lowers them (the load average is recorded).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import Miner, loadavg, print_table, quantile, reporter, write_json  # noqa: E402
from eth_account import Account  # noqa: E402
from eth_account.signers.local import LocalAccount  # noqa: E402
from eth_utils import keccak  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from chain import Action, Registry, Role  # noqa: E402
from chain.backends import EmbeddedChain, open_embedded  # noqa: E402
from chain.index import CouponRow, EventIndex  # noqa: E402
from chain.seal import SEAL_SUFFIX  # noqa: E402
from gateway.core.db import make_engine

SIZES = (10_000,)
FULL_SIZES = (10_000, 100_000)
FULL_PROVENANCE_COUPONS = 100_000
COUPONS = 512  # minted beforehand, one per served thread at most
HOLDERS = 2 * COUPONS  # each coupon moves between its own two holders
COUPON_KG = 10_000_000
REPORT = b"\x22" * 32
DEPARTMENT_WEI = 10**21
HOLDER_WEI = 10**19
GOALS = {"batched_vs_ceiling": 0.8, "reopen_s": 2.0, "provenance_p95_ms": 20.0}


progress = reporter("bench_chain")


@contextmanager
def heartbeat(label: str, every: float = 30):
    """A progress line every `every` seconds while a long call runs that reports nothing itself."""
    done = threading.Event()
    started = time.perf_counter()

    def beat():
        while not done.wait(every):
            progress(f"{label}, {time.perf_counter() - started:.0f} s")

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def key(name: str) -> LocalAccount:
    """Deterministic keys, so runs are comparable."""
    return Account.from_key(keccak(text=f"tanquan-bench/{name}"))


FAUCET = key("faucet")
DEPARTMENTS = {role: key(role.value) for role in Role}
HOLDER_KEYS = [key(f"holder-{i}") for i in range(HOLDERS)]


# ---------------------------------------------------------------- the base chain: registry, holders, coupons


@dataclass
class Base:
    path: Path
    applications: str
    ledger: str
    deployed_block: int
    txs: int
    coupons: int  # ids 1..coupons; coupon i belongs to holder 2(i-1), its partner is holder 2(i-1)+1


def build_base(path: Path, batch: int) -> Base:
    embedded = open_embedded(path, faucet_address=FAUCET.address)
    chain = embedded.chain
    for account in DEPARTMENTS.values():
        chain.transfer_value(FAUCET, account.address, DEPARTMENT_WEI)
    drc = DEPARTMENTS[Role.DRC]
    deployed_block = chain.w3.eth.block_number + 1
    registry = Registry.deploy(chain, drc, loss_notice_seconds=30 * 86400)
    for role, account in DEPARTMENTS.items():
        if role != Role.DRC:
            registry.grant(drc, role, account.address)
    instant_txs = chain.w3.eth.block_number  # one transaction per block so far
    miner = Miner(embedded.backend, chain.chain_id)
    apps, ledger = registry.applications.address, registry.ledger.address
    funding = [miner.sign(FAUCET, h.address, value=HOLDER_WEI, gas=21_000) for h in HOLDER_KEYS]
    miner.mine_in_batches(funding, batch)
    txs = []
    for i in range(COUPONS):
        txs += miner.issue(HOLDER_KEYS[2 * i], DEPARTMENTS, applications=apps, ledger=ledger, application=i + 1,
                           parcel=keccak(text=f"HS-bench-{i}"), amount_kg=COUPON_KG, report=REPORT)
    per_coupon = len(txs) // COUPONS  # the walk's steps
    for start in range(0, len(txs), batch):
        miner.mine(txs[start : start + batch])
        progress(f"base: minted {min(start + batch, len(txs)) // per_coupon}/{COUPONS} coupons")
    if registry.coupon_count() != COUPONS:
        raise RuntimeError(f"expected {COUPONS} coupons, the ledger has {registry.coupon_count()}")
    embedded.close()
    return Base(path, apps, ledger, deployed_block, instant_txs + len(funding) + len(txs), COUPONS)


def copy_chain(base: Base, path: Path) -> Path:
    shutil.copyfile(base.path, path)
    return path


def attach(embedded: EmbeddedChain, base: Base) -> Registry:
    return Registry.attach(embedded.chain, base.applications, base.ledger)


# ---------------------------------------------------------------- the operation mix


def cycle(coupon: int, owner: LocalAccount, other: LocalAccount) -> list[tuple[LocalAccount, str, str, tuple]]:
    """One coupon's round: owner's whole-coupon transfer request, CENTER registers it, NRB freezes and unfreezes."""
    return [
        (owner, "CouponLedger", "request", (coupon, int(Action.TRANSFER), other.address, COUPON_KG)),
        (DEPARTMENTS[Role.CENTER], "CouponLedger", "register_transfer", (coupon,)),
        (DEPARTMENTS[Role.NRB], "CouponLedger", "freeze", (coupon, "抽查")),
        (DEPARTMENTS[Role.NRB], "CouponLedger", "unfreeze", (coupon,)),
    ]


def holders_of(coupon: int) -> tuple[LocalAccount, LocalAccount]:
    return HOLDER_KEYS[2 * (coupon - 1)], HOLDER_KEYS[2 * (coupon - 1) + 1]


def measure_one_per_block(base: Base, path: Path, ops: int) -> dict:
    embedded = open_embedded(copy_chain(base, path))
    registry = attach(embedded, base)
    plan = [op for coupon in range(1, ops // 4 + 1) for op in cycle(coupon, *holders_of(coupon))]
    started = time.perf_counter()
    for done, (sender, _, function, args) in enumerate(plan, 1):
        registry.send(sender, function, *args)
        if done % 100 == 0:
            progress(f"one per block: {done}/{len(plan)} operations")
    elapsed = time.perf_counter() - started
    embedded.close()
    return {"one_per_block_tps": len(plan) / elapsed, "one_per_block_ops": len(plan)}


def measure_ceiling(base: Base, path: Path, batches: int, batch: int) -> dict:
    """Pre-signed operations mined by mine_all in the served workload's block shape:
    each block holds one step of `batch` different coupons (a closed-loop caller has
    one transaction in a block), each coupon going on with its cycle in the next."""
    embedded = open_embedded(copy_chain(base, path))
    miner = Miner(embedded.backend, embedded.chain.chain_id)
    owners = {c: holders_of(c) for c in range(1, base.coupons + 1)}
    steps = dict.fromkeys(owners, 0)
    coupons = deque(owners)
    signed = []
    for _ in range(batches):
        txs = []
        for _ in range(min(batch, base.coupons)):
            coupon = coupons[0]
            coupons.rotate(-1)
            owner, other = owners[coupon]
            sender, contract, function, args = cycle(coupon, owner, other)[steps[coupon]]
            txs.append(miner.sign(sender, base.ledger, miner.data(contract, function, *args)))
            steps[coupon] = (steps[coupon] + 1) % 4
            if steps[coupon] == 0:
                owners[coupon] = (other, owner)
        signed.append(txs)
    wall, cpu = miner.mine_timed(
        signed, on_block=lambda n, txs: progress(f"ceiling: {n}/{batches} batches of {len(txs)}"))
    embedded.close()
    total = sum(len(txs) for txs in signed)
    return {"ceiling_tps": total / wall, "ceiling_txs": total, "ceiling_batch": batch, "ceiling_cpu_tps": total / cpu}


def measure_served(base: Base, path: Path, threads: int, seconds: float, profile: bool) -> tuple[dict, dict]:
    embedded = open_embedded(copy_chain(base, path), served=True)
    registry = attach(embedded, base)
    head = embedded.chain.timestamp()
    while time.time() < head + 1:  # the base was mined faster than one block a second
        time.sleep(0.1)
    profiles: dict[str, list[cProfile.Profile]] = {"workers": [], "producer": []}
    producer = embedded.producer
    if profile:
        mine = producer._mine

        def profiled_mine(batch, timestamp):
            p = cProfile.Profile(time.thread_time)
            p.enable()
            try:
                return mine(batch, timestamp)
            finally:
                p.disable()
                profiles["producer"].append(p)

        producer._mine = profiled_mine  # instance attribute: only this benchmark's producer
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)
    deadline = [0.0]

    def worker(coupon: int) -> None:
        owner, other = holders_of(coupon)
        p = cProfile.Profile(time.thread_time) if profile else None
        start.wait()
        if p:
            p.enable()
        try:
            while time.perf_counter() < deadline[0]:
                for sender, _, function, args in cycle(coupon, owner, other):
                    if time.perf_counter() >= deadline[0]:
                        break
                    sent = time.perf_counter()
                    registry.send(sender, function, *args)
                    with lock:
                        latencies.append(time.perf_counter() - sent)
                owner, other = other, owner
        except Exception as exc:  # reported, not fatal: a benchmark shows what broke
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            if p:
                p.disable()
            if p:
                with lock:
                    profiles["workers"].append(p)

    pool = [threading.Thread(target=worker, args=(c,), daemon=True) for c in range(1, threads + 1)]
    for t in pool:
        t.start()
    blocks_before = producer.blocks_mined
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    while any(t.is_alive() for t in pool):
        time.sleep(1)
        with lock:
            done = len(latencies)
        alive = sum(t.is_alive() for t in pool)
        progress(f"served, {threads} threads: {time.perf_counter() - began:.0f}/{seconds:.0f} s, "
                 f"{producer.blocks_mined - blocks_before} blocks, {done} operations done, {alive} threads running")
    elapsed = time.perf_counter() - began
    blocks = producer.blocks_mined - blocks_before
    embedded.close()
    ops = len(latencies)
    result = {
        "tps": ops / elapsed,
        "ops": ops,
        "seconds": elapsed,
        "blocks": blocks,
        "txs_per_block": ops / blocks if blocks else 0.0,
        "latency_p50_s": quantile(latencies, 0.50),
        "latency_p95_s": quantile(latencies, 0.95),
        "errors": len(errors),
    }
    if errors:
        result["first_error"] = errors[0][:300]
    return result, profiles


# ---------------------------------------------------------------- growing the chain: partial transfers split coupons


class Grower:
    """Splits coupons breadth-first (a balanced lineage) with pre-signed partial transfers mined in batches."""

    def __init__(self, base: Base, embedded: EmbeddedChain, batch: int):
        self.base, self.batch = base, batch
        self.miner = Miner(embedded.backend, embedded.chain.chain_id)
        self.queue = deque((c, 2 * (c - 1), COUPON_KG) for c in range(1, base.coupons + 1))
        self.coupons = base.coupons
        self.txs = base.txs
        self.mining_s = self.mining_cpu_s = 0.0
        self.mined = 0

    def reattach(self, embedded: EmbeddedChain) -> None:
        self.miner.backend = embedded.backend

    def grow(self, *, until_txs: int | None = None, until_coupons: int | None = None, label: str) -> None:
        def remaining() -> int:
            by_txs = until_txs - self.txs if until_txs is not None else 0
            by_coupons = 2 * ((until_coupons - self.coupons + 1) // 2) if until_coupons is not None else 0
            return max(by_txs, by_coupons, 0)

        miner, ledger = self.miner, self.base.ledger
        last_report = 0.0
        while (left := remaining()) > 0:
            txs = []
            while len(txs) + 2 <= min(self.batch, left):
                coupon, owner, amount = self.queue.popleft()
                receiver = (owner + 1) % HOLDERS
                txs.append(miner.sign(HOLDER_KEYS[owner], ledger, miner.data(
                    "CouponLedger", "request", coupon, int(Action.TRANSFER), HOLDER_KEYS[receiver].address, amount // 2)))
                txs.append(miner.sign(DEPARTMENTS[Role.CENTER], ledger,
                                      miner.data("CouponLedger", "register_transfer", coupon)))
                self.queue.append((self.coupons + 1, receiver, amount // 2))  # the part, now the receiver's
                self.queue.append((self.coupons + 2, owner, amount - amount // 2))  # the rest
                self.coupons += 2
            if not txs:  # one transaction short of the target: a plain value transfer fills it
                txs.append(miner.sign(FAUCET, HOLDER_KEYS[0].address, value=1, gas=21_000))
            wall, cpu = miner.mine_timed([txs])
            self.mining_s += wall
            self.mining_cpu_s += cpu
            self.mined += len(txs)
            self.txs += len(txs)
            if time.perf_counter() - last_report > 5 or remaining() == 0:
                last_report = time.perf_counter()
                goal = f"{until_txs:,} transactions" if until_txs else f"{until_coupons:,} coupons"
                progress(f"{label}: {self.txs:,} transactions, {self.coupons:,} coupons (to {goal}), "
                         f"{self.mined / self.mining_s:.0f} tx/s mined")


def measure_provenance(index: EventIndex, coupons: int, lookups: int, rng: random.Random) -> dict:
    ids = rng.sample(range(1, coupons + 1), min(lookups + 20, coupons))
    with Session(index.engine) as session:
        numbers = list(session.scalars(select(CouponRow.number).where(CouponRow.id.in_(ids))))
        indexed = session.scalar(select(func.count()).select_from(CouponRow))
    rng.shuffle(numbers)
    for number in numbers[:20]:  # warm the connection pool and caches
        index.provenance(number)
    timings = []
    for number in numbers[20:]:
        started = time.perf_counter()
        if index.provenance(number) is None:
            raise RuntimeError(f"{number} missing from the index")
        timings.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": quantile(timings, 0.5), "p95_ms": quantile(timings, 0.95), "coupons": indexed,
            "lookups": len(timings)}


def receipt_lookup_ms(embedded: EmbeddedChain, depth: int) -> float:
    """eth_getTransactionReceipt of a transaction `depth` blocks below the head, as Chain and get_logs call it."""
    w3 = embedded.chain.w3
    block = w3.eth.get_block(max(w3.eth.block_number - depth, 1))
    started = time.perf_counter()
    w3.eth.get_transaction_receipt(block["transactions"][0])
    return (time.perf_counter() - started) * 1000


def reopen(base: Base, path: Path, rng: random.Random, coupons: int) -> tuple[float, EmbeddedChain]:
    started = time.perf_counter()
    embedded = open_embedded(path)
    registry = attach(embedded, base)
    embedded.chain.w3.eth.get_block("latest")
    registry.coupon(rng.randint(1, coupons))
    return time.perf_counter() - started, embedded


def measure_sizes(base: Base, tmp: Path, args, sizes, rng: random.Random) -> dict:
    out: dict = {}
    path = copy_chain(base, tmp / "grown.sqlite")
    embedded = open_embedded(path)
    grower = Grower(base, embedded, args.batch)
    index = None
    for size in sizes:
        grower.grow(until_txs=size, label=f"growing to {size:,}")
        embedded.close()
        samples = []
        for _ in range(3):
            seconds, embedded = reopen(base, path, rng, grower.coupons)
            samples.append(seconds)
            embedded.close()
        path.with_name(path.name + SEAL_SUFFIX).unlink()  # as a crash leaves it: every page is checked
        out[f"reopen_unsealed_s_{size}"], embedded = reopen(base, path, rng, grower.coupons)
        grower.reattach(embedded)
        out[f"reopen_s_{size}"] = statistics.median(samples)
        out[f"reopen_samples_s_{size}"] = samples
        out[f"coupons_{size}"] = grower.coupons
        out[f"blocks_{size}"] = embedded.chain.w3.eth.block_number
        progress(f"{size:,}: reopened in {out[f'reopen_s_{size}']:.3f} s (median of {samples}), "
                 f"{out[f'reopen_unsealed_s_{size}']:.3f} s without its seal")

        out[f"receipt_lookup_ms_head_{size}"] = receipt_lookup_ms(embedded, 0)
        out[f"receipt_lookup_ms_10_blocks_back_{size}"] = receipt_lookup_ms(embedded, 10)

        index = EventIndex(make_engine(f"sqlite:///{tmp / f'index-{size}.sqlite'}"))
        started, cpu_started = time.perf_counter(), time.process_time()
        with heartbeat(f"{size:,}: EventIndex.rebuild"):  # as `tanquan index rebuild` runs it
            events = index.rebuild(attach(embedded, base), from_block=base.deployed_block)
        seconds = time.perf_counter() - started
        out[f"index_events_{size}"] = events
        out[f"index_rebuild_events_per_s_{size}"] = events / seconds
        out[f"index_rebuild_cpu_events_per_s_{size}"] = events / (time.process_time() - cpu_started)
        progress(f"{size:,}: EventIndex.rebuild: {events:,} events in {seconds:.1f} s")

        provenance = measure_provenance(index, grower.coupons, args.lookups, rng)
        out[f"provenance_p50_ms_{size}"] = provenance["p50_ms"]
        out[f"provenance_p95_ms_{size}"] = provenance["p95_ms"]


    largest = sizes[-1]
    out["reopen_s"], out["reopen_txs"] = out[f"reopen_s_{largest}"], largest
    out["reopen_unsealed_s"] = out[f"reopen_unsealed_s_{largest}"]
    out["index_rebuild_events_per_s"] = out[f"index_rebuild_events_per_s_{largest}"]
    out["index_rebuild_size"] = largest
    if args.provenance_coupons and grower.coupons < args.provenance_coupons:
        grower.grow(until_coupons=args.provenance_coupons, label="growing for provenance")
        with heartbeat("the index follows the chain"):
            synced = index.sync(attach(embedded, base))
        progress(f"index followed the chain: {synced:,} more events")
        provenance = measure_provenance(index, grower.coupons, args.lookups, rng)
    out["provenance_p50_ms"], out["provenance_p95_ms"] = provenance["p50_ms"], provenance["p95_ms"]
    out["provenance_coupons"], out["provenance_lookups"] = provenance["coupons"], provenance["lookups"]
    if grower.mined:  # sizes below the base chain grow nothing
        out["growth_mined_tps"] = grower.mined / grower.mining_s
        out["growth_mined_cpu_tps"] = grower.mined / grower.mining_cpu_s
    embedded.close()
    return out


# ---------------------------------------------------------------- report


def print_report(r: dict) -> None:
    batched_goal = GOALS["batched_vs_ceiling"] * r["ceiling_tps"]
    size = r["index_rebuild_size"]
    short = r["reopen_txs"] < 100_000
    rows = [
        ("one_per_block_tps", f"{r['one_per_block_tps']:,.1f}", "", None, "Chain.send, instant mode, 1 tx a block"),
        ("batched_tps", f"{r['batched_tps']:,.1f}", f">= {batched_goal:,.1f} (0.8 x ceiling)",
         r["batched_tps"] >= batched_goal, f"served, best of {len(r['batched_thread_counts'])} thread counts"),
    ]
    for threads in r["batched_thread_counts"]:
        rows.append((f"  {threads} threads", f"{r[f'batched_tps_t{threads}']:,.1f}", "", None,
                     f"{r[f'batched_txs_per_block_t{threads}']:.0f} tx/block, latency p50 "
                     f"{r[f'batched_latency_p50_s_t{threads}']:.1f} s, p95 {r[f'batched_latency_p95_s_t{threads}']:.1f} s"
                     + (f", {r[f'batched_errors_t{threads}']} errors" if r[f"batched_errors_t{threads}"] else "")))
    rows += [
        ("ceiling_tps", f"{r['ceiling_tps']:,.1f}", "", None,
         f"mine_all, {r['ceiling_batch']} a block; {r['ceiling_cpu_tps']:,.1f} per CPU-second"),
        ("reopen_s", f"{r['reopen_s']:.3f}", "<= 2 s at 100,000 txs", r["reopen_s"] <= GOALS["reopen_s"],
         f"at {r['reopen_txs']:,} txs, median of 3" + ("; the goal's size needs --full" if short else "")),
        ("reopen_unsealed_s", f"{r['reopen_unsealed_s']:.3f}", "", None,
         f"at {r['reopen_txs']:,} txs, once, without the seal a clean close leaves (a crash): every page checked"),
        ("index_rebuild_events_per_s", f"{r['index_rebuild_events_per_s']:,.0f}", "", None,
         f"at {size:,} txs; EventIndex.rebuild, as `tanquan index rebuild` runs it"),
        ("provenance_p50_ms", f"{r['provenance_p50_ms']:.2f}", "", None,
         f"{r['provenance_lookups']} lookups, {r['provenance_coupons']:,} coupons"),
        ("provenance_p95_ms", f"{r['provenance_p95_ms']:.2f}", "<= 20 ms at 100,000 coupons",
         r["provenance_p95_ms"] <= GOALS["provenance_p95_ms"],
         f"at {r['provenance_coupons']:,} coupons" + ("; the goal's size needs --full" if r["provenance_coupons"] < 100_000
                                                     else "")),
    ]
    print_table(rows, missed="OVER")
    print(f"(load average {r['loadavg_start']} at start, {r['loadavg_end']} at end, {os.cpu_count()} cores; "
          f"run took {r['run_s']:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the numbers here")
    parser.add_argument("--full", action="store_true", help="also 100,000 transactions, provenance at 100,000 coupons")
    parser.add_argument("--threads", default="256,384,512", help="served-mode thread counts to try (≤ 512)")
    parser.add_argument("--seconds", type=float, default=20, help="sending time per served run")
    parser.add_argument("--one-per-block-ops", type=int, default=200)
    parser.add_argument("--ceiling-batches", type=int, default=10)
    parser.add_argument("--batch", type=int, default=256, help="transactions per mine_all block")
    parser.add_argument("--lookups", type=int, default=500, help="provenance lookups per size")
    parser.add_argument("--profile", type=Path, help="cProfile the served run with most threads; write pstats here")
    parser.add_argument("--sizes", help="override the chain sizes, e.g. 3000,6000 (transactions)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    thread_counts = sorted({int(t) for t in args.threads.split(",")})
    if not all(1 <= t <= COUPONS for t in thread_counts):
        parser.error(f"thread counts must be 1..{COUPONS}")
    sizes = tuple(int(n) for n in args.sizes.split(",")) if args.sizes else (FULL_SIZES if args.full else SIZES)
    args.provenance_coupons = FULL_PROVENANCE_COUPONS if args.full else None
    rng = random.Random(args.seed)
    began = time.perf_counter()
    results: dict = {"loadavg_start": loadavg(), "full": args.full}

    with tempfile.TemporaryDirectory(prefix="tanquan-bench-") as tmp_name:
        tmp = Path(tmp_name)
        progress("building the base chain: registry, holders, coupons")
        base = build_base(tmp / "base.sqlite", args.batch)
        results["base_txs"], results["base_coupons"] = base.txs, base.coupons

        results.update(measure_ceiling(base, tmp / "ceiling.sqlite", args.ceiling_batches, args.batch))
        progress(f"ceiling: {results['ceiling_tps']:.1f} tx/s")
        results.update(measure_one_per_block(base, tmp / "one-per-block.sqlite", args.one_per_block_ops))
        progress(f"one per block: {results['one_per_block_tps']:.1f} tx/s")
        for threads in thread_counts:
            profile = args.profile is not None and threads == thread_counts[-1]
            served, profiles = measure_served(base, tmp / f"served-{threads}.sqlite", threads, args.seconds, profile)
            for name, value in served.items():
                results[f"batched_{name}_t{threads}"] = value
            progress(f"served, {threads} threads: {served['tps']:.1f} tx/s, {served['txs_per_block']:.0f} tx/block")
            if profile:
                write_profiles(profiles, args.profile)
        best = max(thread_counts, key=lambda t: results[f"batched_tps_t{t}"])
        results["batched_tps"], results["batched_threads"] = results[f"batched_tps_t{best}"], best
        results["batched_thread_counts"] = thread_counts

        results.update(measure_sizes(base, tmp, args, sizes, rng))

    results["batched_vs_ceiling"] = results["batched_tps"] / results["ceiling_tps"]
    results["loadavg_end"] = loadavg()
    results["run_s"] = time.perf_counter() - began
    print_report(results)
    if args.json:
        write_json(args.json, results)


def write_profiles(profiles: dict[str, list[cProfile.Profile]], path: Path) -> None:
    for name, collected in profiles.items():
        if not collected:
            continue
        stats = pstats.Stats(collected[0])
        for p in collected[1:]:
            stats.add(p)
        target = path.with_name(f"{path.name}.{name}.pstats")
        stats.dump_stats(str(target))
        text = io.StringIO()
        pstats.Stats(str(target), stream=text).sort_stats("cumulative").print_stats(25)
        progress(f"profile of the served {name} ({len(collected)} collected) → {target}\n{text.getvalue()}")


if __name__ == "__main__":
    main()
