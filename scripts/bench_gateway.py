"""End-to-end lifecycle operations per second through the gateway's HTTP API (DESIGN §7-§8).

Starts `tanquan serve --demo` on a throw-away data directory and a free port
(the served wall-clock chain: at most one block a second, callers await their
receipts), waits for the demo story to finish, then:

- setup: registers --holders custodial holders over HTTP, takes one
  application per holder through the whole review path to a mint, and splits
  the coupons by partial transfers until every client has its own coupon;
- measure: for each client count (default 1, 32, 256) every client, a
  coroutine on one uvloop event loop with its own keep-alive HTTP/1.1
  connection, waits for each response (i.e. its receipt) and runs its own
  coupon through a repeatable lifecycle cycle:
      holder  POST /coupons/{n}/transfer-forms   附件8, whole coupon, to its partner: the owner's consent
              (the partner's confirmation and the centre's acceptance follow, untimed)
      CENTER  POST /coupons/{n}/transfer   流转登记 (a whole coupon keeps its number)
      NRB     POST /coupons/{n}/freeze     supervision
      NRB     POST /coupons/{n}/unfreeze
  Each level stops after --ops operations (default max(40, 10 x clients)) or
  --seconds, whichever comes first (operations in flight finish); after a
  failed step a client reads its coupon back and carries on from there;
- check: every request answered exactly once, every tx hash unique, and after
  the server has stopped, every acknowledged operation's transaction is read
  back from the chain file (status, function, coupon, event) with nothing
  mined that no client was told of; each coupon's final owner and state match;
- ceiling_tps: the same four calls, pre-signed and mined by py-evm's mine_all
  in blocks of one operation per coupon (the served workload's block shape),
  on a separate in-process chain (chain.node.open_node, instant mode), no HTTP;
  measured first, before the server starts.

- per request: before the levels, 32 clients send each request of the cycle (the two form steps
  included) together, three rounds, with the server's CPU (/proc) and its /metrics counters read
  around each (SQL statements, the block producer's mining CPU), less an idle second's: the
  gateway's CPU per kind of request, the EVM's share apart (--request-rounds 0 skips it).

Goals: tps at the largest client count ≥ 0.5 × ceiling_tps with p95 latency
≤ 2 s; no request lost or answered twice; the gateway's CPU (less mining) ≤ 8 ms per
on-chain request and ≤ 4 ms per off-chain form step. Prints a table and, with --json
PATH, writes the numbers (with p95 latency by step of the cycle). Progress
goes to stderr. Timings are wall-clock on a machine the server and the clients
share; the load average and the CPU time of server and clients are recorded.
--py-spy PATH samples the server during the largest level.

Replicas: `--replicas 2 --node anvil --database postgresql` serves the same registry from
two gateway processes against one anvil node from npm (tests/e2e/anvil, a block a second)
and one PostgreSQL (TANQUAN_TEST_POSTGRES_URL, as `source scripts/postgres` exports it; a
fresh database each run). The levels run twice on the same node and database: first every
client on the first replica alone, then the clients spread over all replicas; the report
adds one_replica_tps_<level> and ratio_to_one_replica_<level> (= tps_<level> / the former).
On a JSON-RPC node the outcome is read back over JSON-RPC; the ceiling stays the embedded
chain's (mine_all in process), for comparison with the default run.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvloop  # noqa: E402
from benchlib import Miner, loadavg, print_table, quantile, reporter, write_json  # noqa: E402
from eth_account import Account  # noqa: E402
from eth_utils import event_abi_to_log_topic, function_abi_to_4byte_selector, keccak, to_canonical_address  # noqa: E402

from chain import CouponState, Registry, Role  # noqa: E402
from chain import compile as compiler  # noqa: E402
from gateway.demo import DEMO_PASSWORD, OFFICIALS  # noqa: E402
from gateway.services.geometry import geojson, square  # noqa: E402
from gateway.core.identity import make_uscc

GOALS = {"vs_ceiling": 0.5, "p95_ms": 2000.0, "on_chain_cpu_ms": 8.0, "form_step_cpu_ms": 4.0}
PASSPHRASE = "tanquan-bench-gateway"
HOLDER_PASSWORD = "bench-holder-2026"
COUPON_T = 1000  # minted per holder, then split down
PERIOD = ("2022-01-01", "2024-01-01")
REPORT = b"\x33" * 32
SERVED_LINE = "Tanquan is serving"
# Every client of the benchmark is one address: the per-address limits of log-ins, new accounts and reads
# would measure themselves, not the gateway.
BENCH_LIMITS = {f"TANQUAN_{name}": "1000000" for name in (
    "PUBLIC_REQUESTS_PER_MINUTE", "PAGE_REQUESTS_PER_MINUTE", "LOGIN_REQUESTS_PER_MINUTE", "REGISTRATIONS_PER_HOUR")}
# The cycle: (who, path suffix, expected ledger function, expected event).
CYCLE = (
    ("owner", "transfer-forms", "request", "RequestMade"),  # filing the 附件8 form is the owner's consent
    ("CENTER", "transfer", "register_transfer", "CouponTransferred"),
    ("NRB", "freeze", "freeze", "CouponFrozen"),
    ("NRB", "unfreeze", "unfreeze", "CouponUnfrozen"),
)


OK = (200, 201)  # a write's answers: a step done, a form filed

progress = reporter("bench_gateway")


def tonnes(kg: int) -> str:
    return f"{kg // 1000}.{kg % 1000:03d}"


def kilograms(amount_t: str) -> int:
    return int(Decimal(amount_t) * 1000)


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """The server gets SIGTERM if this script dies without cleaning up (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Server:
    """`tanquan serve` (the first replica with --demo) as a subprocess, stopped by its PID."""

    def __init__(self, data_dir: Path, port: int, *, name: str = "serve", demo: bool = True,
                 environment: dict | None = None):
        self.data_dir, self.port = data_dir, port
        self.url = f"http://127.0.0.1:{port}"
        self.stdout_path, self.stderr_path = data_dir.parent / f"{name}.out", data_dir.parent / f"{name}.err"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TANQUAN_")}
        env.update(TANQUAN_DATA_DIR=str(data_dir), TANQUAN_KEY_PASSPHRASE=PASSPHRASE,
                   TANQUAN_IDENTITY_KEY="tanquan-bench-identity-key", PYTHONUNBUFFERED="1",
                   **BENCH_LIMITS, **(environment or {}))
        self._out, self._err = open(self.stdout_path, "wb"), open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
            + (["--demo"] if demo else []),
            env=env, cwd=ROOT, stdout=self._out, stderr=self._err, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def tail(self, lines: int = 25) -> str:
        out = []
        for path in (self.stdout_path, self.stderr_path):
            text = path.read_text(errors="replace").splitlines() if path.exists() else []
            out.append(f"--- {path.name}\n" + "\n".join(text[-lines:]))
        return "\n".join(out)

    def wait_for_demo(self, timeout: float) -> float:
        """Until the demo story has been told (its closing line), or fail with the log's tail."""
        started = time.perf_counter()
        last = 0.0
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tanquan serve exited with {self.proc.returncode}\n{self.tail()}")
            if SERVED_LINE in self.stdout_path.read_text(errors="replace"):
                return time.perf_counter() - started
            if "Exception in thread tanquan-demo" in self.stderr_path.read_text(errors="replace"):
                raise RuntimeError(f"the demo story failed\n{self.tail()}")
            if time.perf_counter() - last > 10:
                last = time.perf_counter()
                told = self.stdout_path.read_text(errors="replace").splitlines()
                steps = sum(1 for line in told if line[:3].strip(" .").isdigit())
                progress(f"waiting for the demo story: {steps} steps told, {time.perf_counter() - started:.0f} s")
            time.sleep(0.5)
        raise RuntimeError(f"the demo story did not finish within {timeout:.0f} s\n{self.tail()}")

    def wait_until_up(self, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tanquan serve exited with {self.proc.returncode}\n{self.tail()}")
            try:
                if httpx.get(f"{self.url}/api/v1/public/stats", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the replica did not come up within {timeout:.0f} s\n{self.tail()}")


    def stop(self, timeout: float = 30) -> int | None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                progress(f"server {self.pid} ignored SIGTERM for {timeout:.0f} s; killing it")
                self.proc.kill()
                self.proc.wait(10)
        self._out.close()
        self._err.close()
        return self.proc.returncode


class Anvil:
    """Foundry's anvil from its npm package (tests/e2e/anvil), a block a second, stopped by its PID."""

    BINARY = ROOT / "tests" / "e2e" / "anvil" / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"

    def __init__(self, log: Path):
        if not self.BINARY.is_file():
            raise SystemExit("anvil is not installed: `bash scripts/test` installs it into tests/e2e/anvil (npm)")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(
            [str(self.BINARY), "--host", "127.0.0.1", "--port", str(port), "--block-time", "1", "--hardfork", "cancun",
             "--gas-limit", "1000000000"], stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            try:
                if httpx.post(self.url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
                              timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("anvil did not start")

    def fund(self, address: str) -> None:
        from web3 import HTTPProvider, Web3

        w3 = Web3(HTTPProvider(self.url))
        w3.eth.wait_for_transaction_receipt(
            w3.eth.send_transaction({"from": w3.eth.accounts[0], "to": address, "value": 5_000 * 10**18}))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self._log.close()


def fresh_postgres_database() -> str:
    """A new database on the PostgreSQL that `source scripts/postgres` started (TANQUAN_TEST_POSTGRES_URL)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = os.environ.get("TANQUAN_TEST_POSTGRES_URL")
    if not server:
        raise SystemExit("--database postgresql needs TANQUAN_TEST_POSTGRES_URL: `source scripts/postgres` first")
    name = f"tanquan_bench_{int(time.time())}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


# ---------------------------------------------------------------- HTTP


class ApiError(RuntimeError):
    pass


class Api:
    def __init__(self, url: str, timeout: float):
        self.client = httpx.Client(base_url=f"{url}/api/v1", timeout=timeout)

    def close(self) -> None:
        self.client.close()

    def call(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else None
        response = self.client.request(method, path, headers=headers, **kwargs)
        for _ in range(5):  # a database busy past its timeout wrote nothing and says when to ask again
            if response.status_code != 503 or "Retry-After" not in response.headers:
                break
            time.sleep(float(response.headers["Retry-After"]))
            response = self.client.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            raise ApiError(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.json()

    def login(self, username: str, password: str) -> str:
        return self.call("POST", "/auth/login", json={"username": username, "password": password})["token"]


@dataclass
class Holder:
    index: int
    username: str
    token: str
    address: str
    signed_form: str = ""  # the sha256 of its signed 附件8 form, cited by each transfer it files


def transfer_form(holder: Holder, partner: Holder, amount_t: str) -> dict:
    """附件8 流转申请表: every transfer of ownership rests on one the transferee confirmed and the
    centre accepted (gateway/services/transfers.py)."""
    return {"kind": "OWNERSHIP", "transferee": partner.username, "amount_t": amount_t,
            "legal_representative": "基准测试", "address": "基准测试村", "parcel_location": "基准测试村",
            "transfer_method": "协议转让", "transferee_address": "基准测试村", "transfer_reason": "基准测试 拆分与流转",
            "owner_opinion": "同意", "signed_transfer_form": holder.signed_form}


@dataclass
class Slot:
    """One client's coupon and where it stands in the cycle."""

    number: str
    amount_t: str
    owner: int  # holder index
    partner: int
    step: int = 0
    broken: str | None = None
    form: int | None = None  # its open 附件8 form, once filed


@dataclass
class Op:
    level: int
    client: int
    number: str
    step: int
    status: int | None  # None: no response (timeout, connection error)
    latency_s: float
    tx_hash: str | None = None
    block: int | None = None
    error: str | None = None
    sent_at: float = 0.0


# ---------------------------------------------------------------- setup over HTTP


def setup(api_url: str, holders_n: int, coupons_needed: int, concurrency: int, timeout: float, suffix: str):
    """Holders, one minted coupon each, then splits until `coupons_needed` coupons are ACTIVE."""
    started = time.perf_counter()
    local = threading.local()

    def api() -> Api:
        if not hasattr(local, "api"):
            local.api = Api(api_url, timeout)
            apis.append(local.api)
        return local.api

    apis: list[Api] = []
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="bench-setup")
    blocks: list[int] = []
    hashes: list[str] = []

    def tx(body: dict) -> dict:
        blocks.append(body["block"])
        hashes.append(body["tx_hash"])
        return body

    try:
        officials = dict(zip(OFFICIALS, pool.map(lambda u: api().login(u, DEMO_PASSWORD), OFFICIALS.values())))
        scan = api().call("POST", "/documents", officials["CENTER"], files={"file": (
            "证件扫描件.pdf", f"%PDF the centre's scan {suffix}".encode(), "application/pdf")})["sha256"]

        def register(i: int) -> Holder:
            username, uscc = f"bench-{suffix}-h{i:03d}", make_uscc(prefix="N2")
            user = api().call("POST", "/auth/holders", json={
                "username": username, "password": HOLDER_PASSWORD, "display_name": f"基准测试持有人 {i}",
                "organisation": f"基准测试合作社 {i}", "identity": uscc, "account_type": "COLLECTIVE",
                "legal_representative": "基准测试", "postal_address": "赫山区", "contact_person": "基准测试",
                "contact_phone": "0737-1234567"})
            a = api()  # the centre checks the account in person (附件1 三(一)) before it may apply
            a.call("POST", f"/auth/accounts/{username}/verification", officials["CENTER"],
                   json={"document_type": "BUSINESS_LICENCE", "document_number": uscc, "document": scan})
            return Holder(i, username, api().login(username, HOLDER_PASSWORD), user["address"])

        holders = list(pool.map(register, range(holders_n)))
        progress(f"setup: {len(holders)} holders registered ({time.perf_counter() - started:.0f} s)")

        def mint(h: Holder) -> str:
            a = api()

            def upload(name: str) -> str:
                content = f"%PDF bench {suffix} holder {h.index} {name}".encode()
                upload = {"file": (f"{name}.pdf", content, "application/pdf")}
                return a.call("POST", "/documents", h.token, files=upload)["sha256"]

            documents = {k: upload(k) for k in ("application_form", "licence", "report", "agreement")}
            tenure = {"kind": "FOREST_RIGHT", "number": f"林权证-bench-{suffix}-{h.index}", "document": upload("tenure")}
            app = tx(a.call("POST", "/applications", h.token, json={
                "project_name": f"基准测试林地碳汇项目 {h.index}",
                "parcels": [{"number": f"430903-bench-{suffix}-{h.index}", "location": "基准测试村",
                             "land_type": "FOREST", "area_mu": "100", "boundary": _boundary(h.index),
                             "tenure": tenure}],
                "monitoring_period": {"start": PERIOD[0], "end": PERIOD[1]},
                "methodology": "赫山区自然生态系统碳汇计量方法学（林地）",
                "claimed_t": str(COUPON_T), "documents": documents}))["application"]
            path = f"/applications/{app}"
            tx(a.call("POST", f"{path}/formal-review", officials["CENTER"], json={"decision": "pass"}))
            tx(a.call("POST", f"{path}/preliminary-review", officials["CENTER"], json={"decision": "pass"}))
            tx(a.call("POST", f"{path}/attestation", officials["VERIFIER"],
                      json={"report": documents["report"], "attested_t": str(COUPON_T)}))
            tx(a.call("POST", f"{path}/validation", officials["NRB"], json={"decision": "pass"}))
            tx(a.call("POST", f"{path}/validation", officials["FORESTRY"], json={"decision": "pass"}))
            opinion = a.call("POST", "/documents", officials["CENTER"], files={"file": (
                "审定意见.pdf", f"%PDF bench {suffix} opinion {app}".encode(), "application/pdf")})["sha256"]
            tx(a.call("POST", f"{path}/validation-opinion", officials["CENTER"], json={
                "opinion_number": f"赫碳审〔2026〕{app}号", "opinion_document": opinion}))
            tx(a.call("POST", f"{path}/eeb-review", officials["EEB"], json={"decision": "pass"}))
            tx(a.call("POST", f"{path}/filing", officials["EEB"],
                      json={"decision": "file", "filing_number": f"赫环碳备〔2026〕基准{suffix}-{app}号"}))
            return tx(a.call("POST", f"{path}/mint", officials["GOV"]))["coupon"]

        minted = list(pool.map(mint, holders))
        progress(f"setup: {len(minted)} coupons minted ({time.perf_counter() - started:.0f} s)")
        # A holder's address exists from its first transaction on, not at sign-up.
        holders = [Holder(h.index, h.username, h.token, api().call("GET", "/auth/me", h.token)["address"],
                          api().call("POST", "/documents", h.token, files={"file": (
                              "流转申请表.pdf", f"%PDF bench {suffix} transfer form {h.index}".encode(),
                              "application/pdf")})["sha256"])
                   for h in holders]
        by_address = {h.address: h for h in holders}

        def ours() -> list[tuple[str, int, int]]:
            """(number, owner index, kg) of every ACTIVE coupon a bench holder owns, by number."""
            rows = api().call("GET", "/coupons", officials["CENTER"])
            return sorted((c["number"], by_address[c["owner"]].index, kilograms(c["amount_t"]))
                          for c in rows if c["state"] == "ACTIVE" and c["owner"] in by_address)

        coupons = ours()
        if not coupons:
            raise RuntimeError("setup: no bench holder owns an ACTIVE coupon after the mints")
        rounds = 0
        while len(coupons) < coupons_needed:
            splitting = sorted(coupons, key=lambda c: -c[2])[: coupons_needed - len(coupons)]

            def split(coupon: tuple[str, int, int]) -> None:
                number, owner, kg = coupon
                if kg < 2:
                    raise RuntimeError(f"{number} is too small to split")
                partner = holders[(owner + 1) % len(holders)]
                filed = api().call("POST", f"/coupons/{number}/transfer-forms", holders[owner].token,
                                   json=transfer_form(holders[owner], partner, tonnes(kg // 2)))
                tx(filed)  # the owner's consent
                form = filed["form"]
                api().call("POST", f"/transfer-forms/{form}/confirmation", partner.token)
                api().call("POST", f"/transfer-forms/{form}/acceptance", officials["CENTER"],
                           json={"decision": "accept", "opinion": "基准测试 同意受理"})
                tx(api().call("POST", f"/coupons/{number}/transfer", officials["CENTER"]))

            list(pool.map(split, splitting))
            rounds += 1
            coupons = ours()
            progress(f"setup: split round {rounds}: {len(coupons)} coupons ({time.perf_counter() - started:.0f} s)")
        slots = [Slot(number, tonnes(kg), owner, (owner + 1) % len(holders))
                 for number, owner, kg in coupons[:coupons_needed]]
        return officials, holders, slots, {"setup_s": time.perf_counter() - started, "setup_txs": len(hashes),
                                           "setup_split_rounds": rounds, "setup_head": max(blocks),
                                           "setup_hashes": hashes}
    finally:
        pool.shutdown(wait=True)
        for a in apis:
            a.close()


# ---------------------------------------------------------------- one level of concurrency


def run_level(api_urls: list[str], clients: int, slots: list[Slot], holders: list[Holder], officials: dict[str, str],
              ops_limit: int, seconds: float, timeout: float, on_started=None) -> tuple[list[Op], float]:
    """Each client a coroutine on one event loop with its own keep-alive connection: a load
    generator that leaves the shared machine's CPU to the server (threads with httpx cost
    more CPU per request than the gateway itself). Client i talks to replica i mod len(api_urls)."""
    return uvloop.run(_run_level(api_urls, clients, slots, holders, officials, ops_limit, seconds, timeout, on_started))


async def _run_level(api_urls, clients, slots, holders, officials, ops_limit, seconds, timeout, on_started):
    ops: list[Op] = []
    issued, deadline = 0, 0.0
    start = asyncio.Event()

    def claim() -> bool:
        nonlocal issued
        if issued >= ops_limit or time.perf_counter() >= deadline:
            return False
        issued += 1
        return True

    async def worker(i: int) -> None:
        slot = slots[i]
        api_url = api_urls[i % len(api_urls)]
        connection = KeepAlive(api_url, timeout)
        await start.wait()
        try:
            while slot.broken is None and claim():
                who, suffix, _, _ = CYCLE[slot.step]
                token = holders[slot.owner].token if who == "owner" else officials[who]
                body = None
                if slot.step == 0:
                    body = transfer_form(holders[slot.owner], holders[slot.partner], slot.amount_t)
                elif slot.step == 1:
                    if (refused := await agree_transfer(connection, slot, holders, officials)) is not None:
                        slot.broken = refused
                        break
                elif slot.step == 2:
                    body = {"reason": "基准测试 监督抽查"}
                sent = time.perf_counter()
                op = Op(clients, i, slot.number, slot.step, None, 0.0, sent_at=sent)
                try:
                    op.status, payload = await connection.post(f"/api/v1/coupons/{slot.number}/{suffix}", body, token)
                    op.latency_s = time.perf_counter() - sent
                    if op.status in OK:
                        op.tx_hash, op.block = payload["tx_hash"], payload["block"]
                        slot.form = payload.get("form", slot.form)
                        if slot.step == 1 and payload.get("coupon") != slot.number:
                            op.error = f"whole-coupon transfer returned {payload.get('coupon')}, not {slot.number}"
                    else:
                        op.error = f"{op.status} {payload.get('code')}: {payload.get('message')}"
                except (OSError, EOFError, ValueError) as exc:
                    connection.close()
                    op.latency_s = time.perf_counter() - sent
                    op.error = f"{type(exc).__name__}: {exc}"
                ops.append(op)
                if op.status not in OK or op.error:
                    # The step may or may not have happened: read the coupon back and carry on from there.
                    await asyncio.to_thread(resync, api_url, slot, holders)
                    continue
                if slot.step == 1:
                    slot.owner, slot.partner = slot.partner, slot.owner
                slot.step = (slot.step + 1) % len(CYCLE)
        finally:
            connection.close()

    tasks = {asyncio.create_task(worker(i)) for i in range(clients) if slots[i].broken is None}
    began = time.perf_counter()
    deadline = began + seconds
    start.set()
    if on_started:
        on_started()
    pending = tasks
    while pending:
        _, pending = await asyncio.wait(pending, timeout=5)
        progress(f"{clients} clients: {time.perf_counter() - began:.0f}/{seconds:.0f} s, {len(ops)}/{ops_limit} "
                 f"operations answered, {len(pending)} clients running")
    for task in tasks:
        task.result()
    finished = max((op.sent_at + op.latency_s for op in ops), default=began)
    return ops, finished - began


async def agree_transfer(connection, slot: Slot, holders: list[Holder], officials: dict[str, str]) -> str | None:
    """The off-chain records the registration rests on besides the owner's form (附件8): the transferee's
    confirmation, the centre's acceptance; not timed. A form left open by an interrupted cycle is found
    among the owner's. Returns why it failed, if it did."""
    partner = holders[slot.partner]
    if slot.form is None:
        status, forms = await connection.get("/api/v1/transfer-forms", holders[slot.owner].token)
        slot.form = next((f["id"] for f in forms if f["coupon"] == slot.number
                          and f["status"] in ("SUBMITTED", "CONFIRMED", "ACCEPTED")), None) if status == 200 else None
        if slot.form is None:
            return f"no open transfer form of {slot.number} after its consent"
    path = f"/api/v1/transfer-forms/{slot.form}"
    for suffix, body, token, done in (
        ("confirmation", None, partner.token, "TRANSFER_ALREADY_CONFIRMED"),
        ("acceptance", {"decision": "accept", "opinion": "基准测试 同意受理"}, officials["CENTER"],
         "TRANSFER_FORM_CLOSED"),
    ):
        status, answer = await connection.post(f"{path}/{suffix}", body, token)
        if status != 200 and answer.get("code") != done:
            return f"transfer {suffix}: {status} {answer.get('code')}: {answer.get('message')}"
    slot.form = None  # the registration consumes it
    return None


class KeepAlive:
    """One client's HTTP/1.1 keep-alive connection: just what the gateway's JSON answers need."""

    def __init__(self, url: str, timeout: float):
        address = urllib.parse.urlsplit(url)
        self.host, self.port, self.timeout = address.hostname, address.port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, token: str) -> tuple[int, dict | list]:
        return await self.post(path, None, token, method="GET")

    async def post(self, path: str, body: dict | None, token: str, method: str = "POST") -> tuple[int, dict | list]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = json.dumps(body).encode() if body is not None else b""
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)
        return await asyncio.wait_for(self._response(), self.timeout)

    async def _response(self) -> tuple[int, dict]:
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("the server closed the connection")
        length = None
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise ValueError("an answer without Content-Length")
        return int(status_line.split()[1]), json.loads(await self.reader.readexactly(length))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


def resync(api_url: str, slot: Slot, holders: list[Holder]) -> None:
    """After a failed step, find where the coupon stands from its public record (the index follows
    the chain within a second or two); the client stops only if that fails too."""
    time.sleep(2.5)
    try:
        with httpx.Client(base_url=f"{api_url}/api/v1", timeout=30) as client:
            for _ in range(12):  # public reads are rate-limited per address (one minute window)
                response = client.get(f"/public/coupons/{slot.number}")
                if response.status_code != 429:
                    break
                time.sleep(5)
        record = response.json()
        coupon = record["coupon"]
        own = [step["event"] for step in record["history"] if step["coupon"] == slot.number]
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        slot.broken = f"cannot read the coupon back after an error: {type(exc).__name__}: {exc}"
        return
    pair = (slot.owner, slot.partner)
    owner = next((i for i in pair if holders[i].address == coupon["owner"]), None)
    if owner is None:
        slot.broken = f"{slot.number} is owned by {coupon['owner']}, not by its client's holders"
        return
    slot.owner, slot.partner = owner, pair[1] if owner == pair[0] else pair[0]
    slot.form = None  # found again among the owner's forms if its consent stands
    last = own[-1] if own else None
    if coupon["state"] == "FROZEN":
        slot.step = 3
    elif coupon["state"] != "ACTIVE":
        slot.broken = f"{slot.number} is {coupon['state']}"
    else:
        slot.step = {"RequestMade": 1, "CouponTransferred": 2}.get(last, 0)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def source_state() -> dict:
    """Which code was measured: the commit and any uncommitted changes to the measured packages."""
    def git(*argv: str) -> str:
        try:
            return subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted": git("status", "--porcelain", "--", "chain", "gateway", "contracts").splitlines()}


def summarize(level: int, ops: list[Op], elapsed: float) -> dict:
    ok = [op for op in ops if op.status in OK and not op.error]
    latencies = [op.latency_s * 1000 for op in ok]
    blocks = {op.block for op in ok}
    out = {
        f"tps_{level}": len(ok) / elapsed if elapsed > 0 else 0.0,
        f"ops_{level}": len(ok),
        f"seconds_{level}": elapsed,
        f"p50_ms_{level}": quantile(latencies, 0.50),
        f"p95_ms_{level}": quantile(latencies, 0.95),
        f"max_ms_{level}": max(latencies, default=float("nan")),
        f"blocks_{level}": len(blocks),
        f"txs_per_block_{level}": len(ok) / len(blocks) if blocks else 0.0,
        f"max_txs_per_block_{level}": max(collections.Counter(op.block for op in ok).values(), default=0),
        f"errors_{level}": len(ops) - len(ok),
        f"p95_ms_by_step_{level}": {
            CYCLE[step][1]: quantile([op.latency_s * 1000 for op in ok if op.step == step], 0.95)
            for step in range(len(CYCLE))
        },
    }
    first_error = next((op.error for op in ops if op.error), None)
    if first_error:
        out[f"first_error_{level}"] = first_error[:300]
        kinds = collections.Counter((op.error or "").split(":")[0][:60] for op in ops if op.error)
        out[f"error_kinds_{level}"] = dict(kinds.most_common())
        failed = [op.latency_s * 1000 for op in ops if op.error]
        out[f"error_latency_p50_ms_{level}"] = quantile(failed, 0.5)
    return out


# ---------------------------------------------------------------- reading the outcome back from the chain


def ledger_abi() -> list[dict]:
    return compiler.load("CouponLedger").abi


def _mined_in_file(data_dir: Path, ledger: bytes, from_block: int, decode) -> tuple:
    """The ledger's transactions from `from_block` on, read from the embedded chain file."""
    from chain.backends import open_embedded
    from chain.node import CHAIN_FILE

    embedded = open_embedded(data_dir / CHAIN_FILE)
    chain = embedded.backend.chain
    head = chain.get_canonical_head()
    mined: dict[str, dict] = {}
    for number in range(from_block, head.block_number + 1):
        block = chain.get_canonical_block_by_number(number)
        for tx, receipt in zip(block.transactions, block.get_receipts(chain.chaindb)):
            if tx.to == ledger:
                mined["0x" + tx.hash.hex()] = decode(number, receipt.state_root == b"\x01", bytes(tx.data),
                                                     [(log.address, log.topics) for log in receipt.logs])
    return embedded.chain, embedded.close, head.block_number, head.timestamp, mined


def _mined_on_node(url: str, ledger: bytes, from_block: int, decode) -> tuple:
    """The same, read from a JSON-RPC node."""
    from chain.backends import connect

    chain = connect(url)
    w3 = chain.w3
    head = w3.eth.get_block("latest")
    mined: dict[str, dict] = {}
    for number in range(from_block, head["number"] + 1):
        for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]:
            if tx["to"] is None or to_canonical_address(tx["to"]) != ledger:
                continue
            receipt = w3.eth.get_transaction_receipt(tx["hash"])
            logs = [(to_canonical_address(log["address"]), [int.from_bytes(t, "big") for t in log["topics"]])
                    for log in receipt["logs"]]
            mined["0x" + bytes(tx["hash"]).hex()] = decode(number, receipt["status"] == 1, bytes(tx["input"]), logs)
    return chain, lambda: None, head["number"], head["timestamp"], mined


def verify_on_chain(data_dir: Path, ops: list[Op], slots: list[Slot], holders: list[Holder], from_block: int,
                    rpc_url: str | None = None) -> dict:
    """Every acknowledged operation's transaction, read from the chain file (or the node); nothing extra mined."""
    from chain.node import DEPLOYMENT_FILE

    deployment = json.loads((data_dir / DEPLOYMENT_FILE).read_text())
    ledger = to_canonical_address(deployment["ledger"])
    abi = ledger_abi()
    selectors = {function_abi_to_4byte_selector(i): i["name"] for i in abi if i["type"] == "function"}
    topics = {int.from_bytes(event_abi_to_log_topic(i), "big"): i["name"] for i in abi if i["type"] == "event"}

    def decode(number: int, ok: bool, data: bytes, logs: list) -> dict:
        return {
            "block": number, "ok": ok, "function": selectors.get(data[:4]), "coupon": int.from_bytes(data[4:36], "big"),
            "events": [(topics.get(t[0]), t[1] if len(t) > 1 else None) for address, t in logs
                       if address == ledger and t],
        }

    read = _mined_on_node(rpc_url, ledger, from_block, decode) if rpc_url else _mined_in_file(
        data_dir, ledger, from_block, decode)
    chain, close, head_number, head_timestamp, mined = read
    try:
        registry = Registry.attach(chain, deployment["applications"], deployment["ledger"])
        ids = {registry.number_of(cid): cid for cid in range(1, registry.coupon_count() + 1)}
        acknowledged = [op for op in ops if op.status in OK and op.tx_hash]
        missing, wrong = [], []
        for op in acknowledged:
            found = mined.get(op.tx_hash)
            _, _, function, event = CYCLE[op.step]
            cid = ids.get(op.number)
            if found is None:
                missing.append(op.tx_hash)
            elif not (found["ok"] and found["block"] == op.block and found["function"] == function
                      and found["coupon"] == cid and (event, cid) in found["events"]):
                wrong.append((op.tx_hash, found))
        unacknowledged = sorted(set(mined) - {op.tx_hash for op in acknowledged})
        state_mismatch = []
        for slot in slots:
            if slot.broken is not None:
                continue
            coupon = registry.coupon(ids[slot.number])
            expected_state = CouponState.FROZEN if slot.step == 3 else CouponState.ACTIVE
            if coupon.owner != holders[slot.owner].address or coupon.state != expected_state:
                state_mismatch.append((slot.number, coupon.owner, coupon.state.name))
        return {
            "chain_head": head_number,
            "chain_head_timestamp": head_timestamp,
            "mined_ledger_txs": len(mined),
            "missing_on_chain": len(missing),
            "wrong_effect": len(wrong),
            "unacknowledged_on_chain": len(unacknowledged),
            "final_state_mismatch": len(state_mismatch),
            "verify_examples": {"missing": missing[:3], "wrong": [w[0] for w in wrong[:3]],
                                "unacknowledged": unacknowledged[:3], "state": state_mismatch[:3]},
        }
    finally:
        close()


# ---------------------------------------------------------------- the chain's own ceiling


def measure_ceiling(coupons: int, holders_n: int, batches: int) -> dict:
    """The cycle's calls pre-signed and mined by mine_all, one operation per coupon per block."""
    from chain.node import FAUCET_KEY, open_node

    with tempfile.TemporaryDirectory(prefix="tanquan-bench-gw-ceiling-") as tmp:
        node = open_node(Path(tmp), passphrase=PASSPHRASE, scrypt_n=2**14)
        try:
            miner = Miner(node.embedded.backend, node.chain.chain_id)
            data = miner.data
            dep = {role: node.department(role) for role in Role}
            faucet = node.keys.load_or_create(FAUCET_KEY)
            holders = [Account.from_key(keccak(text=f"tanquan-bench-gateway/holder-{i}")) for i in range(holders_n)]
            miner.mine([miner.sign(faucet, h.address, value=10**19, gas=21_000) for h in holders])
            apps, ledger = node.registry.applications.address, node.registry.ledger.address
            setup = []
            for i in range(coupons):
                setup += miner.issue(holders[i % holders_n], dep, applications=apps, ledger=ledger, application=i + 1,
                                     parcel=keccak(text=f"bench-gw-{i}"), amount_kg=COUPON_T * 1000, report=REPORT)
            miner.mine_in_batches(setup, 400)
            if node.registry.coupon_count() != coupons:
                raise RuntimeError(f"ceiling: expected {coupons} coupons, found {node.registry.coupon_count()}")
            owners = {c: (i % holders_n, (i + 1) % holders_n) for i, c in enumerate(range(1, coupons + 1))}
            signed = []
            for b in range(batches):
                step, txs = b % len(CYCLE), []
                for c in range(1, coupons + 1):
                    owner, partner = owners[c]
                    if step == 0:
                        txs.append(miner.sign(holders[owner], ledger, data(
                            "CouponLedger", "request", c, 2, holders[partner].address, COUPON_T * 1000)))
                    elif step == 1:
                        txs.append(miner.sign(dep[Role.CENTER], ledger, data("CouponLedger", "register_transfer", c)))
                        owners[c] = (partner, owner)
                    elif step == 2:
                        txs.append(miner.sign(dep[Role.NRB], ledger, data("CouponLedger", "freeze", c, "基准测试 监督抽查")))
                    else:
                        txs.append(miner.sign(dep[Role.NRB], ledger, data("CouponLedger", "unfreeze", c)))
                signed.append(txs)
            wall, cpu = miner.mine_timed(signed)
            progress(f"ceiling: {batches} blocks of {coupons} mined in {wall:.1f} s")
        finally:
            node.close()
    total = batches * coupons
    return {"ceiling_tps": total / wall, "ceiling_cpu_tps": total / cpu, "ceiling_txs": total, "ceiling_batch": coupons}


# ---------------------------------------------------------------- CPU and SQL per kind of request

# A cycle's requests in the order a client sends them: (what, whose token, CYCLE's step or None for a form step).
REQUESTS = (
    ("transfer-forms", "owner", 0),
    ("confirmation", "partner", None),
    ("acceptance", "CENTER", None),
    ("transfer", "CENTER", 1),
    ("freeze", "NRB", 2),
    ("unfreeze", "NRB", 3),
)
COUNTERS = ("tanquan_sql_statements", "tanquan_producer_cpu_seconds")
METRIC = re.compile(rf"^({'|'.join(COUNTERS)}) (\S+)$", re.M)


def measure_requests(api_url: str, pid: int, slots: list[Slot], holders: list[Holder], officials: dict[str, str],
                     rounds: int, timeout: float) -> tuple[dict, list[Op]]:
    """What each kind of request costs the server: every client sends the same request at once (one block for
    an on-chain kind), with the server's CPU time (/proc) and its counters (/metrics: SQL statements, the block
    producer's mining CPU) read before and after, less what an idle second costs (the index follower's polls). The
    gateway's share of an on-chain request is the server's CPU less the producer's (the EVM's work, which the
    ceiling measures). Returns the table and the on-chain requests as operations, checked on the chain later."""
    return uvloop.run(_measure_requests(api_url, pid, slots, holders, officials, rounds, timeout))


async def _measure_requests(api_url, pid, slots, holders, officials, rounds, timeout):
    connections = [KeepAlive(api_url, timeout) for _ in slots]
    ops: list[Op] = []
    spent = collections.defaultdict(lambda: [0, 0.0, 0.0, 0])  # kind → requests, server s, producer s, statements

    async def counters() -> tuple[float, float, int]:
        cpu = cpu_seconds(pid) or 0.0  # before the read of the counters: what it costs is not counted
        async with httpx.AsyncClient(base_url=api_url, timeout=timeout) as client:
            text = (await client.get("/metrics", params=[("name[]", name) for name in COUNTERS])).text
        found = dict(METRIC.findall(text))
        return cpu, float(found["tanquan_producer_cpu_seconds"]), int(float(found["tanquan_sql_statements"]))

    async def send(i: int, slot: Slot, what: str, whose: str, step: int | None) -> None:
        owner, partner = holders[slot.owner], holders[slot.partner]
        token = {"owner": owner.token, "partner": partner.token}.get(whose) or officials[whose]
        path, body = f"/api/v1/coupons/{slot.number}/{what}", None
        if what == "transfer-forms":
            body = transfer_form(owner, partner, slot.amount_t)
        elif what in ("confirmation", "acceptance"):
            path = f"/api/v1/transfer-forms/{slot.form}/{what}"
            body = {"decision": "accept", "opinion": "基准测试 同意受理"} if what == "acceptance" else None
        elif what == "freeze":
            body = {"reason": "基准测试 监督抽查"}
        sent = time.perf_counter()
        status, payload = await connections[i].post(path, body, token)
        if status not in OK:
            raise RuntimeError(f"{what} of {slot.number}: {status} {payload.get('code')}: {payload.get('message')}")
        if step is not None:
            ops.append(Op(0, i, slot.number, step, status, time.perf_counter() - sent, payload["tx_hash"],
                          payload["block"], sent_at=sent))
        if what == "transfer-forms":
            slot.form = payload["form"]
        elif what == "transfer":
            slot.owner, slot.partner, slot.form = slot.partner, slot.owner, None

    async def measured(kind: str, work) -> None:
        before = await counters()
        await work()  # made only now: gather() would start its requests while `before` is read
        after = await counters()
        row = spent[kind]
        row[0] += 1 if kind == "idle" else len(slots)
        for k in range(3):
            row[k + 1] += after[k] - before[k]

    try:
        for _ in range(rounds):
            await measured("idle", lambda: asyncio.sleep(1.0))
            for what, whose, step in REQUESTS:
                await measured(what, lambda: asyncio.gather(*(send(i, slot, what, whose, step)  # noqa: B023
                                                              for i, slot in enumerate(slots))))
    finally:
        for connection in connections:
            connection.close()
    idle_n, idle_cpu, idle_mining, idle_sql = spent.pop("idle")
    table = {}
    for what, _, step in REQUESTS:
        n, cpu, mining, sql = spent[what]
        server = max(0.0, cpu - idle_cpu / idle_n * rounds) / n  # each measured kind ran `rounds` times
        producer = mining / n
        goal = GOALS["on_chain_cpu_ms"] if step is not None else GOALS["form_step_cpu_ms"]
        gateway_ms = 1000 * (server - producer)
        table[what] = {"requests": n, "on_chain": step is not None, "server_cpu_ms": round(1000 * server, 2),
                       "producer_cpu_ms": round(1000 * producer, 2), "gateway_cpu_ms": round(gateway_ms, 2),
                       "sql_statements": round(max(0, sql - idle_sql / idle_n * rounds) / n, 1),
                       "goal_gateway_cpu_ms": goal, "goal_met": gateway_ms <= goal}
    return {"per_request": table, "per_request_clients": len(slots), "per_request_rounds": rounds,
            "per_request_idle": {"cpu_ms": round(1000 * idle_cpu / idle_n, 2),
                                 "sql_statements": round(idle_sql / idle_n, 1)}}, ops


# ---------------------------------------------------------------- py-spy


class PySpy:
    """Samples the server during the largest level: `py-spy dump` (where every thread waits) and
    `py-spy record` (where the CPU goes), summarised as the hottest functions of the project's code."""

    def __init__(self, pid: int, path: Path, duration: int):
        self.pid, self.path, self.duration = pid, path, duration
        self.binary = self.installed()
        self.record: subprocess.Popen | None = None

    @staticmethod
    def installed() -> str | None:
        return shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")

    def start(self) -> None:
        if self.binary is None:
            progress("py-spy not found; no profile")
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.record = subprocess.Popen(
            [self.binary, "record", "--pid", str(self.pid), "--duration", str(self.duration), "--rate", "100",
             "--format", "raw", "--threads", "--gil", "--nonblocking", "-o", str(self.path.with_suffix(".raw.txt"))],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        threading.Timer(min(5.0, self.duration / 2), self._dump).start()

    def _dump(self) -> None:
        result = subprocess.run([self.binary, "dump", "--pid", str(self.pid), "--nonblocking"],
                                capture_output=True, text=True, timeout=60)
        self.path.with_suffix(".dump.txt").write_text(result.stdout + result.stderr)

    def finish(self) -> dict:
        if self.record is None:
            return {}
        try:
            self.record.wait(self.duration + 60)
        except subprocess.TimeoutExpired:
            self.record.terminate()
            self.record.wait(10)
        out: dict = {"py_spy_files": [str(self.path.with_suffix(".raw.txt")), str(self.path.with_suffix(".dump.txt"))]}
        raw = self.path.with_suffix(".raw.txt")
        if raw.exists():
            inclusive, leaf, total = collections.Counter(), collections.Counter(), 0
            for line in raw.read_text(errors="replace").splitlines():
                stack, _, count = line.rpartition(" ")
                if not count.isdigit():
                    continue
                n, frames = int(count), stack.split(";")
                total += n
                leaf[frames[-1]] += n
                for frame in set(frames):
                    if "/work/main/" in frame or "(chain/" in frame or "(gateway/" in frame:
                        inclusive[frame] += n
            out["py_spy_samples"] = total
            out["py_spy_top_project"] = [(f, round(100 * n / total, 1)) for f, n in inclusive.most_common(12)]
            out["py_spy_top_leaf"] = [(f, round(100 * n / total, 1)) for f, n in leaf.most_common(12)]
        dump = self.path.with_suffix(".dump.txt")
        if dump.exists():
            text = dump.read_text(errors="replace")
            threads = text.split("\nThread ")
            workers = [t for t in threads if "AnyIO worker thread" in t]
            out["py_spy_anyio_workers"] = len(workers)
            out["py_spy_anyio_workers_awaiting_receipt"] = sum("Chain._await" in t for t in workers)
            out["py_spy_anyio_workers_in_sync_index"] = sum("IndexFollower.sync" in t for t in workers)
            out["py_spy_anyio_workers_waiting_for_db_connection"] = sum("QueuePool._do_get" in t for t in workers)
            out["py_spy_anyio_workers_waiting_for_db_connection_in_audit"] = sum(
                "QueuePool._do_get" in t and "AuditLog.record" in t for t in workers)
            out["py_spy_anyio_workers_idle"] = sum("Queue.get (queue.py" in t for t in workers)
        return out


# ---------------------------------------------------------------- report


def print_report(r: dict) -> None:
    levels = r["levels"]
    top = levels[-1]
    ceiling = r.get("ceiling_tps")
    rows = []
    for level in levels:
        goal, ok = "", None
        if level == top and ceiling:
            wanted = GOALS["vs_ceiling"] * ceiling
            goal, ok = f">= {wanted:,.1f} (0.5 x ceiling)", r[f"tps_{level}"] >= wanted
        rows.append((f"tps_{level}", f"{r[f'tps_{level}']:,.1f}", goal, ok,
                     f"{r[f'ops_{level}']} ops in {r[f'seconds_{level}']:.1f} s, {r[f'blocks_{level}']} blocks, "
                     f"{r[f'txs_per_block_{level}']:.1f} tx/block (max {r[f'max_txs_per_block_{level}']})"
                     + (f", {r[f'errors_{level}']} errors" if r[f"errors_{level}"] else "")))
        rows.append((f"  p50_ms_{level}", f"{r[f'p50_ms_{level}']:,.0f}", "", None,
                     f"server {r[f'server_cpu_ms_per_op_{level}']:.1f} CPU-ms/op, "
                     f"{r[f'server_cores_busy_{level}']:.2f} cores busy; "
                     f"clients {r[f'client_cpu_ms_per_op_{level}']:.1f} CPU-ms/op"))
        p95_goal = level == top
        rows.append((f"  p95_ms_{level}", f"{r[f'p95_ms_{level}']:,.0f}",
                     f"<= {GOALS['p95_ms']:,.0f}" if p95_goal else "",
                     r[f"p95_ms_{level}"] <= GOALS["p95_ms"] if p95_goal else None,
                     f"max {r[f'max_ms_{level}']:,.0f} ms"))
        if f"ratio_to_one_replica_{level}" in r:
            ratio = r[f"ratio_to_one_replica_{level}"]
            rows.append((f"  ratio_to_one_replica_{level}", "n/a" if ratio is None else f"{ratio:.2f}", "", None,
                         f"{r['replicas']} replicas against one replica's {r[f'one_replica_tps_{level}']:,.1f} ops/s "
                         f"on the same node and database"))
    if ceiling:
        rows.append(("ceiling_tps", f"{ceiling:,.1f}", "", None,
                     f"mine_all, {r['ceiling_batch']} ops a block, {r['ceiling_txs']} txs; "
                     f"{r['ceiling_cpu_tps']:,.1f} per CPU-second = {1000 / r['ceiling_cpu_tps']:.1f} CPU-ms/op"))
    rows += [
        ("requests_unanswered", str(r["requests_unanswered"]), "0", r["requests_unanswered"] == 0,
         f"{r['requests_sent']} sent, {r['requests_answered']} answered"),
        ("tx_hash_duplicates", str(r["tx_hash_duplicates"]), "0", r["tx_hash_duplicates"] == 0,
         "over setup and every level"),
    ]
    if "missing_on_chain" in r:
        rows += [
            ("missing_on_chain", str(r["missing_on_chain"]), "0", r["missing_on_chain"] == 0,
             f"acknowledged ops whose tx is not in blocks {r['verify_from_block']}..{r['chain_head']}"),
            ("wrong_effect", str(r["wrong_effect"]), "0", r["wrong_effect"] == 0,
             "mined, but reverted or not the expected function/coupon/event/block"),
            ("unacknowledged_on_chain", str(r["unacknowledged_on_chain"]), "0", r["unacknowledged_on_chain"] == 0,
             f"ledger txs mined that no client was told of ({r['mined_ledger_txs']} mined)"),
            ("final_state_mismatch", str(r["final_state_mismatch"]), "0", r["final_state_mismatch"] == 0,
             "coupon owner and state against each client's count"),
            ("chain_head_ahead_s", f"{r['chain_head_ahead_of_wall_clock_s']:.1f}", "<= 1",
             r["chain_head_ahead_of_wall_clock_s"] <= 1,
             "last block's timestamp minus the wall clock when the last level ended"),
        ]
    for what, row in r.get("per_request", {}).items():
        rows.append((f"gateway_cpu_ms {what}", f"{row['gateway_cpu_ms']:.1f}", f"<= {row['goal_gateway_cpu_ms']:.0f}",
                     row["goal_met"], f"{'on-chain' if row['on_chain'] else 'form step'}: server "
                     f"{row['server_cpu_ms']:.1f} less mining {row['producer_cpu_ms']:.1f} CPU-ms; "
                     f"{row['sql_statements']:.1f} SQL statements; {row['requests']} requests"))
    print_table(rows, missed="MISSED")
    print(f"(load average {r['loadavg_start']} at start, {r['loadavg_end']} at end, {os.cpu_count()} cores; "
          f"demo story {r['demo_s']:.0f} s, setup {r['setup_s']:.0f} s ({r['setup_txs']} txs); "
          f"run took {r['run_s']:.0f} s)")
    if r.get("py_spy_top_project"):
        print(f"py-spy, {r['py_spy_samples']} samples of the server's CPU during the {top}-client level "
              f"(% of samples with the frame on the stack):")
        for frame, share in r["py_spy_top_project"]:
            print(f"  {share:5.1f}%  {frame}")
    if r.get("py_spy_anyio_workers") is not None:
        print(f"py-spy dump: {r['py_spy_anyio_workers']} AnyIO worker threads: "
              f"{r['py_spy_anyio_workers_awaiting_receipt']} awaiting a receipt, "
              f"{r['py_spy_anyio_workers_waiting_for_db_connection']} waiting for a database connection "
              f"({r['py_spy_anyio_workers_waiting_for_db_connection_in_audit']} of them in Gateway.audit), "
              f"{r['py_spy_anyio_workers_in_sync_index']} in sync_index, {r['py_spy_anyio_workers_idle']} idle")


# ---------------------------------------------------------------- main


def _boundary(index: int) -> dict:
    """A square of 100 亩 of the holder's own in the district, 0.005° (about 500 m) from the next."""
    return geojson(square(112.05 + index % 150 * 0.005, 28.05 + index // 150 * 0.005, 100))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the numbers here")
    parser.add_argument("--clients", default="1,32,256", help="concurrent client counts, one level each")
    parser.add_argument("--ops", help="operations per level, e.g. 40,320,2560 (default: max(40, 10 x clients))")
    parser.add_argument("--seconds", type=float, default=60, help="at most this long per level (in-flight ops finish)")
    parser.add_argument("--holders", type=int, default=16, help="custodial holders; coupons move between pairs")
    parser.add_argument("--setup-concurrency", type=int, default=12,
                        help="stays below SQLAlchemy's default pool of 15 connections: a write holds its request's "
                             "connection while its audit entry takes another, so a bounded pool can stall for 30 s")
    parser.add_argument("--ceiling-batches", type=int, default=12, help="mine_all blocks (3 full cycles)")
    parser.add_argument("--timeout", type=float, default=120, help="HTTP timeout per request, seconds")
    parser.add_argument("--startup-timeout", type=float, default=300, help="for the server and its demo story")
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument("--request-rounds", type=int, default=3,
                        help="rounds of the CPU-and-SQL table per kind of request (0: none; embedded, one replica)")
    parser.add_argument("--py-spy", type=Path,
                        help="sample the server with py-spy during the largest level (PATH.raw.txt, PATH.dump.txt); "
                             "by default beside --json when py-spy is installed (pip install '.[bench]')")
    parser.add_argument("--py-spy-seconds", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory (and say where)")
    parser.add_argument("--replicas", type=int, default=1,
                        help="gateway processes serving one registry (more than one: --node anvil --database postgresql)")
    parser.add_argument("--node", choices=("embedded", "anvil"), default="embedded",
                        help="the embedded chain, or an anvil node from npm mining a block a second")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql: a fresh database on TANQUAN_TEST_POSTGRES_URL's server")
    args = parser.parse_args()
    if args.replicas > 1 and (args.node, args.database) != ("anvil", "postgresql"):
        parser.error("replicas share a JSON-RPC node and PostgreSQL: --node anvil --database postgresql")
    levels = [int(c) for c in args.clients.split(",")]
    if args.py_spy is None and args.json is not None and PySpy.installed():
        args.py_spy = args.json.with_suffix(".py-spy")
    ops_limits = [int(n) for n in args.ops.split(",")] if args.ops else [max(40, 10 * c) for c in levels]
    if len(ops_limits) != len(levels) or levels != sorted(levels) or levels[0] < 1:
        parser.error("--clients must be increasing and --ops must name one count per level")
    if args.holders < 2:
        parser.error("--holders must be at least 2")
    began = time.perf_counter()
    results: dict = {"loadavg_start": loadavg(), "source": source_state(),
                     "levels": levels,
                     "ops_limits": ops_limits, "seconds_limit": args.seconds, "holders": args.holders,
                     "goals": GOALS, "replicas": args.replicas, "node": args.node, "database": args.database}

    if not args.no_ceiling:
        progress(f"ceiling: {levels[-1]} coupons on an in-process chain, {args.ceiling_batches} blocks of mine_all")
        results.update(measure_ceiling(levels[-1], args.holders, args.ceiling_batches))
        progress(f"ceiling: {results['ceiling_tps']:.1f} tx/s")

    tmp = Path(tempfile.mkdtemp(prefix="tanquan-bench-gw-"))
    data_dir = tmp / "data"
    server = node = None
    replicas: list[Server] = []
    all_ops: list[Op] = []
    try:
        environment = {}
        if args.node == "anvil":
            from chain.keys import KeyStore
            from chain.node import FAUCET_KEY

            node = Anvil(tmp / "anvil.log")
            node.fund(KeyStore(data_dir / "keys", PASSPHRASE).load_or_create(FAUCET_KEY).address)
            environment["TANQUAN_CHAIN_URL"] = node.url
            progress(f"anvil at {node.url}, a block a second")
        if args.database == "postgresql":
            environment["TANQUAN_DATABASE_URL"] = fresh_postgres_database()
        port = free_port()
        server = Server(data_dir, port, environment=environment)
        replicas.append(server)
        progress(f"tanquan serve --demo: pid {server.pid}, {server.url}, data in {data_dir}")
        results["demo_s"] = server.wait_for_demo(args.startup_timeout)
        progress(f"demo story told in {results['demo_s']:.0f} s")
        for i in range(1, args.replicas):  # after the first has deployed: the others attach
            replicas.append(Server(data_dir, free_port(), name=f"replica-{i + 1}", demo=False, environment=environment))
            replicas[-1].wait_until_up(args.startup_timeout)
            progress(f"replica {i + 1}: pid {replicas[-1].pid}, {replicas[-1].url}")

        suffix = str(int(time.time()))[-6:]
        officials, holders, slots, info = setup(server.url, args.holders, levels[-1], args.setup_concurrency,
                                                args.timeout, suffix)
        setup_hashes = info.pop("setup_hashes")
        results.update(info)
        if args.replicas == 1 and args.node == "embedded" and args.request_rounds:
            profiled = slots[:min(32, len(slots))]
            progress(f"CPU and SQL per kind of request: {len(profiled)} clients, {args.request_rounds} rounds")
            table, ops = measure_requests(server.url, server.pid, profiled, holders, officials, args.request_rounds,
                                          args.timeout)
            results.update(table)
            all_ops += ops
        if len(replicas) > 1:  # the same levels on one replica first, on the same node and database
            for level, ops_limit in zip(levels, ops_limits):
                progress(f"one replica, {level} clients: up to {ops_limit} operations or {args.seconds:.0f} s")
                ops, elapsed = run_level([server.url], level, slots, holders, officials, ops_limit, args.seconds,
                                         args.timeout)
                all_ops += ops
                alone = summarize(level, ops, elapsed)
                results[f"one_replica_tps_{level}"] = alone[f"tps_{level}"]
                results[f"one_replica_p95_ms_{level}"] = alone[f"p95_ms_{level}"]
                results[f"one_replica_errors_{level}"] = alone[f"errors_{level}"]
                progress(f"one replica, {level} clients: {alone[f'tps_{level}']:.1f} ops/s")
        urls = [replica.url for replica in replicas]
        for level, ops_limit in zip(levels, ops_limits):
            spy = PySpy(server.pid, args.py_spy, args.py_spy_seconds) if args.py_spy and level == levels[-1] else None
            progress(f"{len(replicas)} replica(s), {level} clients: up to {ops_limit} operations or {args.seconds:.0f} s")
            server_cpu, client_cpu = sum(cpu_seconds(r.pid) or 0.0 for r in replicas), time.process_time()
            ops, elapsed = run_level(urls, level, slots, holders, officials, ops_limit, args.seconds,
                                     args.timeout, on_started=spy.start if spy else None)
            server_cpu = sum(cpu_seconds(r.pid) or 0.0 for r in replicas) - server_cpu
            client_cpu = time.process_time() - client_cpu
            all_ops += ops
            results.update(summarize(level, ops, elapsed))
            if f"one_replica_tps_{level}" in results:
                results[f"ratio_to_one_replica_{level}"] = (
                    results[f"tps_{level}"] / results[f"one_replica_tps_{level}"]
                    if results[f"one_replica_tps_{level}"] else None)
            done = max(results[f"ops_{level}"], 1)
            results[f"server_cpu_s_{level}"] = server_cpu
            results[f"server_cpu_ms_per_op_{level}"] = 1000 * server_cpu / done
            results[f"server_cores_busy_{level}"] = server_cpu / elapsed if elapsed else 0.0
            results[f"client_cpu_ms_per_op_{level}"] = 1000 * client_cpu / done
            if spy:
                results.update(spy.finish())
            progress(f"{level} clients: {results[f'tps_{level}']:.1f} ops/s, p95 {results[f'p95_ms_{level}']:.0f} ms, "
                     f"{results[f'txs_per_block_{level}']:.1f} tx/block, {results[f'errors_{level}']} errors, "
                     f"server {results[f'server_cpu_ms_per_op_{level}']:.1f} CPU-ms/op")
        results["levels_ended_wall"] = time.time()

        for replica in replicas[1:]:
            replica.stop()
        returncode = server.stop()
        results["server_exit_code"] = returncode
        progress(f"server stopped (exit code {returncode}); reading the outcome back from the chain")
        results["requests_sent"] = len(all_ops)
        results["requests_answered"] = sum(op.status is not None for op in all_ops)
        results["requests_unanswered"] = results["requests_sent"] - results["requests_answered"]
        hashes = setup_hashes + [op.tx_hash for op in all_ops if op.tx_hash]
        results["tx_hash_duplicates"] = len(hashes) - len(set(hashes))
        results["verify_from_block"] = results["setup_head"] + 1
        results.update(verify_on_chain(data_dir, all_ops, slots, holders, results["verify_from_block"],
                                       rpc_url=node.url if node else None))
        results["chain_head_ahead_of_wall_clock_s"] = results.pop("chain_head_timestamp") - results["levels_ended_wall"]
    except BaseException:
        if server is not None:
            progress(f"failed; the server's log:\n{server.tail()}")
        raise
    finally:
        for replica in replicas:
            replica.stop()
        if node is not None:
            node.stop()
        if args.keep:
            progress(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    top = levels[-1]
    results["vs_ceiling"] = results[f"tps_{top}"] / results["ceiling_tps"] if results.get("ceiling_tps") else None
    results["goal_met"] = bool(
        results["vs_ceiling"] is not None and results["vs_ceiling"] >= GOALS["vs_ceiling"]
        and results[f"p95_ms_{top}"] <= GOALS["p95_ms"]
        and not any(results[k] for k in ("requests_unanswered", "tx_hash_duplicates", "missing_on_chain",
                                         "wrong_effect", "unacknowledged_on_chain", "final_state_mismatch"))
        and not any(results[f"errors_{level}"] for level in levels)
    )
    if results.get("per_request"):
        results["per_request_goal_met"] = all(row["goal_met"] for row in results["per_request"].values())
    results["loadavg_end"] = loadavg()
    results["run_s"] = time.perf_counter() - began
    print_report(results)
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
