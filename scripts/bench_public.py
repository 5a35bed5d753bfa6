"""Public reads against chain length and beside writes (DESIGN §8: public reads never
take the block producer's lock and cost the same at any chain length).

- chain length, in process, no HTTP: an embedded chain (chain.node.open_node,
  instant mode) holding one offset certificate near its start is grown with
  empty blocks to each of --blocks; at each length, the median of --repeat
  verifications of the certificate through the node's committed-blocks reader
  (the gateway's path: the chain's own tx hash → block table, then that block's
  receipt), the same for an unknown hash, and the start-up check a restart
  runs (SQLite's quick check plus the last blocks re-derived: open_committed).
- served: a throw-away data directory is given its officials, a coupon and
  that coupon's offset certificate in process (instant mode), then `tanquan
  serve` runs on it on a free port (the wall-clock chain, at most a block a
  second):
    writes alone      --writers clients, each POST /api/v1/parcels/ccer as the
                      EEB official and waiting for its block, for --seconds;
    reads with writes --readers clients on one read at a time, beside the same
                      writers, for --seconds / 2 each: the offset's
                      verification (/api/v1/public/offsets/{tx}) and the
                      coupon's public record (/api/v1/public/coupons/{number}),
                      each by readers that keep nothing and by readers that
                      send back the ETag of their last answer (If-None-Match,
                      as a browser's cache does), and /healthz;
    mixed             the writers and the readers taking the three plain
                      reads in turn, for --seconds;
    paced             the same, each reader sending a request every --every
                      seconds (256 readers a second: a load the server
                      carries, not its ceiling), for --seconds.
  Reported (JSON): verify_rps, coupon_rps, health_rps of the plain readers
  beside writes, verify_to_health, p99_ms over those three, the conditional
  readers' rates, paced_p99_ms over the paced phase's reads, and the writes'
  p50/p95 alone and beside the readers.
  Goal (issue 13): verify_rps ≥ 0.5 × health_rps with p99 ≤ 100 ms.

Clients are coroutines on one event loop (uvloop) in this process, each with a
keep-alive HTTP/1.1 connection of its own, each sending its next request as
soon as the last is answered (a closed loop: with N readers and R answers a
second, a request waits N / R seconds on average, whatever the endpoint). The
server is another process on the same machine, so both share its cores: a
reader costs the writers CPU (and the GIL of the server's process), never the
producer's lock. Prints a table; --json PATH writes the numbers. Progress goes
to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvloop  # noqa: E402

from chain import Action, OffsetPurpose, Role, devnet  # noqa: E402
from chain.backends import open_committed  # noqa: E402
from chain.node import CHAIN_FILE, open_node  # noqa: E402
from chain.verify import Verdict, verify_offset  # noqa: E402
from gateway.demo import DEMO_PASSWORD, OFFICIALS, seed_officials  # noqa: E402
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings

PASSPHRASE = "tanquan-bench-public"
IDENTITY_KEY = "tanquan-bench-public-identity-key"  # a throw-away registry's, like the passphrase
MINE_CHUNK = 2_000  # empty blocks committed at once while the chain grows


def progress(message: str) -> None:
    print(f"[bench_public] {message}", file=sys.stderr, flush=True)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def label(blocks: int) -> str:
    return f"{blocks // 1000}k" if blocks % 1000 == 0 else str(blocks)


# ---------------------------------------------------------------- chain length


def offset_certificate(node) -> tuple[str, int]:
    """A coupon minted and offset at once; the certificate's tx hash and the coupon's id."""
    departments = {role: node.department(role) for role in Role}
    holder = node.custodial("holder")
    registry = node.registry
    coupon = devnet.issue_coupon(registry, departments, holder, parcels=[b"\x42" * 32], amount_kg=1000)
    registry.request(holder, coupon=coupon, action=Action.OFFSET, counterparty="0x" + "00" * 20, amount_kg=1000)
    certificate = registry.retire(departments[Role.EEB], coupon=coupon, purpose=OffsetPurpose.EVENT_NEUTRALITY,
                                  beneficiary="基准测试", case_reference="BENCH-1").tx_hash
    return certificate, coupon


def chain_length(lengths: list[int], repeat: int) -> dict:
    results: dict = {}
    data_dir = Path(tempfile.mkdtemp(prefix="tanquan-bench-public-chain-"))
    node = open_node(data_dir, passphrase=PASSPHRASE, scrypt_n=2**4)
    try:
        certificate, _ = offset_certificate(node)
        ledger = node.registry.ledger.address
        chain = node.embedded.backend.chain
        progress(f"certificate {certificate} in block {node.chain.head()}")
        for target in sorted(lengths):
            started = time.perf_counter()
            while (head := chain.get_canonical_head().block_number) < target:
                for _ in range(min(MINE_CHUNK, target - head)):
                    chain.mine_block()
                node.embedded.backend.kv.commit()
            progress(f"grew to {target} blocks in {time.perf_counter() - started:.1f} s")

            def timed(tx_hash: str, verdict: Verdict) -> tuple[float, float]:
                """Median wall-clock ms, and CPU ms on average (the machine may be busy with other work)."""
                times, cpu_began = [], time.process_time()
                for _ in range(repeat):
                    began = time.perf_counter()
                    assert verify_offset(node.reader, tx_hash, ledger_address=ledger).verdict == verdict
                    times.append((time.perf_counter() - began) * 1000)
                cpu_ms = (time.process_time() - cpu_began) * 1000 / repeat
                return round(statistics.median(times), 2), round(cpu_ms, 2)

            began = time.perf_counter()
            open_committed(data_dir / CHAIN_FILE).close()
            check_ms = round((time.perf_counter() - began) * 1000, 1)
            at = f"at_{label(target)}_blocks"
            results[f"verify_ms_{at}"], results[f"verify_cpu_ms_{at}"] = timed(certificate, Verdict.VALID)
            results[f"unknown_ms_{at}"], _ = timed("0x" + "ab" * 32, Verdict.UNKNOWN)
            results[f"startup_check_ms_{at}"] = check_ms
            files = [data_dir / CHAIN_FILE, data_dir / f"{CHAIN_FILE}-wal"]
            results[f"chain_mb_{at}"] = round(sum(f.stat().st_size for f in files if f.exists()) / 1e6, 1)
            progress(f"{target} blocks: verify {results[f'verify_ms_at_{label(target)}_blocks']} ms, "
                     f"start-up check {check_ms} ms")
    finally:
        node.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    return results


# ---------------------------------------------------------------- served


def prepare(data_dir: Path) -> tuple[str, str]:
    """Officials, one coupon and its offset certificate; returns the certificate and the coupon's number."""
    os.environ.setdefault("TANQUAN_IDENTITY_KEY", IDENTITY_KEY)  # read by Gateway.open here and by the server
    gateway = Gateway.open(Settings(data_dir=data_dir, key_scrypt_n=2**4), served=False, passphrase=PASSPHRASE)
    try:
        seed_officials(gateway)
        certificate, coupon = offset_certificate(gateway.node)
        gateway.follower.sync()
        return certificate, gateway.index.numbers.number_of(coupon)
    finally:
        gateway.close()


