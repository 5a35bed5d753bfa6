"""Local EVM nodes from npm for the JSON-RPC end-to-end tests (tests/e2e): anvil (Foundry's binary in its npm
package, tests/e2e/anvil) and hardhat (tests/e2e/hardhat); `bash scripts/test` installs both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
from web3 import HTTPProvider, Web3

E2E = Path(__file__).resolve().parents[1] / "e2e"
ANVIL = E2E / "anvil" / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
HARDHAT_DIR = E2E / "hardhat"
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """End a process we started (and its group: npx starts hardhat as a child), TERM then KILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue


def wait_until(check, what: str, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, httpx.HTTPError, ValueError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} did not come up in {seconds} s")


def start_node(kind: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    if kind == "anvil":
        command = [str(ANVIL), "--host", "127.0.0.1", "--port", str(port), "--block-time", "1", "--hardfork", "cancun",
                   "--gas-limit", "300000000"]
        cwd = E2E
    else:
        command = ["npx", "--no", "hardhat", "node", "--hostname", "127.0.0.1", "--port", str(port)]
        cwd = HARDHAT_DIR
    proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True, env={**os.environ, "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true"})
    w3 = Web3(HTTPProvider(url))
    try:
        wait_until(lambda: w3.eth.chain_id > 0, kind)
        if kind == "hardhat":  # a block a second, like anvil's --block-time and a QBFT network
            w3.provider.make_request("evm_setAutomine", [False])
            w3.provider.make_request("evm_setIntervalMining", [1000])
    except BaseException:
        stop(proc)
        raise
    return proc, url
