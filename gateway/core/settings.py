"""Operator settings, from the environment (TANQUAN_*)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from argon2.profiles import RFC_9106_LOW_MEMORY
from pydantic_settings import BaseSettings, SettingsConfigDict

from chain.keys import DEFAULT_SCRYPT_N


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANQUAN_")

    data_dir: Path = Path("data")
    chain_url: str | None = None  # a JSON-RPC node; unset = the embedded durable chain
    database_url: str | None = None  # the event index and gateway data; unset = SQLite in data_dir
    max_requests_in_flight: int = 512  # worker threads; each write waits for its block
    # What one client address may ask (DESIGN §9): per minute, or per hour for new accounts.
    public_requests_per_minute: int = 240  # /api/v1/public and the read-only JSON-RPC at /rpc
    page_requests_per_minute: int = 240  # the explorer's and consoles' pages
    login_requests_per_minute: int = 30  # POST /api/v1/auth/login and /console/login, whatever the outcome
    registrations_per_hour: int = 20  # POST /api/v1/auth/holders
    # Failed log-ins (services/logins.py): this many on one account lock it for that client address for
    # login_lockout_seconds; this many from anywhere slow it to one try a device it does not know per
    # login_slow_seconds, and tell DRC. Devices it has logged in from are never held back.
    login_failures_per_account: int = 5
    login_failures_before_slowing: int = 20
    login_slow_seconds: int = 10
    login_lockout_seconds: int = 900
    password_hashes_at_once: int = 4  # argon2 verifications in flight: each holds password_memory_kib
    api_key_days: int = 90  # the longest an API key lives
    # Requests: bodies over these sizes are refused before any route reads them.
    max_request_bytes: int = 1024 * 1024
    max_document_bytes: int = 20 * 1024 * 1024  # an uploaded document, POST /api/v1/documents
    # What one holder account may upload (services/documents.py store; departments are not counted): in
    # all before the centre verifies it, in all after, and documents an hour. Below min_free_bytes free on
    # the data directory's disk no one uploads (503 DISK_FULL): the chain and the database need the room.
    upload_quota_unverified_bytes: int = 10 * 1024 * 1024
    upload_quota_bytes: int = 2 * 1024 * 1024 * 1024
    uploads_per_hour: int = 120
    min_free_bytes: int = 1024 * 1024 * 1024
    # Host names served (the public base URL's is always added); anything else is refused.
    allowed_hosts: list[str] = ["localhost", "127.0.0.1", "::1"]
    # Peers whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or networks); none by default.
    trusted_proxies: list[str] = []
    # Who may read /metrics: these client addresses or networks, or anyone sending the token as a bearer.
    metrics_readers: list[str] = ["127.0.0.1", "::1"]
    metrics_token: str | None = None
    log_format: Literal["text", "json"] = "text"  # json: one object per line, for a log collector
    log_level: str = "WARNING"
    index_poll_seconds: float = 0.25  # on a JSON-RPC node: how often the index looks for others' blocks
    # The public JSON-RPC (/rpc): what one request may ask of the chain.
    rpc_max_log_blocks: int = 2_000  # blocks one eth_getLogs spans
    rpc_batch_limit: int = 20  # calls in one batch
    rpc_call_gas_cap: int = 1_000_000  # gas of one eth_call; a registry view takes some 25 k
    rpc_call_seconds: float = 1.0  # an eth_call still running then is stopped (embedded chain)
    rpc_calls_at_once: int = 2  # eth_calls evaluated at a time; one more is refused with "busy, try again"
    # Public reads (gateway/runtime/public_cache.py): answers kept in memory, and on a JSON-RPC node how many
    # blocks must follow a transaction's before its verdict is kept for good (QBFT is final at once: 0;
    # the embedded chain never reorganises).
    public_cache_entries: int = 10_000
    final_after_blocks: int = 0
    # Parcels (services/geometry.py, services/boundaries.py): the district's extent as (west, south, east,
    # north) degrees, 赫山区 with a margin; how far a boundary's area may differ from the declared 面积; how
    # much two parcels may overlap before the second is refused (§7: survey lines of neighbours rarely
    # agree to the centimetre).
    district_extent: tuple[float, float, float, float] = (112.0, 28.0, 113.0, 29.0)
    parcel_area_tolerance: float = 0.05
    parcel_overlap_tolerance_m2: float = 100.0
    # Base map tiles under the parcels' outlines (for example 天地图's WMTS with its key): a URL template
    # with {z}/{x}/{y}, and the attribution it asks for; none by default, and the maps draw outlines only.
    map_tiles: str | None = None
    map_tiles_attribution: str = ""
    # Notices by e-mail (services/notices.py): none sent until smtp_host is set; until then each is written to
    # notices.log in the data directory instead. The courier looks for what newly waits on accounts every
    # notices_every_seconds (0: no courier; the test suite runs it by hand) and sends each department its
    # digest of what is due or overdue once a day from digest_hour, Beijing time.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_tls: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_sender: str = "碳券登记簿 <noreply@tanquan.invalid>"
    notices_every_seconds: float = 30
    digest_hour: int = 8
    loss_notice_days: float = 30  # §12 public notice after a loss report; the Measures set no length
    public_base_url: str = "http://127.0.0.1:8000"  # where certificates' QR codes point: never a request's Host
    # The transparency log's origin, the name its checkpoints and its key carry (c2sp.org/tlog-checkpoint):
    # by default the public base URL's host and port, then /tanquan.
    log_origin: str | None = None
    # Witnesses the log offers each checkpoint to (gateway/witness.py), each "<URL> <its verifier key>"; with
    # any, /log/checkpoint is the latest every one of them cosigned.
    log_witnesses: list[str] = []
    # The key of the ID numbers' hashes, as a file the operator places outside the data directory and its
    # backups; or none here, and the key in TANQUAN_IDENTITY_KEY (security.identity_key).
    identity_key_file: Path | None = None
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