class Server:
    """`tanquan serve` as a subprocess, stopped by its PID."""

    def __init__(self, data_dir: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "TANQUAN_DATA_DIR": str(data_dir), "TANQUAN_KEY_PASSPHRASE": PASSPHRASE,
               "TANQUAN_PUBLIC_REQUESTS_PER_MINUTE": str(10**9)}
        self.proc = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--port", str(self.port)],
                                     cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tanquan serve exited with {self.proc.returncode}")
            try:
                ready = httpx.get(f"{self.url}/readyz", timeout=5)
                # Instant mode put the head's time ahead of the wall clock: the producer waits for it to pass.
                if ready.status_code == 200 and ready.json()["head_age_s"] > 0:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("tanquan serve did not become ready")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class KeepAlive:
    """One client's HTTP/1.1 keep-alive connection, on asyncio streams: just what the gateway's
    answers need. A load generator that leaves the shared cores to the server (threads with
    httpx spend more CPU per request than the gateway answering a kept verdict)."""

    def __init__(self, url: str):
        address = urllib.parse.urlsplit(url)
        self.host, self.port = address.hostname, address.port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                      body: dict | None = None) -> tuple[int, dict[str, str], bytes]:
        await self.connect()
        data = json.dumps(body).encode() if body is not None else b""
        head = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        length = f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n" if body is not None else ""
        self.writer.write(f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{head}{length}\r\n".encode()
                          + data)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("the server closed the connection")
        answer: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            answer[name.strip().lower()] = value.strip()
        size = int(answer.get("content-length", "0"))
        return int(status_line.split()[1]), answer, await self.reader.readexactly(size) if size else b""

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


