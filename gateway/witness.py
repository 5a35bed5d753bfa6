"""A witness of the registry's transparency log, as c2sp.org/tlog-witness describes one: `tanquan witness`;
and the reader's check of the log against its own trust policy: `tanquan log-check` (chain/logcheck.py).

Each department can run one with its own key, and so can anyone outside (an audit office, a university).
It knows the logs it watches by their verifier keys, keeps the last checkpoint it cosigned for each, and
cosigns a newer one (c2sp.org/tlog-cosignature, Ed25519) only after checking the log's signature and an
RFC 9162 consistency proof from the one it cosigned before. A checkpoint inconsistent with what it saw is
refused, and kept as evidence (`alarms.jsonl` in its state directory): a log that rewrote its history
cannot collect this witness's cosignature again.

    POST /add-checkpoint   old <size>\\n<proof lines>\\n\\n<signed checkpoint>   → cosignature line(s)
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

import httpx

from chain import logcheck, policy
from chain.note import COSIGNATURE, Checkpoint, NoteError, Signer, Verifier, verify
from chain.proofs import ProofFailed
from chain.tlog import EMPTY_ROOT, verify_consistency

from .web.certificates import PROOF_ATTACHMENTS
from .core.errors import CannotStart

log = logging.getLogger(__name__)

MAX_PROOF_LINES = 63
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


class Witness:
    def __init__(self, signer: Signer, logs: list[Verifier], state_dir: Path):
        self.signer = signer
        self.logs: dict[str, list[Verifier]] = {}
        for verifier in logs:
            self.logs.setdefault(verifier.name, []).append(verifier)  # a log's key name is its origin
        self.state_dir = state_dir
        self._state_path = state_dir / "cosigned.json"
        self._lock = threading.Lock()  # the size checked and the size stored are one step (the spec's race)
        self._cosigned: dict[str, dict] = json.loads(self._state_path.read_text()) if self._state_path.exists() else {}

    def cosigned(self, origin: str) -> Checkpoint | None:
        latest = self._cosigned.get(origin)
        return None if latest is None else Checkpoint(origin, latest["size"], base64.b64decode(latest["root"]))

    def add_checkpoint(self, body: str) -> Answer:
        try:
            old, proof, note = _request(body)
            origin = note.split("\n", 1)[0]
            if origin not in self.logs:
                return Answer(404, f"unknown log {origin!r}\n")
            try:
                text, _ = verify(note, self.logs[origin])
            except NoteError as exc:
                return Answer(403, f"{exc}\n")
            checkpoint = Checkpoint.parse(text)
        except (NoteError, ValueError) as exc:
            return Answer(400, f"{exc}\n")
        if old > checkpoint.size:
            return Answer(400, f"old size {old} is beyond the checkpoint's {checkpoint.size}\n")
        if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
            return Answer(422, "an empty tree has the empty root\n")
        with self._lock:
            latest = self.cosigned(checkpoint.origin)
            latest_size = latest.size if latest else 0
            if old != latest_size:
                return Answer(409, f"{latest_size}\n", "text/x.tlog.size")
            if old == 0 and proof:
                return Answer(422, "no consistency proof from the empty tree\n")
            if latest is not None and not verify_consistency(old, checkpoint.size, latest.root, checkpoint.root, proof):
                self._alarm(checkpoint, latest, note)
                return Answer(422, f"the checkpoint of {checkpoint.size} is not consistent with the one of "
                                   f"{latest.size} this witness cosigned\n")
            self._store(checkpoint)
        return Answer(200, self.signer.signature_line(text))

    def _store(self, checkpoint: Checkpoint) -> None:
        self._cosigned[checkpoint.origin] = {"size": checkpoint.size, "root": base64.b64encode(checkpoint.root).decode()}
        self.state_dir.mkdir(parents=True, exist_ok=True)
        tmp = self._state_path.with_suffix(".tmp")
        with open(tmp, "w") as f:  # persisted before the cosignature leaves (the spec's MUST)
            json.dump(self._cosigned, f)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(self._state_path)

    def _alarm(self, offered: Checkpoint, latest: Checkpoint, note: str) -> None:
        log.critical("log %s offered a checkpoint of %d inconsistent with the one of %d this witness cosigned",
                     offered.origin, offered.size, latest.size)
        with open(self.state_dir / "alarms.jsonl", "a") as f:
            f.write(json.dumps({"at": dt.datetime.now(dt.timezone.utc).isoformat(), "origin": offered.origin,
                                "cosigned_size": latest.size, "cosigned_root": base64.b64encode(latest.root).decode(),
                                "offered": note}, ensure_ascii=False) + "\n")


def _request(body: str) -> tuple[int, list[bytes], str]:
    """The old size, the consistency proof and the signed checkpoint of an add-checkpoint body."""
    head, separator, note = body.partition("\n\n")
    lines = head.split("\n")
    if not separator or not lines[0].startswith("old "):
        raise ValueError("the body is an old size line, proof lines, a blank line and the checkpoint")
    size = lines[0][4:]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise ValueError("the old size is decimal, without leading zeroes")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise ValueError(f"at most {MAX_PROOF_LINES} proof lines")
    return int(size), [base64.b64decode(line, validate=True) for line in lines[1:]], note


def app(witness: Witness) -> Starlette:
    async def add_checkpoint(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("too large\n", status_code=413)
        try:
            text = body.decode()
        except UnicodeDecodeError:
            return PlainTextResponse("not UTF-8\n", status_code=400)
        answer = witness.add_checkpoint(text)
        # the content type exactly as given: text/x.tlog.size takes no charset (Starlette adds one to text/*)
        return Response(answer.body, status_code=answer.status, headers={"Content-Type": answer.content_type})

    return Starlette(routes=[Route("/add-checkpoint", add_checkpoint, methods=["POST"])])


def signer_in(state_dir: Path, name: str) -> Signer:
    """The witness's own Ed25519 key (witness-key.pem in its state directory, made on first use)."""
    path = state_dir / "witness-key.pem"
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), None)
    else:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return Signer(name, key, COSIGNATURE)


