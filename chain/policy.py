"""A transparency log trust policy (c2sp.org/tlog-policy): the logs a reader trusts, the witnesses it
knows, and the quorum of them whose cosignatures make a checkpoint valid.

    log <vkey> [<url>]
    witness <name> <vkey> [<url>]
    group <name> <threshold | all | any> <member>...
    quorum <name | none>
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .note import COSIGNATURE, ED25519, Checkpoint, NoteError, Verifier, verify


class PolicyError(NoteError):
    """A policy file that does not parse, or a checkpoint the policy does not accept."""


@dataclass(frozen=True)
class Log:
    verifier: Verifier
    url: str | None = None


@dataclass
class Policy:
    logs: list[Log] = field(default_factory=list)
    witnesses: dict[str, Verifier] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)  # witness name → its URL, where given
    groups: dict[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)  # name → (threshold, members)
    quorum: str | None = None  # None: the policy's "quorum none"

    def accept(self, note: str) -> tuple[Checkpoint, list[str]]:
        """The checkpoint, if a known log signed it and the quorum of witnesses cosigned it; with the names
        of the witnesses whose cosignatures verified. Raises PolicyError saying what is missing."""
        keys = [log.verifier for log in self.logs] + list(self.witnesses.values())
        try:
            text, signers = verify(note, keys)
        except PolicyError:
            raise
        except NoteError as exc:
            raise PolicyError(str(exc)) from exc
        if not any(log.verifier in signers for log in self.logs):
            raise PolicyError("no log of the policy signed this checkpoint")
        cosigned = {name for name, verifier in self.witnesses.items() if verifier in signers}
        if self.quorum is not None and not self._witnessed(self.quorum, cosigned):
            raise PolicyError(f"the quorum {self.quorum!r} has not cosigned this checkpoint "
                              f"(cosigned by: {', '.join(sorted(cosigned)) or 'no witness of the policy'})")
        return Checkpoint.parse(text), sorted(cosigned)

    def _witnessed(self, name: str, cosigned: set[str]) -> bool:
        if name in self.witnesses:
            return name in cosigned
        threshold, members = self.groups[name]
        return sum(self._witnessed(member, cosigned) for member in members) >= threshold


def parse(text: str) -> Policy:
    policy, quorum_seen = Policy(), False
    for number, raw in enumerate(text.splitlines(), 1):
        words = raw.split()
        if not words or words[0].startswith("#"):
            continue
        try:
            kind, rest = words[0], words[1:]
            if kind == "log" and len(rest) in (1, 2):
                policy.logs.append(Log(_key(rest[0], ED25519), rest[1] if len(rest) == 2 else None))
            elif kind == "witness" and len(rest) in (2, 3):
                name = _new_name(policy, rest[0])
                policy.witnesses[name] = _key(rest[1], COSIGNATURE)
                if len(rest) == 3:
                    policy.urls[name] = rest[2]
            elif kind == "group" and len(rest) >= 3:
                name, threshold, members = _new_name(policy, rest[0]), rest[1], tuple(rest[2:])
                for member in members:
                    if member not in policy.witnesses and member not in policy.groups:
                        raise PolicyError(f"{member!r} is not a witness or group defined above")
                count = {"all": len(members), "any": 1}.get(threshold)
                if count is None:
                    if not threshold.isdigit() or not 1 <= int(threshold) <= len(members):
                        raise PolicyError(f"threshold {threshold!r} is not all, any or 1..{len(members)}")
                    count = int(threshold)
                policy.groups[name] = (count, members)
            elif kind == "quorum" and len(rest) == 1 and not quorum_seen:
                if rest[0] != "none" and rest[0] not in policy.witnesses and rest[0] not in policy.groups:
                    raise PolicyError(f"quorum {rest[0]!r} is not a witness or group defined above")
                policy.quorum, quorum_seen = (None if rest[0] == "none" else rest[0]), True
            else:
                raise PolicyError(f"not a log, witness, group or (one) quorum line: {raw.strip()!r}")
        except NoteError as exc:
            raise PolicyError(f"policy line {number}: {exc}") from exc
    if not quorum_seen:
        raise PolicyError("a policy names its quorum (`quorum none` for none)")
    if not policy.logs:
        raise PolicyError("a policy names at least one log")
    return policy


def _key(vkey: str, kind: bytes) -> Verifier:
    verifier = Verifier.parse(vkey)
    if verifier.kind != kind:
        raise PolicyError(f"{verifier.name}: a {'log' if kind == ED25519 else 'witness'} key has type 0x{kind.hex()}")
    return verifier


def _new_name(policy: Policy, name: str) -> str:
    if name == "none" or name in policy.witnesses or name in policy.groups:
        raise PolicyError(f"the name {name!r} is taken")
    return name