# A client step: one request on the client's connection → its status. `memo` is the client's own
# (a conditional reader keeps the ETag of its last answer there, as a browser's cache does).
Step = Callable[[KeepAlive, dict], Awaitable[int]]


def reader(path: str, conditional: bool) -> Step:
    async def read(http: KeepAlive, memo: dict) -> int:
        asked = {"If-None-Match": memo["etag"]} if conditional and "etag" in memo else None
        status, headers, body = await http.request("GET", path, asked)
        if status == 200:
            json.loads(body)  # a reader reads what it got
            memo["etag"] = headers.get("etag")
        return status
    return read


def run_clients(url: str, clients: list[Step], seconds: float, every: list[float | None] | None = None
                ) -> tuple[list[list[tuple[float, int]]], float]:
    """Each client a coroutine with its own keep-alive connection, all on one event loop, each
    sending its next request as soon as the last is answered (a closed loop), or, where
    `every[i]` is given, with that many seconds between one request and the next (paced, each
    client starting at a random point of its first interval; a late answer delays only that
    client's next request). Connections open first, each with one uncounted request; the window
    starts when all are open. Returns (latency ms, status) per request per
    client, and the window's length."""
    return uvloop.run(_run_clients(url, clients, seconds, every))


async def _run_clients(url: str, clients: list[Step], seconds: float, every: list[float | None] | None = None):
    connections = [KeepAlive(url) for _ in clients]
    # Open and warm every connection (a first request the window does not count: the server
    # accepts a burst of new connections seconds late while it is busy).
    await asyncio.gather(*(c.request("GET", "/healthz") for c in connections))
    results: list[list[tuple[float, int]]] = [[] for _ in clients]
    began = time.perf_counter()
    stop = began + seconds

    async def loop(i: int) -> None:
        memo: dict = {}
        interval = every[i] if every else None
        due = began + random.uniform(0, interval) if interval else began
        while (sent := time.perf_counter()) < stop:
            if interval:
                if due > sent:
                    await asyncio.sleep(due - sent)
                    sent = time.perf_counter()
                due += interval
            status = await clients[i](connections[i], memo)
            results[i].append(((time.perf_counter() - sent) * 1000, status))

    try:
        await asyncio.gather(*(loop(i) for i in range(len(clients))))
    finally:
        for connection in connections:
            connection.close()
    return results, time.perf_counter() - began


READS = ("verify", "verify_conditional", "coupon", "coupon_conditional", "health")


