"""Typed errors raised by the chain layer."""


class ChainError(Exception):
    """Something went wrong talking to the chain."""


class ChainRevert(ChainError):
    """A transaction or call was reverted by a contract; `reason` is its revert string."""

    def __init__(self, reason: str, tx_hash: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.tx_hash = tx_hash


class DataDirInUse(ChainError):
    """Another process holds the data directory: exactly one writes it (DESIGN §8)."""


class ChainDamaged(ChainError):
    """The chain file fails the start-up check, or a reader met a damaged page while it
    runs (then writes stop until it is restored); the message says what to do."""


class ProducerFailed(ChainError):
    """The block producer stopped on an error: no write is accepted until a restart."""


class DiskFull(ChainError):
    """The chain file's disk is full: the block was forgotten, and writes are taken again
    once there is room (no restart)."""
