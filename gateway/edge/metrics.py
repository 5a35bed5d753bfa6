"""What the gateway tells Prometheus at /metrics: request latency by route, the chain's head,
how far the event index lags it, the blocks mined and the transactions each held, the SQL
statements sent and the block producer's CPU time (what a kind of request costs, as
scripts/bench_gateway.py reads it), and the queue items past their due date, per department.

Request latencies are recorded as requests end; the rest is read when Prometheus asks
(a scrape reads the blocks mined since the last one, at most BLOCKS_PER_SCRAPE of them).
Each app has a registry of its own, so tests may make many apps in one process."""

from __future__ import annotations

import re
import threading
import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Receive, Scope, Send

from ..runtime.wiring import Gateway
from ..services import health, queues
from ..catalogue.steps import DEPARTMENTS

BLOCKS_PER_SCRAPE = 1_000
# A write waits for its block (up to a second or two); a read takes milliseconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)
TX_BUCKETS = (0, 1, 2, 5, 10, 25, 50, 100, 200, 400, 800)
CONTENT_TYPE = CONTENT_TYPE_LATEST
PARAMETER = re.compile(r"{(\w+)(?::\w+)?}")


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        self.request_seconds = Histogram(
            "tanquan_request_seconds", "Time to answer a request, by route template", ["method", "route", "status"],
            buckets=LATENCY_BUCKETS, registry=self.registry)
        self.chain_head = Gauge("tanquan_chain_head", "The chain's newest block", registry=self.registry)
        self.index_lag = Gauge("tanquan_index_lag_blocks", "Blocks the event index is behind the chain's head",
                               registry=self.registry)
        self.blocks_mined = Counter("tanquan_blocks_mined", "Blocks mined since this gateway started counting",
                                    registry=self.registry)
        self.block_transactions = Histogram("tanquan_block_transactions", "Transactions per mined block",
                                            buckets=TX_BUCKETS, registry=self.registry)
        self.overdue = Gauge("tanquan_queue_overdue_items", "Queue items past their due date (working days)",
                             ["department"], registry=self.registry)
        self.sql_statements = Gauge("tanquan_sql_statements", "SQL statements sent since the gateway started",
                                    registry=self.registry)
        self.producer_cpu = Gauge("tanquan_producer_cpu_seconds", "CPU time the embedded chain's block producer "
                                  "has spent mining since the gateway started", registry=self.registry)
        self.scrape_errors = Counter("tanquan_metrics_read_errors", "Reads that failed while answering /metrics",
                                     ["what"], registry=self.registry)
        self._last_block: int | None = None
        self._lock = threading.Lock()

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """Times every HTTP request under its route's template (/api/v1/coupons/{number}), never its raw path."""

        async def timed(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                return await app(scope, receive, send)
            started, status = time.perf_counter(), 500

            async def send_status(message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await app(scope, receive, send_status)
            finally:
                self.request_seconds.labels(scope["method"], route_template(scope), str(status)).observe(
                    time.perf_counter() - started)

        return timed

    def exposition(self, gw: Gateway, names: list[str] | None = None) -> bytes:
        """Read what is read at scrape time, then the text format; with `names`, those series only, and only
        what they need is read (the benchmark reads its two counters between kinds of request)."""
        with self._lock:
            self.sql_statements.set(gw.db.statements.total)
            if (mining := gw.node.producer_cpu_seconds()) is not None:
                self.producer_cpu.set(mining)
            if names is not None:
                return generate_latest(self.registry.restricted_registry(names))
            self._read_chain(gw)
            for role in DEPARTMENTS:
                if role == "DRC":  # the DRC's queue is every department's
                    continue
                try:
                    self.overdue.labels(role).set(_overdue(gw, role))
                except Exception:  # noqa: BLE001 - a scrape reports what it can
                    self.scrape_errors.labels("queue").inc()
        return generate_latest(self.registry)

    def _read_chain(self, gw: Gateway) -> None:
        try:
            head, lag, transactions = health.chain_progress(gw, self._last_block, BLOCKS_PER_SCRAPE)
            self.chain_head.set(head)
            self.index_lag.set(lag)
            for count in transactions:  # the first scrape only finds where counting starts
                self.blocks_mined.inc()
                self.block_transactions.observe(count)
            self._last_block = head
        except Exception:  # noqa: BLE001
            self.scrape_errors.labels("chain").inc()


def route_template(scope: Scope) -> str:
    """The matched route's full template. A route of an included router knows its path below the
    including router's prefix only; the prefix is what precedes that path, filled in, in the request."""
    template = getattr(scope.get("route"), "path", None)
    if template is None:
        return "unmatched"
    params = scope.get("path_params", {})
    try:
        rendered = PARAMETER.sub(lambda m: str(params[m[1]]), template)
    except KeyError:
        return template
    path = scope["path"]
    return path[: len(path) - len(rendered)] + template if path.endswith(rendered) else template


def _overdue(gw: Gateway, role: str) -> int:
    with gw.db.sessions() as db:
        return sum(1 for item in queues.department_queue(gw, db, role=role) if item["overdue"])
