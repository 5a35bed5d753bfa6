"""Tanquan's only door to the EVM: compile, deploy, sign and send, read, decode events.

Nothing outside this package imports web3, eth-tester or py-evm.
"""

from .client import Chain, Event, Receipt
from .errors import ChainError, ChainRevert
from .registry import Application, Coupon, CouponWritten, Issuance, Registry, Request, Submitted, Written
from .states import Action, ApplicationStatus, CouponState, OffsetPurpose, Role

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
    "Issuance",
    "OffsetPurpose",
    "Receipt",
    "Registry",
    "Request",
    "Role",
    "Submitted",
    "Written",
]
