"""What the benchmarks share: calls of the deployed contracts signed offline and
mined by py-evm's mine_all as the block producer mines them (no web3, no HTTP
in the loop), an application's walk to its coupon as signed transactions,
quantiles, the results table and the JSON file.

Imported by scripts/bench_chain.py and scripts/bench_gateway.py once they have
put the repository on sys.path.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from eth_abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from eth_keys import keys as eth_keys
from eth_utils import function_abi_to_4byte_selector, get_abi_input_types, to_canonical_address

from chain import Role
from chain import compile as compiler
from chain.client import DEFAULT_GAS, MAX_FEE

PERIOD = (1_640_966_400, 1_704_038_400)  # the monitoring period applied for: 2022-01-01 to 2024-01-01, Beijing time


def reporter(name: str) -> Callable[[str], None]:
    """A progress printer: `[name] message` lines on stderr, the results table keeps stdout."""

    def progress(message: str) -> None:
        print(f"[{name}] {message}", file=sys.stderr, flush=True)

    return progress


# ---------------------------------------------------------------- signed offline, mined by mine_all


class Calldata:
    """ABI-encodes calls of the deployed contracts directly (web3 spends ~1 ms of CPU per call)."""

    def __init__(self):
        self._functions = {}
        for name in compiler.DEPLOYABLES:
            for item in compiler.load(name).abi:
                if item["type"] == "function":
                    self._functions[(name, item["name"])] = (
                        function_abi_to_4byte_selector(item), get_abi_input_types(item))

    def __call__(self, contract: str, function: str, *args) -> bytes:
        selector, types = self._functions[(contract, function)]
        return selector + abi_encode(types, list(args))


class Miner:
    """Signs transactions offline with py-evm and mines them with mine_all, a list of them a block,
    on an embedded chain's backend (`backend` may be replaced when the chain file is reopened)."""

    def __init__(self, backend, chain_id: int):
        self.backend, self.chain_id = backend, chain_id
        self.data = Calldata()
        self.nonces: dict[str, int] = {}
        self._keys: dict[str, eth_keys.PrivateKey] = {}
        self._builder = backend.chain.get_transaction_builder()

    def sign(self, sender: LocalAccount, to: str, data: bytes = b"", value: int = 0, gas: int = DEFAULT_GAS):
        nonce = self.nonces.get(sender.address)
        if nonce is None:
            nonce = self.backend.chain.get_vm().state.get_nonce(to_canonical_address(sender.address))
        private_key = self._keys.get(sender.address) or self._keys.setdefault(
            sender.address, eth_keys.PrivateKey(sender.key)
        )
        unsigned = self._builder.new_unsigned_dynamic_fee_transaction(
            self.chain_id, nonce, 0, MAX_FEE, gas, to_canonical_address(to), value, data, []
        )
        self.nonces[sender.address] = nonce + 1
        return unsigned.as_signed_transaction(private_key)

    def issue(
        self, applicant: LocalAccount, departments: dict[Role, LocalAccount], *, applications: str, ledger: str,
        application: int, parcel: bytes, amount_kg: int, report: bytes, period: tuple[int, int] = PERIOD,
    ) -> list:
        """The walk of application number `application` from submission to mint, each step signed by its
        department (chain.devnet.issue_coupon's walk): ten transactions, to be mined in this order."""
        data, app = self.data, application
        return [
            self.sign(applicant, applications, data(
                "ApplicationRegistry", "submit", [parcel], *period, amount_kg, report, report, BOUNDARIES)),
            self.sign(departments[Role.CENTER], applications, data("ApplicationRegistry", "pass_formal_review", app)),
            self.sign(departments[Role.CENTER], applications,
                      data("ApplicationRegistry", "pass_preliminary_review", app)),
            self.sign(departments[Role.VERIFIER], applications,
                      data("ApplicationRegistry", "attest_report", app, report, amount_kg)),
            self.sign(departments[Role.NRB], applications, data("ApplicationRegistry", "sign_validation", app)),
            self.sign(departments[Role.FORESTRY], applications, data("ApplicationRegistry", "sign_validation", app)),
            self.sign(departments[Role.CENTER], applications,
                      data("ApplicationRegistry", "issue_validation_opinion", app, report)),
            self.sign(departments[Role.EEB], applications, data("ApplicationRegistry", "pass_eeb_review", app)),
            self.sign(departments[Role.EEB], applications,
                      data("ApplicationRegistry", "file", app, f"赫环碳备〔2026〕{app}号")),
            self.sign(departments[Role.GOV], ledger, data("CouponLedger", "mint", app)),
        ]

    def mine(self, txs) -> int:
        """Mine `txs` as one block, as the block producer does; returns the number of logs."""
        chain = self.backend.chain
        parent = chain.get_canonical_head()
        chain.header = chain.header.copy(timestamp=max(parent.timestamp + 1, int(time.time())))
        _, receipts, computations = chain.mine_all(txs)
        self.backend.kv.commit()
        failed = [c for c in computations if c.is_error]
        if failed:
            raise RuntimeError(f"{len(failed)} of {len(txs)} transactions failed, first: {failed[0].error!r}")
        return sum(len(r.logs) for r in receipts)

    def mine_in_batches(self, txs, batch: int) -> int:
        return sum(self.mine(txs[i : i + batch]) for i in range(0, len(txs), batch))

    def mine_timed(self, blocks, on_block: Callable[[int, list], None] | None = None) -> tuple[float, float]:
        """Mine each list of `blocks` as one block; the wall-clock and CPU seconds spent mining alone.
        `on_block(n, txs)` is told after the n-th block."""
        wall = cpu = 0.0
        for n, txs in enumerate(blocks, 1):
            started, cpu_started = time.perf_counter(), time.process_time()
            self.mine(txs)
            wall += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            if on_block:
                on_block(n, txs)
        return wall, cpu


# ---------------------------------------------------------------- report


BOUNDARIES = bytes(range(1, 33))  # a stand-in boundaries hash for applications submitted straight to the contract


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def print_table(rows: list[tuple[str, str, str, bool | None, str]], missed: str) -> None:
    """One line a metric: (metric, value, goal, goal met or None for no goal, note); a missed goal says `missed`."""
    width = max(len(row[0]) for row in rows) + 1
    print(f"{'metric':<{width}} {'value':>10}  {'goal':<28} {'status':<6} note")
    for metric, value, goal, met, note in rows:
        status = "" if met is None else ("ok" if met else missed)
        print(f"{metric:<{width}} {value:>10}  {goal:<28} {status:<6} {note}")


def report_ceilings(results: dict, goals: dict[str, float]) -> None:
    """Each number in `results` as a table line, those with a goal (a ceiling) judged against it, and the
    judgement kept in results["goals"] for the JSON."""
    results["goals"] = {name: {"goal": goal, "met": results[name] <= goal} for name, goal in goals.items()
                        if name in results}
    print_table([(name, f"{value:,}", f"<= {goals[name]}" if name in goals else "",
                  results[name] <= goals[name] if name in goals else None, "")
                 for name, value in results.items() if isinstance(value, (int, float))], missed="MISSED")


def write_json(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
