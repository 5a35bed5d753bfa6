"""The chain file under faults (issue 18): one writer, locked on the chain file itself;
bytes appended to it refuse the start; a damaged page met by a reader stops the writes."""

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from chain import Role
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
