"""Tanquan's only door to the EVM: compile, deploy, sign and send, read, decode events.

Nothing outside this package imports web3, eth-tester or py-evm.
"""

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
