"""Tanquan's only door to the EVM: compile, deploy, sign and send, read, decode events.

Nothing outside this package imports web3, eth-tester or py-evm.

py_ecc (py-evm's curve arithmetic) raises Python's recursion limit to 100,000 when it is
first imported. CPython's C JSON decoder counts its nesting against that limit and
overflows the C stack long before it: a 200 KB body of nested brackets kills the process.
py_ecc is imported here, before anything else can, and the limit put back to one the C
stack holds; the EVM's work (pairings included) needs no more than the default.
"""

import sys

import py_ecc  # noqa: F401 - imported for its side effect, undone on the next line

RECURSION_LIMIT = 3_000
sys.setrecursionlimit(RECURSION_LIMIT)

from .client import Chain, Event, Receipt
from .errors import ChainError, ChainRevert
from .registry import (
    Application, Coupon, CouponWritten, Invalidation, Issuance, Registry, Reissue, Request, Submitted, Written,
)
from .states import Action, ApplicationStatus, CouponState, OffsetPurpose, ReissueStage, Role

__all__ = [
    "Action",
    "Application",
    "ApplicationStatus",
    "Chain",
    "ChainError",
    "ChainRevert",
    "Coupon",
    "CouponState",
    "CouponWritten",
    "Event",
    "Invalidation",
    "Issuance",
    "OffsetPurpose",
    "Receipt",
    "Registry",
    "Reissue",
    "ReissueStage",
    "Request",
    "Role",
    "Submitted",
    "Written",
]
