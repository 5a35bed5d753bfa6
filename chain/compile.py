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
# Every deployable's runtime code stays within 75 % of EIP-170's 24,576 bytes, so that the next
# procedure fits (tests/chain/test_chain.py). Vyper's Venom pipeline, optimising for size, gives
# CouponLedger about a fifth back (21,860 → 17,760 bytes) and costs no gas the report's goals
# mind: mint, transfer and offset each came out a few hundred gas cheaper (scripts/gas_report.py).
CODE_SIZE_LINE = 18_432
ARTIFACT_FORMAT = 4  # bump when the cached artifact's fields or the compiler's settings change


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
    from vyper.compiler.settings import OptimizationLevel, Settings

    bundle = FilesystemInputBundle([CONTRACTS_DIR, _snekmate_root()])
    file_input = bundle.load_file(Path(f"{name}.vy"))
    output = compile_from_file_input(
        file_input,
        input_bundle=bundle,
        settings=Settings(evm_version=EVM_VERSION, optimize=OptimizationLevel.CODESIZE, experimental_codegen=True),
        output_formats=["abi", "bytecode", "bytecode_runtime"],
    )
    runtime = _deployed_runtime(bytes.fromhex(output["bytecode"].removeprefix("0x")))
    assert len(runtime) * 2 + 2 == len(output["bytecode_runtime"]), f"{name}: the runtime inside the initcode"
    return {
        "abi": output["abi"],
        "bytecode": output["bytecode"],
        "bytecode_runtime": "0x" + runtime.hex(),
        "runtime_size": len(runtime),
    }


def _deployed_runtime(initcode: bytes) -> bytes:
    """The runtime code a deployment of `initcode` returns, before its immutables. Venom emits the runtime
    twice, alone and inside the initcode, and the two may order their blocks differently; the one a
    deployment runs (and `Registry.attach` and `chain/verify.py` compare) is the initcode's. Vyper ends the
    initcode with its CBOR metadata and that metadata's length in two bytes: the runtime (its data
    sections included) sits just before, and the metadata's second field is its size."""
    import cbor2  # the compiler's own dependency

    metadata_length = int.from_bytes(initcode[-2:], "big")  # the two length bytes included
    runtime_size = cbor2.loads(initcode[-metadata_length:-2])[1]
    return initcode[-metadata_length - runtime_size:-metadata_length]


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
