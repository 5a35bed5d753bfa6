"""Where the chain runs. Tests use an in-memory eth-tester chain in instant mode."""

from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_tester import EthereumTester, PyEVMBackend
from web3 import EthereumTesterProvider, Web3

from .client import Chain


@dataclass
class EphemeralChain:
    """An in-memory eth-tester chain: instant mining, snapshots and time travel."""

    chain: Chain
    tester: EthereumTester
    faucet: LocalAccount

    def snapshot(self) -> int:
        return self.tester.take_snapshot()

    def revert(self, snapshot_id: int) -> None:
        self.tester.revert_to_snapshot(snapshot_id)
        self.chain.forget_nonces()

    def time_travel(self, timestamp: int) -> None:
        self.tester.time_travel(timestamp)

    def fund(self, address: str, wei: int = 10**20) -> None:
        self.chain.transfer_value(self.faucet, address, wei)


def ephemeral() -> EphemeralChain:
    backend = PyEVMBackend()
    tester = EthereumTester(backend)
    w3 = Web3(EthereumTesterProvider(tester))
    faucet = Account.from_key(backend.account_keys[0].to_bytes())
    return EphemeralChain(chain=Chain(w3), tester=tester, faucet=faucet)
