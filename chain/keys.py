"""Signing keys in encrypted keystores (scrypt) under the data directory (DESIGN §9).

Department keys are named after their role (`CENTER`, `EEB`, …); custodial
keys of holders and buyers are named by the gateway; the transparency log's
Ed25519 key (`note_key`) is a PKCS #8 file beside them. The passphrase comes from
the environment and never leaves the process; no key is ever returned by an API.
A new file is encrypted at the store's scrypt cost (the gateway's `key_scrypt_n`
setting); a file is always unlocked at the cost it records.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from .errors import ChainError

PASSPHRASE_ENV = "TANQUAN_KEY_PASSPHRASE"
DEFAULT_SCRYPT_N = 2**17  # ~0.35 s per unlock here; keys are unlocked once per process
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class KeyStore:
    def __init__(self, directory: Path, passphrase: str | None = None, *, scrypt_n: int = DEFAULT_SCRYPT_N):
        self.directory = directory
        self._passphrase = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV)
        if not self._passphrase:
            raise ChainError(f"set {PASSPHRASE_ENV} to the passphrase of the key store in {directory}")
        self._scrypt_n = scrypt_n
        self._unlocked: dict[str, LocalAccount] = {}
        self._lock = threading.Lock()

    def _path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise ValueError(f"bad key name {name!r}")
        return self.directory / f"{name}.json"

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.json")) if self.directory.exists() else []

    def address_of(self, name: str) -> str:
        """The key's address, read from the keystore without unlocking it."""
        return to_checksum_address("0x" + json.loads(self._path(name).read_text())["address"])

    def load_or_create(self, name: str) -> LocalAccount:
        with self._lock:
            account = self._unlocked.get(name)
            if account is not None:
                return account
            path = self._path(name)
            if path.exists():
                try:
                    key = Account.decrypt(json.loads(path.read_text()), self._passphrase)
                except ValueError as exc:
                    raise ChainError(f"cannot unlock key {name!r}: wrong {PASSPHRASE_ENV}?") from exc
                account = Account.from_key(key)
            else:
                account = Account.create()
                self._write(path, Account.encrypt(account.key, self._passphrase, kdf="scrypt", iterations=self._scrypt_n))
            self._unlocked[name] = account
            return account

    def note_key(self, name: str) -> Ed25519PrivateKey:
        """An Ed25519 key for signed notes (chain/note.py: the transparency log's checkpoints), kept as
        PKCS #8 encrypted with the key store's passphrase; made on first use."""
        path = self._path(name).with_suffix(".pem")
        with self._lock:
            if path.exists():
                try:
                    key = serialization.load_pem_private_key(path.read_bytes(), self._passphrase.encode())
                except ValueError as exc:
                    raise ChainError(f"cannot unlock key {name!r}: wrong {PASSPHRASE_ENV}?") from exc
                if not isinstance(key, Ed25519PrivateKey):
                    raise ChainError(f"{path} is not an Ed25519 key")
                return key
            key = Ed25519PrivateKey.generate()
            self._write_bytes(path, key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(self._passphrase.encode())))
            return key

    def _write(self, path: Path, keystore: dict) -> None:
        self._write_bytes(path, json.dumps(keystore).encode())

    def _write_bytes(self, path: Path, content: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
