"""Backups of the embedded data directory, taken while the gateway serves (`tanquan backup`)
and brought back into an empty one (`tanquan restore`).

A backup is consistent without stopping anything: each SQLite file is copied with
SQLite's online backup API, which reads one snapshot of it while the gateway goes on
writing (WAL). The order makes the files agree: the gateway's records and the event
index first, the chain next (it only grows, so it holds at least every block the index
had seen), and last the plain files (documents, key stores, the deployment record),
which are written before any row or transaction that names them and never change.
So every step acknowledged before the backup began is in it. The manifest,
backup.json, is written last: a backup without it is unfinished and is not restored.

A PostgreSQL database is not in the data directory: back it up with pg_dump.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from chain.node import CHAIN_FILE

MANIFEST = "backup.json"
SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's own, folded into the copy by the backup API


class BackupError(Exception):
    """Why a backup or restore cannot go on: one line for the operator."""


@dataclass(frozen=True)
class Manifest:
    started_at: float
    finished_at: float
    databases: list[str]
    files: list[str]


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(16) == SQLITE_HEADER


def _plan(data_dir: Path) -> tuple[list[Path], list[Path]]:
    """The data directory's SQLite files in backup order (the chain last) and its plain files."""
    databases, files = [], []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(data_dir)
        if relative.name.endswith((*SIDE_FILES, ".tmp", ".lock")):  # the running gateway's, not the data's
            continue
        (databases if _is_sqlite(path) else files).append(relative)
    databases.sort(key=lambda relative: relative.name == CHAIN_FILE)
    return databases, files


def backup(data_dir: Path, target: Path) -> Manifest:
    """Copy `data_dir` into the new folder `target`, consistently, while a gateway may be writing it."""
    if not (data_dir / CHAIN_FILE).is_file():
        raise BackupError(f"no Tanquan data directory at {data_dir} (no {CHAIN_FILE}); set TANQUAN_DATA_DIR")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new folder")
    started = time.time()
    databases, files = _plan(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    for relative in databases:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"{(data_dir / relative).resolve().as_uri()}?mode=ro", uri=True)
        copy = sqlite3.connect(target / relative)
        try:
            source.execute("PRAGMA busy_timeout=10000")
            source.backup(copy)  # one step: one snapshot of the whole file
        finally:
            copy.close()
            source.close()
    for relative in files:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(data_dir / relative, target / relative)
    manifest = Manifest(started, time.time(), [str(p) for p in databases], [str(p) for p in files])
    _write_json(target / MANIFEST, manifest.__dict__)
    return manifest


def restore(source: Path, data_dir: Path) -> Manifest:
    """Bring the backup in `source` into `data_dir`, which must hold no chain: a new or empty
    folder, where no gateway runs (move an old data directory aside first)."""
    if not (source / MANIFEST).is_file():
        raise BackupError(f"{source} holds no finished backup (no {MANIFEST})")
    manifest = Manifest(**json.loads((source / MANIFEST).read_text()))
    data_dir.mkdir(parents=True, exist_ok=True)
    if (data_dir / CHAIN_FILE).exists():
        raise BackupError(f"{data_dir} already holds a chain: restore into a new or empty data directory "
                          "(move this one aside first)")
    # The chain last: a directory the copy stopped in the middle of has no chain, and may be restored again.
    for relative in sorted(manifest.files + manifest.databases, key=lambda name: Path(name).name == CHAIN_FILE):
        destination = data_dir / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, destination.with_name(destination.name + ".tmp"))
        os.replace(destination.with_name(destination.name + ".tmp"), destination)
    return manifest


def _write_json(path: Path, document: dict) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(document, indent=2))
    os.replace(temporary, path)
