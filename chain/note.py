"""Signed notes and checkpoints, as C2SP writes them (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), with
Ed25519 keys (signature type 0x01). A checkpoint is the note "<origin>\\n<tree size>\\n<base64 root>\\n"
signed by the log's key; anyone holding the log's verifier key checks it with any C2SP implementation.
A witness cosigns a checkpoint (c2sp.org/tlog-cosignature, type 0x04): its Ed25519 signature, with the
time it signed, over "cosignature/v1\\ntime <seconds>\\n" and the checkpoint."""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import ChainError

ED25519 = b"\x01"  # a signed note's Ed25519 signature: the log's
COSIGNATURE = b"\x04"  # a timestamped Ed25519 cosignature of a checkpoint: a witness's
DASH = "\u2014 "  # em dash and space: a signature line's start
MAX_SIGNATURES = 16


class NoteError(ChainError):
    """A note that is malformed, or not signed by a key the reader trusts."""


def key_id(name: str, public_key: bytes, kind: bytes = ED25519) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + kind + public_key).digest()[:4]


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class Verifier:
    name: str
    public_key: bytes  # 32 bytes, RFC 8032
    kind: bytes = ED25519  # or COSIGNATURE, a witness's

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public_key, self.kind)

    @property
    def vkey(self) -> str:
        """The verifier key as C2SP encodes it: <name>+<hex key ID>+<base64(type || public key)>."""
        return f"{self.name}+{self.id.hex()}+{base64.b64encode(self.kind + self.public_key).decode()}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        try:
            name, hex_id, encoded = vkey.strip().split("+", 2)  # base64 may hold "+" too
            material = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise NoteError(f"not a verifier key: {vkey!r}") from exc
        if material[:1] not in (ED25519, COSIGNATURE) or len(material) != 33:
            raise NoteError("only Ed25519 verifier keys (type 0x01, or 0x04 a witness's) are read")
        verifier = cls(name, material[1:], material[:1])
        if verifier.id.hex() != hex_id:
            raise NoteError(f"the key ID {hex_id} is not this key's ({verifier.id.hex()})")
        return verifier

    def verifies(self, text: str, signature: bytes) -> bool:
        message = text.encode()
        if self.kind == COSIGNATURE:
            message, signature = cosigned_message(text, int.from_bytes(signature[:8], "big")), signature[8:]
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
            return True
        except InvalidSignature:
            return False


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey
    kind: bytes = ED25519  # or COSIGNATURE: a witness's, with the time it signed

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.private_key.public_key().public_bytes_raw(), self.kind)

    def signature_line(self, text: str) -> str:
        if self.kind == COSIGNATURE:
            timestamp = int(time.time())
            signature = timestamp.to_bytes(8, "big") + self.private_key.sign(cosigned_message(text, timestamp))
        else:
            signature = self.private_key.sign(text.encode())
        return f"{DASH}{self.name} {base64.b64encode(self.verifier.id + signature).decode()}\n"

    def sign(self, text: str) -> str:
        if not text.endswith("\n"):
            raise ValueError("a note's text ends with a newline")
        return f"{text}\n{self.signature_line(text)}"


def split(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """The note's text and its signature lines (key name, decoded signature), unverified."""
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("a note holds no control characters other than newline")
    text, separator, block = note.rpartition("\n\n")
    if not separator or not block.endswith("\n"):
        raise NoteError("a note is its text, a blank line and its signature lines, each ending in a newline")
    signatures = []
    for line in block[:-1].split("\n"):
        if not line.startswith(DASH) or " " not in line[len(DASH):]:
            raise NoteError(f"not a signature line: {line!r}")
        name, encoded = line[len(DASH):].split(" ", 1)
        try:
            signatures.append((name, base64.b64decode(encoded, validate=True)))
        except ValueError as exc:
            raise NoteError(f"a signature of {name} is not base64") from exc
    if len(signatures) > MAX_SIGNATURES:
        raise NoteError(f"more than {MAX_SIGNATURES} signatures")
    return text + "\n", signatures


def verify(note: str, verifiers: list[Verifier]) -> tuple[str, list[Verifier]]:
    """The note's text and the known keys whose signatures verified. Unknown signatures are ignored; a
    known key's signature that fails, or no known key's signature at all, rejects the note."""
    text, signatures = split(note)
    known = {(v.name, v.id): v for v in verifiers}
    signed = []
    for name, signature in signatures:
        verifier = known.get((name, signature[:4]))
        if verifier is None:
            continue
        if not verifier.verifies(text, signature[4:]):
            raise NoteError(f"the signature of {name} does not verify")
        signed.append(verifier)
    if not signed:
        raise NoteError("no signature of a trusted key")
    return text, signed


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    @property
    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        try:
            origin, size, root = lines[0], lines[1], base64.b64decode(lines[2], validate=True)
        except (IndexError, ValueError) as exc:
            raise NoteError("a checkpoint is its origin, tree size and root hash, one a line") from exc
        if not origin or not size.isdigit() or (size != "0" and size.startswith("0")) or len(root) != 32:
            raise NoteError("a checkpoint's origin is non-empty, its size decimal and its root 32 bytes")
        return cls(origin, int(size), root)
