"""`tanquan backup` while the gateway serves under write load, and `tanquan restore`: every
step acknowledged before the backup began is in the restored data directory (its
transaction on the chain, its audit entry, and its event in the index), and the restored
directory opens as a gateway. The embedded data directory is SQLite's: no PostgreSQL here."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from gateway.api.app import create_app
from gateway.backup import BackupError, backup, restore
from gateway.core.db import AuditEntry
from gateway.demo import OFFICIALS, seed_officials
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings
from support import api
from support.http import API, login, ok
from support.serving import serve

PASSPHRASE = "backup-tests"
WRITERS = 8
LOAD_SECONDS = 8.0


@dataclass(frozen=True)
class Acknowledged:
    tx_hash: str
    at: float  # when the gateway's answer arrived


def _cli(command: str, folder, data_dir) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gateway.cli", command, str(folder)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "TANQUAN_DATA_DIR": str(data_dir)})


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """A served gateway: coupons frozen and unfrozen by WRITERS clients at once; `tanquan backup`
    runs half way through. Returns the backup, its start, and every step acknowledged."""
    data_dir, folder = tmp_path_factory.mktemp("live"), tmp_path_factory.mktemp("backups") / "one"
    settings = Settings(data_dir=data_dir)
    gateway = Gateway.open(settings, served=True, passphrase=PASSPHRASE)
    seed_officials(gateway)
    acknowledged: list[Acknowledged] = []
    try:
        with serve(create_app(settings, gateway=gateway)) as url, httpx.Client(base_url=url, timeout=120) as http:
            officials = {role: login(http, username) for role, username in OFFICIALS.items()}
            holders = [api.register_holder(http) for _ in range(WRITERS)]
            with ThreadPoolExecutor(WRITERS) as pool:
                numbers = list(pool.map(lambda holder: api.mint(http, officials, holder, claimed_t="3"), holders))
            stop = threading.Event()

            def write(number: str) -> None:
                while not stop.is_set():
                    for step, body in (("freeze", {"reason": "抽查"}), ("unfreeze", None)):
                        answer = ok(http.post(f"{API}/coupons/{number}/{step}", headers=officials["NRB"], json=body))
                        acknowledged.append(Acknowledged(answer["tx_hash"], time.time()))

            with ThreadPoolExecutor(WRITERS) as pool:
                writers = [pool.submit(write, number) for number in numbers]
                time.sleep(LOAD_SECONDS / 2)
                began = time.time()
                done = _cli("backup", folder, data_dir)
                time.sleep(LOAD_SECONDS / 2)
                stop.set()
                for writer in writers:
                    writer.result()
    finally:
        gateway.close()
    assert done.returncode == 0, done.stderr
    return folder, began, acknowledged


def test_backup_under_load__restored__every_step_acknowledged_before_it_is_there(backed_up, tmp_path):
    folder, began, acknowledged = backed_up
    before = [a for a in acknowledged if a.at < began]
    after = [a for a in acknowledged if a.at > began + 5]
    assert len(before) >= WRITERS and after  # the load ran on both sides of the backup

    restored = tmp_path / "restored"
    done = _cli("restore", folder, restored)
    assert done.returncode == 0, done.stderr
    gateway = Gateway.open(Settings(data_dir=restored), served=False, passphrase=PASSPHRASE)
    try:
        chain = gateway.registry.chain
        for step in before:
            assert chain.w3.eth.get_transaction_receipt(step.tx_hash)["status"] == 1
        with gateway.db.sessions() as db:
            audited = {entry.tx_hash for entry in db.query(AuditEntry).all()}
        assert {step.tx_hash for step in before} <= audited
        gateway.follower.sync()
        indexed = {row.tx_hash for row in gateway.index.steps(events=("CouponFrozen", "CouponUnfrozen"))}
        assert {step.tx_hash for step in before} <= indexed
    finally:
        gateway.close()


def test_restore__into_a_data_directory_with_a_chain__refused_and_nothing_changed(backed_up, tmp_path):
    folder, _, _ = backed_up
    restore(folder, tmp_path / "first")
    chain_file = tmp_path / "first" / "chain.sqlite"
    before = chain_file.stat().st_mtime_ns
    with pytest.raises(BackupError, match="already holds a chain"):
        restore(folder, tmp_path / "first")
    assert chain_file.stat().st_mtime_ns == before


def test_backup__into_a_folder_that_is_not_empty__refused(backed_up, tmp_path):
    folder, _, _ = backed_up
    (tmp_path / "occupied").mkdir()
    (tmp_path / "occupied" / "note.txt").write_text("mine")
    with pytest.raises(BackupError, match="not empty"):
        backup(folder, tmp_path / "occupied")  # the backup is a data directory too


def test_restore__unfinished_backup__refused(tmp_path):
    (tmp_path / "partial").mkdir()
    with pytest.raises(BackupError, match="no finished backup"):
        restore(tmp_path / "partial", tmp_path / "data")
    assert not (tmp_path / "data").exists()
