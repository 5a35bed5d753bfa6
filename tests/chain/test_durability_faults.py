"""The chain file under faults (issue 18): one writer, locked on the chain file itself;
bytes appended to it refuse the start; a damaged page met by a reader stops the writes.
A start after a clean close compares the file's ends with its seal instead of reading
every page (issue 20): damage elsewhere is met by the first read, and a file without a
seal (a crash) or unlike it (a restored copy) is checked whole."""

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chain import Role, seal
from chain.backends import open_committed
from chain.errors import ChainDamaged, DataDirInUse
from chain.node import CHAIN_FILE, open_node

PASSPHRASE = "durability-faults"
PAGE = 4096  # SQLite's page size
ROOT = Path(__file__).resolve().parents[2]


def _open(data_dir: Path, **kwargs):
    return open_node(data_dir, passphrase=PASSPHRASE, scrypt_n=2**14, **kwargs)


def _second_writer(data_dir: Path) -> subprocess.CompletedProcess:
    """Another process opening the data directory to write it."""
    script = (
        "import sys; from pathlib import Path; from chain.node import open_node; from chain.errors import DataDirInUse\n"
        f"try: open_node(Path(sys.argv[1]), passphrase={PASSPHRASE!r}, scrypt_n=2**14).close()\n"
        "except DataDirInUse as exc: print(exc); sys.exit(3)\n"
    )
    return subprocess.run([sys.executable, "-c", script, str(data_dir)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_second_writer__every_other_file_deleted__still_refused_naming_the_holder(tmp_path):
    node = _open(tmp_path)
    try:
        (tmp_path / "tanquan.lock").write_text("0\n")  # the side file an earlier release locked
        for path in sorted(tmp_path.rglob("*"), reverse=True):
            if not path.name.startswith(CHAIN_FILE):
                path.rmdir() if path.is_dir() else path.unlink()

        refused = _second_writer(tmp_path)
        assert refused.returncode == 3, (refused.stdout, refused.stderr)
        assert f"in use by another Tanquan process (pid {os.getpid()})" in refused.stdout
        with pytest.raises(DataDirInUse):
            _open(tmp_path)
        node.registry.send(node.department(Role.EEB), "set_ccer_listed", b"\x11" * 32, True)  # the holder still writes
    finally:
        node.close()


def test_start__64_bytes_appended_to_the_chain_file__refused_with_what_to_do_file_untouched(tmp_path):
    node = _open(tmp_path)
    node.registry.send(node.department(Role.EEB), "set_ccer_listed", b"\x12" * 32, True)
    node.close()
    chain_file = tmp_path / CHAIN_FILE
    with chain_file.open("ab") as chain:
        chain.write(random.Random(17).randbytes(64))
    damaged = chain_file.read_bytes()

    for _ in range(2):  # the same answer again: a refused start lets the lock go
        with pytest.raises(ChainDamaged, match="is damaged .*not a whole number of 4096-byte pages.*restore it from a backup"):
            _open(tmp_path)
    with pytest.raises(ChainDamaged, match="not a whole number"):
        open_committed(chain_file)
    assert chain_file.read_bytes() == damaged


def test_writes__reader_meets_a_damaged_page__refused_chain_damaged_from_then_on(tmp_path):
    node = _open(tmp_path, served=True)
    try:
        eeb = node.department(Role.EEB)
        node.registry.send(eeb, "set_ccer_listed", b"\x13" * 32, True)
        backend = node.embedded.backend
        with node.embedded.lock:  # every block into the file itself, then its pages after the first zeroed
            backend.kv._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        chain_file = tmp_path / CHAIN_FILE
        size = chain_file.stat().st_size
        with chain_file.open("r+b") as chain:
            chain.seek(PAGE)
            chain.write(bytes(size - PAGE))

        with pytest.raises(Exception, match="malformed"):
            node.reader.w3.eth.get_block(1)  # a public read, on the reader's own connection

        assert "is damaged" in node.producer_problem()
        with pytest.raises(ChainDamaged, match="restore it from a backup"):
            node.registry.send(eeb, "set_ccer_listed", b"\x14" * 32, True)
    finally:
        node.close()


OLD_RECORDS = 200  # about sixteen pages of rows no start reads, sorted before every hash key py-evm stores


def _old_record(number: int) -> bytes:
    return b"\x00\x00old-record-%04d" % number


def _sealed_with_old_records(data_dir: Path, monkeypatch) -> Path:
    """A chain closed cleanly whose pages of old records lie between its first page and
    its sealed tail (two pages here, so a small chain has a middle)."""
    monkeypatch.setattr(seal, "SEALED_TAIL_PAGES", 2)
    node = _open(data_dir)
    kv = node.embedded.backend.kv
    for number in range(OLD_RECORDS):
        kv[_old_record(number)] = b"an old record " * 20
    kv.commit()
    for parcel in range(3):  # later blocks: the old records' pages are no longer the file's last
        node.registry.send(node.department(Role.EEB), "set_ccer_listed", bytes([0x20 + parcel]) * 32, True)
    node.close()
    assert (data_dir / f"{CHAIN_FILE}{seal.SEAL_SUFFIX}").exists()
    return data_dir / CHAIN_FILE


def _zero_the_leaf_holding(chain_file: Path, key: bytes) -> None:
    data = chain_file.read_bytes()
    pages = {found.start() // PAGE for found in re.finditer(re.escape(key), data)}
    (leaf,) = [page for page in pages if data[page * PAGE] == 0x0A]  # a WITHOUT ROWID table's leaf
    assert 0 < leaf < len(data) // PAGE - seal.SEALED_TAIL_PAGES, "the leaf is not between the sealed ends"
    with chain_file.open("r+b") as chain:
        chain.seek(leaf * PAGE)
        chain.write(bytes(PAGE))


def test_start__sealed_file_damaged_far_from_its_ends__starts_and_the_first_read_stops_writes(tmp_path, monkeypatch):
    chain_file = _sealed_with_old_records(tmp_path, monkeypatch)
    _zero_the_leaf_holding(chain_file, _old_record(OLD_RECORDS // 2))

    node = _open(tmp_path, served=True)  # the ends are as sealed: not every page is read
    try:
        assert not (tmp_path / f"{CHAIN_FILE}{seal.SEAL_SUFFIX}").exists()  # a writer unseals before it writes
        eeb = node.department(Role.EEB)
        node.registry.send(eeb, "set_ccer_listed", b"\x30" * 32, True)

        with pytest.raises(Exception, match="malformed"):
            node.embedded.committed.kv[_old_record(OLD_RECORDS // 2)]  # a reader's first look at the page

        assert "is damaged" in node.producer_problem()
        with pytest.raises(ChainDamaged, match="restore it from a backup"):
            node.registry.send(eeb, "set_ccer_listed", b"\x31" * 32, True)
    finally:
        node.close()
    assert not (tmp_path / f"{CHAIN_FILE}{seal.SEAL_SUFFIX}").exists()  # damage met: the next start reads every page


def test_start__same_damage_and_no_seal_as_a_crash_leaves__refused_with_what_to_do(tmp_path, monkeypatch):
    chain_file = _sealed_with_old_records(tmp_path, monkeypatch)
    _zero_the_leaf_holding(chain_file, _old_record(OLD_RECORDS // 2))
    (tmp_path / f"{CHAIN_FILE}{seal.SEAL_SUFFIX}").unlink()
    damaged = chain_file.read_bytes()

    for _ in range(2):
        with pytest.raises(ChainDamaged, match="is damaged .*restore it from a backup"):
            _open(tmp_path)
    with pytest.raises(ChainDamaged, match="is damaged"):
        open_committed(chain_file)
    assert chain_file.read_bytes() == damaged


def test_start__older_copy_restored_beside_a_later_seal__starts_with_the_older_chain(tmp_path, monkeypatch):
    chain_file = _sealed_with_old_records(tmp_path, monkeypatch)
    older = chain_file.read_bytes()
    node = _open(tmp_path)
    node.registry.send(node.department(Role.EEB), "set_ccer_listed", b"\x32" * 32, True)
    node.close()
    chain_file.write_bytes(older)  # restored from a backup; the seal beside it is the later file's

    node = _open(tmp_path)
    try:
        assert node.registry.call("ccer_listed", b"\x32" * 32) is False
        node.registry.send(node.department(Role.EEB), "set_ccer_listed", b"\x33" * 32, True)
    finally:
        node.close()
