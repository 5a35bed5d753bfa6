"""`scripts/run` (= `tanquan serve --demo`) as a newcomer meets it (issue #11 item 7): its last lines
are the URL and every demo login — each department's official, the enforcement body's, the
story's holders and the bank — printed after uvicorn's own start-up lines; a second run on the
same data directory prints the logins again and does not tell the story again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gateway import demo
from support import costs

ROOT = Path(__file__).resolve().parents[2]
LOGINS = len(demo.OFFICIALS) + 1 + len(demo.HOLDERS)  # departments, enforcement, holders
STORY_LINE = "制发 mint"  # a step the story prints as it tells it


class Served:
    """`tanquan serve --demo` in a process of its own, its stdout and stderr read as one stream."""

    def __init__(self, data_dir: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {"PATH": os.environ["PATH"], "TANQUAN_DATA_DIR": str(data_dir),
               "TANQUAN_KEY_PASSPHRASE": "run-script-test",
               "TANQUAN_LOG_LEVEL": "INFO", **costs.ENVIRONMENT, **costs.GENEROUS_LIMITS}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve", "--demo", "--port", str(self.port)], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def logins(self, timeout: float) -> list[str]:
        """The login lines, once all are printed (and a moment has passed in which nothing followed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            heading = [i for i, line in enumerate(self.lines) if line.startswith("demo logins (password ")]
            if heading and len(self.lines) >= heading[-1] + 1 + LOGINS:
                time.sleep(1.5)
                return self.lines[heading[-1] + 1:]
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.2)
        raise AssertionError("no logins printed:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two runs, one after the other, on one data directory."""
    data_dir = tmp_path_factory.mktemp("run-script") / "data"
    outputs = []
    for timeout in (300, 60):
        served = Served(data_dir)
        try:
            outputs.append((served.logins(timeout), list(served.lines)))
        finally:
            served.stop()
    return outputs


def _usernames(logins: list[str]) -> list[str]:
    return [line.split()[0] for line in logins]


def test_run__first_time__story_told_then_the_url_and_every_login_last(runs):
    logins, lines = runs[0]
    assert any(STORY_LINE in line for line in lines)
    started = max(i for i, line in enumerate(lines) if "Uvicorn running on http://127.0.0.1:" in line)
    heading = lines.index(next(line for line in lines if line.startswith("demo logins (password ")))
    assert started < heading
    assert lines[heading - 2].startswith("Tanquan is serving http://127.0.0.1:")
    assert lines[heading + 1:] == logins and len(logins) == LOGINS  # nothing after them
    usernames = _usernames(logins)
    assert usernames[:len(demo.OFFICIALS)] == list(demo.OFFICIALS.values())
    assert demo.ENFORCEMENT_OFFICIAL in usernames
    holders = usernames[len(demo.OFFICIALS) + 1:]
    assert [name.partition("-")[0] for name in holders] == list(demo.HOLDERS)  # the collective, buyers, the bank


def test_run__second_time_on_the_same_data__no_story_the_same_logins(runs):
    (first, _), (logins, lines) = runs
    assert not any(STORY_LINE in line for line in lines)
    assert any("not telling it again" in line for line in lines)
    assert _usernames(logins) == _usernames(first)
    assert lines[-len(logins):] == logins


def test_run_script__serves_the_demo_through_the_cli():
    script = (ROOT / "scripts" / "run").read_text()
    assert script.rstrip().splitlines()[-1].startswith("exec .venv/bin/tanquan serve --demo")
