"""Compile the Vyper contracts, cached by the hash of every source they read."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

CONTRACTS_DIR = Path(__file__).resolve().parent.parent / "contracts"
EVM_VERSION = "cancun"  # runs on eth-tester, hardhat and Besu alike (DESIGN §8)
DEPLOYABLES = ("ApplicationRegistry", "CouponLedger")
ARTIFACT_FORMAT = 2  # bump when the cached artifact's fields change


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict]
    bytecode: str
    bytecode_runtime: str
    runtime_size: int


def _snekmate_root() -> Path:
    import snekmate

    return Path(next(iter(snekmate.__path__))).resolve().parent  # a namespace package


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tanquan" / "contracts"


def _source_digest() -> str:
    digest = hashlib.sha256()
    for package in ("vyper", "snekmate"):
        digest.update(f"{package}=={metadata.version(package)};".encode())
    digest.update(f"{EVM_VERSION};{ARTIFACT_FORMAT}".encode())
    for path in sorted(CONTRACTS_DIR.rglob("*.vy*")):
        digest.update(str(path.relative_to(CONTRACTS_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _compile(name: str) -> dict:
    from vyper.compiler import compile_from_file_input
    from vyper.compiler.input_bundle import FilesystemInputBundle
    from vyper.compiler.settings import Settings

    bundle = FilesystemInputBundle([CONTRACTS_DIR, _snekmate_root()])
    file_input = bundle.load_file(Path(f"{name}.vy"))
    output = compile_from_file_input(
        file_input,
        input_bundle=bundle,
        settings=Settings(evm_version=EVM_VERSION),
        output_formats=["abi", "bytecode", "bytecode_runtime"],
    )
    return {
        "abi": output["abi"],
        "bytecode": output["bytecode"],
        "bytecode_runtime": output["bytecode_runtime"],
        "runtime_size": (len(output["bytecode_runtime"]) - 2) // 2,
    }


@cache
def load(name: str) -> Artifact:
    """Return the compiled artifact of a deployable, compiling it only when a source changed."""
    if name not in DEPLOYABLES:
        raise ValueError(f"unknown contract {name!r}; deployables are {DEPLOYABLES}")
    cached = _cache_dir() / f"{name}-{_source_digest()}.json"
    if cached.exists():
        compiled = json.loads(cached.read_text())
    else:
        compiled = _compile(name)
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")  # processes compiling at once each write their own
        tmp.write_text(json.dumps(compiled))
        tmp.replace(cached)
    return Artifact(name=name, **compiled)