def serve(name: str, log_keys: list[str], state_dir: Path, *, host: str, port: int) -> int:
    import uvicorn

    try:
        logs = [Verifier.parse(vkey) for vkey in log_keys]
    except NoteError as exc:
        raise CannotStart(f"--log: {exc}") from exc
    signer = signer_in(state_dir, name)
    print(f"witness {name}: its verifier key (give it to the logs and their readers)\n  {signer.verifier.vkey}",
          flush=True)
    for verifier in logs:
        print(f"  watching {verifier.name} ({verifier.vkey})", flush=True)
    uvicorn.run(app(Witness(signer, logs, state_dir)), host=host, port=port, log_level="warning")
    return 0


def log_check(policy_path: Path, state_path: Path, *, url: str | None, block: int | None) -> int:
    """0 proven, 1 not proven (the reason on stderr: keep it as evidence), 2 the log unreachable."""
    rules = _policy(policy_path)
    url = url or next((log.url for log in rules.logs if log.url), None)
    if url is None:
        raise CannotStart("give --url, or the log's URL in the policy's log line")
    try:
        report = logcheck.check(url, rules, state_path, block=block)
    except policy.PolicyError as exc:
        print(f"NOT PROVEN: {exc}", file=sys.stderr)
        return 1
    except httpx.HTTPError as exc:
        print(f"could not reach the log: {exc}", file=sys.stderr)
        return 2
    _say(f"{report.checkpoint.origin}: proven", report,
         "that the blocks follow the contracts' rules (replay them, or `tanquan verify`)")
    return 0


# What an offline check cannot prove of each kind of certificate: the reader is told, in words.
UNPROVEN = {
    "offset": "the coupon number's year but by the EEB's word (the ledger's state holds it: `tanquan verify` online)",
    "trade": "the coupons' numbers but by the centre's word (the ledger's state holds them), nor the payment of the "
             "price or of the service fee, which happen off the chain (附件7 二2: the centre's records)",
}
TITLES = {"offset": "offset certificate", "trade": "trade voucher"}


def verify_offline(bundle_path: Path, policy_path: Path, *, ledger: str, signers: dict[str, str | None]) -> int:
    """`tanquan verify --offline`: 0 proven, 1 not proven (the reason on stderr). No network is used. The
    bundle is the JSON file, or the PDF (offset certificate, trade voucher) that carries it attached;
    `signers` pins each department's address by role (the EEB's, the centre's)."""
    rules = _policy(policy_path)
    try:
        bundle = json.loads(_bundle_bytes(bundle_path))
    except (OSError, ValueError, PdfReadError) as exc:
        raise CannotStart(f"{bundle_path}: {exc}") from exc
    try:
        report = logcheck.verify_offline(bundle, rules, ledger=ledger, signers=signers)
    except (policy.PolicyError, ProofFailed, KeyError, ValueError) as exc:
        print(f"NOT PROVEN: {exc}", file=sys.stderr)
        return 1
    kind = report.facts["kind"]
    _say(f"{TITLES[kind]} {bundle.get('tx_hash')}: proven offline", report, UNPROVEN[kind])
    return 0


def _bundle_bytes(path: Path) -> bytes:
    content = path.read_bytes()
    if not content.startswith(b"%PDF"):
        return content
    attachments = PdfReader(io.BytesIO(content)).attachments
    attached = next((attachments[name] for name in PROOF_ATTACHMENTS.values() if attachments.get(name)), None)
    if not attached:
        raise ValueError(f"this PDF carries none of {', '.join(PROOF_ATTACHMENTS.values())}: download the proof "
                         "(GET /log/bundles/<tx>.json)")
    return attached[0]


def _policy(path: Path) -> policy.Policy:
    try:
        return policy.parse(path.read_text(encoding="utf-8"))
    except (OSError, policy.PolicyError) as exc:
        raise CannotStart(f"--policy: {exc}") from exc


def _say(title: str, report: logcheck.Report, unproven: str) -> None:
    print(title)
    for line in report.proven:
        print(f"  - {line}")
    print(f"  not proven here: {unproven}")