def served(writers: int, readers: int, seconds: float, every: float) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="tanquan-bench-public-served-"))
    certificate, number = prepare(data_dir)
    server = Server(data_dir)
    results: dict = {}
    try:
        progress(f"serving {server.url}")
        server.wait_until_ready(timeout=600)
        with httpx.Client(base_url=server.url, timeout=60) as http:
            token = http.post("/api/v1/auth/login", json={"username": OFFICIALS["EEB"], "password": DEMO_PASSWORD})
            eeb = {"Authorization": f"Bearer {token.json()['token']}"}
            assert http.get(f"/api/v1/public/offsets/{certificate}").json()["verdict"] == "valid"
        parcels = iter(range(10**9))

        async def write(http: KeepAlive, memo: dict) -> int:
            status, _, _ = await http.request("POST", "/api/v1/parcels/ccer", eeb,
                                              {"parcel_number": f"BENCH-{next(parcels)}", "listed": True})
            return status

        reads: dict[str, Step] = {
            "verify": reader(f"/api/v1/public/offsets/{certificate}", conditional=False),
            "verify_conditional": reader(f"/api/v1/public/offsets/{certificate}", conditional=True),
            "coupon": reader(f"/api/v1/public/coupons/{number}", conditional=False),
            "coupon_conditional": reader(f"/api/v1/public/coupons/{number}", conditional=True),
            "health": reader("/healthz", conditional=False),
        }

        def summary(name: str, runs: list[list[tuple[float, int]]], elapsed: float) -> dict:
            latencies = [ms for run in runs for ms, _ in run]
            failed = sum(status >= 400 for run in runs for _, status in run)
            not_modified = sum(status == 304 for run in runs for _, status in run)
            progress(f"{name}: {len(latencies)} requests in {elapsed:.1f} s, {failed} failed")
            return {"n": len(latencies), "failed": failed, "not_modified": not_modified,
                    "rps": round(len(latencies) / elapsed, 1),
                    "p50_ms": round(quantile(latencies, 0.5), 1), "p95_ms": round(quantile(latencies, 0.95), 1),
                    "p99_ms": round(quantile(latencies, 0.99), 1)}

        progress(f"writes alone: {writers} writers for {seconds} s")
        runs, elapsed = run_clients(server.url, [write] * writers, seconds)
        results["writes_alone"] = summary("writes alone", runs, elapsed)
        every_read, writes_beside = [], []
        for name, read in reads.items():
            progress(f"{name}: {readers} readers beside {writers} writers for {seconds / 2} s")
            runs, elapsed = run_clients(server.url, [write] * writers + [read] * readers, seconds / 2)
            results[f"{name}_with_writes"] = summary(f"{name} with writes", runs[writers:], elapsed)
            writes_beside += runs[:writers]
            if name in ("verify", "coupon", "health"):
                every_read += [ms for run in runs[writers:] for ms, _ in run]
        results["reads_p99_ms"] = round(quantile(every_read, 0.99), 1)
        results["writes_beside_reads"] = summary("writes beside reads", writes_beside, len(reads) * seconds / 2)

        progress(f"mixed: {writers} writers, {readers} readers of the three in turn for {seconds} s")
        mixed = [write] * writers + [[reads["verify"], reads["coupon"], reads["health"]][i % 3] for i in range(readers)]
        runs, elapsed = run_clients(server.url, mixed, seconds)
        results["writes_with_mixed_reads"] = summary("writes with mixed reads", runs[:writers], elapsed)
        for i, name in enumerate(("verify", "coupon", "health")):
            results[f"mixed_{name}"] = summary(f"mixed {name}", runs[writers + i::3], elapsed)

        progress(f"paced: {writers} writers, {readers} readers of the three in turn, each a read every "
                 f"{every} s, for {seconds} s")
        runs, elapsed = run_clients(server.url, mixed, seconds, every=[None] * writers + [every] * readers)
        paced = []
        for i, name in enumerate(("verify", "coupon", "health")):
            results[f"paced_{name}"] = summary(f"paced {name}", runs[writers + i::3], elapsed)
            paced += [ms for run in runs[writers + i::3] for ms, _ in run]
        results["paced_p99_ms"] = round(quantile(paced, 0.99), 1)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    return results


