"""Reading one of the gateway's records by its id, as its reader may: purchase applications, trades,
附件8 forms. A department among the kind's readers reads every one; a holder only those it is a party
to, and another's is answered as a missing one is, word for word, so that ids tell a stranger nothing."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from ..core.db import User
from ..core.errors import Forbidden, NotFound
from ..catalogue.steps import HOLDER

R = TypeVar("R")


@dataclass(frozen=True)
class Kind(Generic[R]):
    model: type[R]
    name: str  # in messages: "no <name> 7"
    missing: str  # the error code of a missing one: PURCHASE_NOT_FOUND
    readers: Collection[str]  # the roles that read this kind at all
    parties: Callable[[R], Collection[int]]  # the holders' user ids that read one


def get(db: Session, kind: Kind[R], record_id: int) -> R:
    if (row := db.get(kind.model, record_id)) is None:
        raise NotFound(kind.missing, f"no {kind.name} {record_id}")
    return row


def require_reader(kind: Kind, user: User) -> None:
    """The kind at all, one record or a list: for its parties and the departments among its readers."""
    if user.role not in kind.readers:
        raise Forbidden("ROLE_REQUIRED", f"a {kind.name} is for its parties and the departments")


def seen(db: Session, kind: Kind[R], record_id: int, user: User) -> R:
    require_reader(kind, user)
    row = get(db, kind, record_id)
    if user.role == HOLDER and user.id not in kind.parties(row):
        raise NotFound(kind.missing, f"no {kind.name} {record_id}")
    return row
