"""A Tanquan installation: its data directory, keys, chain and deployed registry.

`open_node` attaches to the registry recorded in the data directory, or deploys
it on first use (DRC deploys, every department key gets its role and gas).
The chain is the embedded durable one unless `chain_url` names a JSON-RPC node.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount

from .backends import EmbeddedChain, connect, open_embedded
from .client import Chain
from .errors import ChainError
from .keys import DEFAULT_SCRYPT_N, KeyStore
from .registry import Registry
from .states import Role

DEPLOYMENT_FILE = "deployment.json"
CHAIN_FILE = "chain.sqlite"
FAUCET_KEY = "faucet"
GAS_ALLOWANCE = 10**18  # wei topped up to each signing account; blocks are cheap on a permissioned chain
DEFAULT_LOSS_NOTICE_SECONDS = 30 * 86400  # §12 sets no period; 30 days, as an operator setting


@dataclass
class Node:
    data_dir: Path
    chain: Chain
    registry: Registry
    keys: KeyStore
    embedded: EmbeddedChain | None
    deployed_block: int

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
        if self.embedded is not None:
            self.embedded.close()


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
    keys = KeyStore(data_dir / "keys", passphrase, scrypt_n=scrypt_n)
    faucet = keys.load_or_create(FAUCET_KEY)
    if chain_url:
        embedded, chain = None, connect(chain_url)
    else:
        embedded = open_embedded(data_dir / CHAIN_FILE, faucet_address=faucet.address, served=served)
        chain = embedded.chain
    try:
        registry, deployed_block = _attach_or_deploy(data_dir, chain, keys, loss_notice_seconds)
    except Exception:
        if embedded is not None:
            embedded.close()
        raise
    return Node(data_dir, chain, registry, keys, embedded, deployed_block)


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