# ---------------------------------------------------------------- report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--blocks", default="1000,10000,100000", help="chain lengths, comma-separated")
    parser.add_argument("--repeat", type=int, default=50, help="verifications timed at each length")
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--readers", type=int, default=256)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--every", type=float, default=1.0,
                        help="seconds between one paced reader's requests (the paced phase)")
    parser.add_argument("--skip-served", action="store_true", help="only the chain-length part")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    lengths = [int(n) for n in args.blocks.split(",")]
    results = {"blocks": lengths, "writers": args.writers, "readers": args.readers, "seconds": args.seconds,
               "cpus": os.cpu_count(), **chain_length(lengths, args.repeat)}
    if not args.skip_served:
        load = served(args.writers, args.readers, args.seconds, args.every)
        results.update(load)
        verify, health = load["verify_with_writes"]["rps"], load["health_with_writes"]["rps"]
        results.update({
            "verify_rps": verify, "coupon_rps": load["coupon_with_writes"]["rps"], "health_rps": health,
            "p99_ms": load["reads_p99_ms"],
            "verify_conditional_rps": load["verify_conditional_with_writes"]["rps"],
            "coupon_conditional_rps": load["coupon_conditional_with_writes"]["rps"],
            "verify_to_health": round(verify / health, 2) if health else None,
            "paced_p99_ms": load["paced_p99_ms"],
            "write_p95_ms_alone": load["writes_alone"]["p95_ms"],
            "write_p95_ms_with_readers": load["writes_beside_reads"]["p95_ms"],
        })

    rows = []
    for n in sorted(lengths):
        rows.append((f"verify, certificate, {n} blocks", f"{results[f'verify_ms_at_{label(n)}_blocks']} ms"
                                                          f"  (CPU {results[f'verify_cpu_ms_at_{label(n)}_blocks']} ms)"))
        rows.append((f"verify, unknown hash, {n} blocks", f"{results[f'unknown_ms_at_{label(n)}_blocks']} ms"))
        rows.append((f"start-up check, {n} blocks ({results[f'chain_mb_at_{label(n)}_blocks']} MB)",
                     f"{results[f'startup_check_ms_at_{label(n)}_blocks']} ms"))
    if not args.skip_served:
        for name in READS:
            part = results[f"{name}_with_writes"]
            rows.append((f"{name.replace('_', ' ')}, {args.readers} readers + {args.writers} writers",
                         f"{part['rps']} rps  p50 {part['p50_ms']} ms  p99 {part['p99_ms']} ms  "
                         f"304s {part['not_modified']}  failed {part['failed']}"))
        rows.append(("verify / health", f"{results['verify_to_health']}  (goal ≥ 0.5)"))
        rows.append(("p99 of verify, coupon and health", f"{results['p99_ms']} ms  (goal ≤ 100 ms)"))
        for name in ("mixed_verify", "mixed_coupon", "mixed_health"):
            part = results[name]
            rows.append((f"{name.replace('_', ' ')}, {args.readers // 3} readers each",
                         f"{part['rps']} rps  p50 {part['p50_ms']} ms  p99 {part['p99_ms']} ms  failed {part['failed']}"))
        for name in ("paced_verify", "paced_coupon", "paced_health"):
            part = results[name]
            rows.append((f"{name.replace('_', ' ')}, {args.readers // 3} readers each a read every {args.every} s",
                         f"{part['rps']} rps  p50 {part['p50_ms']} ms  p99 {part['p99_ms']} ms  failed {part['failed']}"))
        for name in ("writes_alone", "writes_beside_reads", "writes_with_mixed_reads"):
            part = results[name]
            rows.append((name.replace("_", " "), f"{part['rps']} rps  p50 {part['p50_ms']} ms  p95 {part['p95_ms']} ms"
                                                 f"  failed {part['failed']}"))
    width = max(len(metric) for metric, _ in rows) + 2
    for metric, value in rows:
        print(f"{metric:<{width}}{value}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
