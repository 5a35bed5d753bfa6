"""Operator settings, from the environment (TANQUAN_*)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2.profiles import RFC_9106_LOW_MEMORY
from pydantic_settings import BaseSettings, SettingsConfigDict

from chain.keys import DEFAULT_SCRYPT_N


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANQUAN_")

    data_dir: Path = Path("data")
    chain_url: str | None = None  # a JSON-RPC node; unset = the embedded durable chain
    database_url: str | None = None  # the event index and gateway data; unset = SQLite in data_dir
    max_requests_in_flight: int = 512  # worker threads; each write waits for its block
    public_requests_per_minute: int = 240  # per client address, on /api/v1/public (DESIGN §9)
    loss_notice_days: float = 30  # §12 public notice after a loss report; the Measures set no length
    public_base_url: str | None = None  # where certificates' QR codes point; unset = the address a page was asked at
    # Costs of the secrets at rest, for keys and passwords made from now on (each one records its own cost).
    # Lowered only by the test suite, which makes hundreds of both.
    key_scrypt_n: int = DEFAULT_SCRYPT_N  # scrypt N of a new key store file
    password_time_cost: int = RFC_9106_LOW_MEMORY.time_cost  # argon2id passes
    password_memory_kib: int = RFC_9106_LOW_MEMORY.memory_cost  # argon2id memory, KiB

    @property
    def index_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'index.sqlite').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
