"""Starting the real `tanquan` command (DESIGN §8): exactly one process writes a data
directory, and a start that cannot go on (a damaged chain file, a missing or wrong
passphrase, a data directory another process holds) says why in one line and
exits with status 1, with no traceback and without touching the chain file."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from chain.node import CHAIN_FILE
from chain.seal import is_sealed
from gateway.demo import OFFICIALS, seed_officials
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings
from support.http import login

ROOT = Path(__file__).resolve().parents[2]
TANQUAN = Path(sys.executable).with_name("tanquan")
PASSPHRASE = "startup-tests"
PAGE = 4096  # SQLite's page size
START_WITHIN_S = 120  # bounds on a hang, not measures of speed


def _environment(data_dir: Path, **changes: str | None) -> dict[str, str]:
    env = {**os.environ, "TANQUAN_DATA_DIR": str(data_dir), "TANQUAN_KEY_PASSPHRASE": PASSPHRASE, **changes}
    return {key: value for key, value in env.items() if value is not None}


def tanquan(data_dir: Path, *args: str, **env: str | None) -> subprocess.CompletedProcess:
    return subprocess.run([str(TANQUAN), *args], cwd=ROOT, env=_environment(data_dir, **env),
                          capture_output=True, text=True, timeout=START_WITHIN_S)


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def refused_in_one_line(run: subprocess.CompletedProcess, command: str) -> str:
    """The command exited 1 with one line on stderr; returns it."""
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert lines[0].startswith(f"tanquan {command}: ")
    return lines[0]


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Path:
    """A data directory whose registry was deployed by the command itself."""
    data_dir = tmp_path_factory.mktemp("deployed")
    run = tanquan(data_dir, "keys")
    assert run.returncode == 0, run.stderr
    return data_dir


@pytest.fixture
def data_dir(deployed, tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(deployed, copy)
    return copy


def _serving(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen([str(TANQUAN), "serve", "--port", port], cwd=ROOT, env=_environment(data_dir),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + START_WITHIN_S
    while True:
        assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return server, port
        except httpx.HTTPError:
            time.sleep(0.2)


# -- one writer


def test_serve__second_process_on_the_same_data_directory__refused_and_the_first_keeps_writing(data_dir):
    gateway = Gateway.open(Settings(data_dir=data_dir), served=False, passphrase=PASSPHRASE)
    seed_officials(gateway)
    gateway.close()
    first, port = _serving(data_dir)
    try:
        url = f"http://127.0.0.1:{port}"
        # The data directory and everything in it is private to the service account.
        assert (data_dir.stat().st_mode & 0o777) == 0o700
        assert {oct(p.stat().st_mode & 0o777) for p in data_dir.rglob("*") if not p.is_symlink()} <= {"0o700", "0o600"}

        for command in (["serve", "--port", _free_port()], ["index", "rebuild"], ["keys"]):
            line = refused_in_one_line(tanquan(data_dir, *command), command[0])
            assert f"is in use by another Tanquan process (pid {first.pid})" in line

        # A reader may run beside the writer: verification opens the chain file read-only.
        verified = tanquan(data_dir, "verify", "0x" + "ab" * 32)
        assert verified.returncode == 2 and "UNKNOWN" in verified.stdout and verified.stderr == "", verified.stderr

        # The first server still writes.
        with httpx.Client(base_url=url, timeout=60) as http:
            listed = http.post("/api/v1/parcels/ccer", headers=login(http, OFFICIALS["EEB"]),
                               json={"parcel_number": "P-FIRST-WRITER", "listed": True})
            assert listed.status_code == 200, listed.text
            assert http.get("/readyz").status_code == 200
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)

    # The kernel lets the lock go however the process ended: the next writer starts.
    rebuilt = tanquan(data_dir, "index", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr


# -- a clean stop


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve__stopped_by_a_signal__exit_0_and_the_chain_file_sealed(data_dir, stop):
    """A service manager stops the gateway with SIGTERM: it closes as on Ctrl-C, and seals the chain file so
    that the next start reads its tail, not every page (chain/seal.py)."""
    server, _ = _serving(data_dir)
    server.send_signal(stop)
    try:
        assert server.wait(timeout=START_WITHIN_S) == 0, server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
    assert is_sealed(data_dir / CHAIN_FILE)


# -- a damaged chain file


def _zero_last_page(chain: bytearray) -> bytearray:
    return chain[:-PAGE] + bytes(PAGE)


def _random_bytes_over_the_end(chain: bytearray) -> bytearray:
    return chain[:-1000] + random.Random(16).randbytes(1000)


def _cut_in_half(chain: bytearray) -> bytearray:
    return chain[: len(chain) // 2]


def _zero_header(chain: bytearray) -> bytearray:
    return bytes(100) + chain[100:]


DAMAGE: dict[str, Callable[[bytearray], bytearray]] = {
    "zeroed last page": _zero_last_page,
    "random bytes over the end": _random_bytes_over_the_end,
    "cut in half": _cut_in_half,
    "zeroed header": _zero_header,
}


@pytest.mark.parametrize("damage", DAMAGE, ids=[name.replace(" ", "-") for name in DAMAGE])
def test_serve__damaged_chain_file__one_line_what_to_do_exit_1_file_untouched(data_dir, damage):
    chain_file = data_dir / CHAIN_FILE
    chain_file.write_bytes(DAMAGE[damage](bytearray(chain_file.read_bytes())))
    damaged = chain_file.read_bytes()

    line = refused_in_one_line(tanquan(data_dir, "serve", "--port", _free_port()), "serve")

    assert f"the chain file {chain_file} is damaged" in line
    assert "restore it from a backup, then rebuild the index (tanquan index rebuild)" in line
    assert chain_file.read_bytes() == damaged


def test_index_rebuild__damaged_chain_file__refused_in_one_line(data_dir):
    chain_file = data_dir / CHAIN_FILE
    chain_file.write_bytes(_zero_last_page(bytearray(chain_file.read_bytes())))
    assert "is damaged" in refused_in_one_line(tanquan(data_dir, "index", "rebuild"), "index")


def test_verify__damaged_chain_file__one_line_cannot_say(data_dir):
    chain_file = data_dir / CHAIN_FILE
    chain_file.write_bytes(_zero_last_page(bytearray(chain_file.read_bytes())))
    run = tanquan(data_dir, "verify", "0x" + "ab" * 32)
    assert run.returncode == 2 and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and "is damaged" in run.stderr


# -- the passphrase


def test_serve__wrong_passphrase__one_line_exit_1(data_dir):
    line = refused_in_one_line(tanquan(data_dir, "serve", "--port", _free_port(),
                                       TANQUAN_KEY_PASSPHRASE="not-the-passphrase"), "serve")
    assert "cannot unlock key 'faucet': wrong TANQUAN_KEY_PASSPHRASE?" in line


def test_serve__no_passphrase__one_line_exit_1(data_dir):
    line = refused_in_one_line(tanquan(data_dir, "serve", "--port", _free_port(), TANQUAN_KEY_PASSPHRASE=None), "serve")
    assert "set TANQUAN_KEY_PASSPHRASE" in line
