"""A Tanquan installation: its data directory, keys, chain and deployed registry.

`open_node` attaches to the registry recorded in the data directory, or deploys
it on first use (DRC deploys, every department key gets its role and gas).
The chain is the embedded durable one unless `chain_url` names a JSON-RPC node.
Exactly one process at a time writes an embedded chain's data directory
(DESIGN §8): the node holds an exclusive lock on the chain file itself until it
closes, so no other file's loss lets a second writer in, and the kernel lets it
go however the process ends. (A JSON-RPC node is shared by design: its data
directories are not locked.)
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount

from .backends import EmbeddedChain, connect, open_embedded
from .client import Chain
from .errors import ChainError, DataDirInUse
from .keys import DEFAULT_SCRYPT_N, KeyStore
from .registry import Registry
from .states import Role

DEPLOYMENT_FILE = "deployment.json"
CHAIN_FILE = "chain.sqlite"
FAUCET_KEY = "faucet"
GAS_ALLOWANCE = 10**18  # wei topped up to each signing account; blocks are cheap on a permissioned chain
DEFAULT_LOSS_NOTICE_SECONDS = 30 * 86400  # §12 sets no period; 30 days, as an operator setting


class DataDirLock:
    """An exclusive flock on the chain file. SQLite's own locks are POSIX record locks,
    which the kernel keeps apart from flocks; but closing any descriptor of the file drops
    all of this process's POSIX locks on it, so a chain file this process already holds is
    refused without opening it again."""

    _held: set[tuple[int, int]] = set()  # (device, inode) of the chain files this process holds

    def __init__(self, data_dir: Path):
        path = data_dir / CHAIN_FILE
        if path.exists() and _file_id(os.stat(path)) in DataDirLock._held:
            raise _in_use(data_dir, str(os.getpid()))
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_holder(os.fstat(self._fd))
            os.close(self._fd)
            raise _in_use(data_dir, holder) from None
        self._id = _file_id(os.fstat(self._fd))
        DataDirLock._held.add(self._id)

    def release(self) -> None:
        DataDirLock._held.discard(self._id)
        os.close(self._fd)  # after SQLite's connections are closed: closing it lets the lock go


def _file_id(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_dev, stat.st_ino


def _lock_holder(stat: os.stat_result) -> str:
    """The pid that holds the flock on this file, as the kernel lists it (Linux's /proc/locks)."""
    device = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    try:
        with open("/proc/locks") as locks:
            for line in locks:  # "1: FLOCK  ADVISORY  WRITE 1234 fe:00:2146486 0 EOF"
                fields = line.split()
                if fields[1:2] == ["FLOCK"] and fields[5:6] == [device]:
                    return fields[4]
    except OSError:
        pass
    return "unknown"


def _in_use(data_dir: Path, holder: str) -> DataDirInUse:
    return DataDirInUse(
        f"the data directory {data_dir} is in use by another Tanquan process (pid {holder}); "
        "one process at a time may write it: stop that one first"
    )


@dataclass
class Node:
    data_dir: Path
    chain: Chain
    registry: Registry
    keys: KeyStore
    embedded: EmbeddedChain | None
    deployed_block: int
    lock: DataDirLock | None

    @property
    def reader(self) -> Chain:
        """Reads that never wait for the block producer: the embedded chain's committed
        blocks on a connection of their own, or the JSON-RPC node as it is."""
        return self.embedded.reader if self.embedded is not None else self.chain

    def producer_problem(self) -> str | None:
        """Why the embedded chain's block producer takes no transactions, if it does not."""
        producer = self.embedded.producer if self.embedded is not None else None
        return producer.problem() if producer is not None else None

    def producer_cpu_seconds(self) -> float | None:
        """The CPU time the embedded chain's block producer has spent mining (None on a JSON-RPC node)."""
        producer = self.embedded.producer if self.embedded is not None else None
        return producer.cpu_seconds if producer is not None else None

    def department(self, role: Role) -> LocalAccount:
        return self.keys.load_or_create(role.value)

    def custodial(self, name: str) -> LocalAccount:
        """A holder's or buyer's custodial key, created and given gas money on first use."""
        account = self.keys.load_or_create(f"holder-{name}")
        self.fund(account.address)
        return account

    def fund(self, address: str) -> None:
        if self.chain.balance(address) < GAS_ALLOWANCE // 2:
            self.chain.transfer_value(self.keys.load_or_create(FAUCET_KEY), address, GAS_ALLOWANCE)

    def close(self) -> None:
        try:
            if self.embedded is not None:
                self.embedded.close()
        finally:
            if self.lock is not None:
                self.lock.release()


def open_node(
    data_dir: Path,
    *,
    chain_url: str | None = None,
    served: bool = False,
    passphrase: str | None = None,
    scrypt_n: int = DEFAULT_SCRYPT_N,
    loss_notice_seconds: int = DEFAULT_LOSS_NOTICE_SECONDS,
) -> Node:
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = None if chain_url else DataDirLock(data_dir)
    embedded = None
    try:
        keys = KeyStore(data_dir / "keys", passphrase, scrypt_n=scrypt_n)
        faucet = keys.load_or_create(FAUCET_KEY)
        if chain_url:
            chain = connect(chain_url)
        else:
            embedded = open_embedded(data_dir / CHAIN_FILE, faucet_address=faucet.address, served=served)
            chain = embedded.chain
        registry, deployed_block = _attach_or_deploy(data_dir, chain, keys, loss_notice_seconds)
    except BaseException:
        if embedded is not None:
            embedded.close()
        if lock is not None:
            lock.release()
        raise
    return Node(data_dir, chain, registry, keys, embedded, deployed_block, lock)


def _attach_or_deploy(data_dir: Path, chain: Chain, keys: KeyStore, loss_notice_seconds: int) -> tuple[Registry, int]:
    record_path = data_dir / DEPLOYMENT_FILE
    if record_path.exists():
        record = json.loads(record_path.read_text())
        if record["chain_id"] == chain.chain_id and chain.w3.eth.get_code(record["ledger"]):
            return Registry.attach(chain, record["applications"], record["ledger"]), record["deployed_block"]
    faucet = keys.load_or_create(FAUCET_KEY)
    if chain.balance(faucet.address) < GAS_ALLOWANCE * (len(Role) + 1):
        raise ChainError(f"fund the faucet {faucet.address} on this chain before the first start")
    departments = {role: keys.load_or_create(role.value) for role in Role}
    funding = [chain.submit_transfer(faucet, account.address, GAS_ALLOWANCE) for account in departments.values()]
    for pending in funding:
        pending.receipt()
    drc = departments[Role.DRC]
    deployed_block = chain.w3.eth.block_number + 1
    registry = Registry.deploy(chain, drc, loss_notice_seconds=loss_notice_seconds)
    registry.grant_all(drc, {role: a.address for role, a in departments.items() if role != Role.DRC})
    record = {
        "chain_id": chain.chain_id,
        "applications": registry.applications.address,
        "ledger": registry.ledger.address,
        "deployed_block": deployed_block,
    }
    tmp = record_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2))
    tmp.replace(record_path)
    return registry, deployed_block
