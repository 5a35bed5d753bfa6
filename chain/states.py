"""Python mirrors of the contracts' flags and role ids (contracts/*.vy)."""

from __future__ import annotations

import enum

from eth_utils import keccak


class CouponState(enum.IntFlag):
    ACTIVE = 1
    LISTED = 2
    PLEDGED = 4
    FROZEN = 8
    LOST_REPORTED = 16
    RETIRED = 32
    SPLIT = 64
    VOIDED = 128


LIVE_STATES = (
    CouponState.ACTIVE
    | CouponState.LISTED
    | CouponState.PLEDGED
    | CouponState.FROZEN
    | CouponState.LOST_REPORTED
)


class ApplicationStatus(enum.IntFlag):
    SUBMITTED = 1
    SUPPLEMENT_REQUIRED = 2
    FORMAL_OK = 4
    PRELIM_OK = 8
    VALIDATED = 16
    FILED = 32
    ISSUED = 64
    REJECTED = 128


class Action(enum.IntFlag):
    LIST = 1
    TRANSFER = 2
    PLEDGE = 4
    OFFSET = 8
    LOSS = 16


class OffsetPurpose(enum.IntFlag):
    ECO_COMPENSATION = 1  # §15(1) 建设用地占用生态用地的生态补偿
    EVENT_NEUTRALITY = 2  # §15(2) 赛事、活动、会议碳中和
    GREEN_POINTS = 4  # §15(3) 绿色积分、低碳证书


class Role(str, enum.Enum):
    """Department roles (contracts/modules/roles.vy). Both contracts export each id as a getter
    of the role's name (`CENTER()` …); tests/contracts/test_roles.py checks they agree with `id`."""

    DRC = "DRC"
    CENTER = "CENTER"
    NRB = "NRB"
    FORESTRY = "FORESTRY"
    EEB = "EEB"
    GOV = "GOV"
    FINANCE = "FINANCE"
    VERIFIER = "VERIFIER"

    @property
    def id(self) -> bytes:
        return keccak(text=self.value)
