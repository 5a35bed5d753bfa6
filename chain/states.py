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
    OPINION_FORWARDED = 256  # 附件1 一(三): the centre's validation opinion issued and forwarded to the EEB
    EEB_REVIEWED = 512  # 附件1 一(四): the EEB's review passed; filing (备案签发) follows


class ReissueStage(enum.IntEnum):
    """A LOST_REPORTED coupon's stage in the reissue procedure (附件1 二); CouponLedger.reissue_stage."""

    NONE = 0
    REPORTED = 1  # 二(一) loss reported, notice running; the centre's formal review is next
    FORMAL_OK = 2  # 二(二) formal review passed; the review (field survey excluded) is next
    REVIEWED = 3  # 二(二) review passed; registration or refusal is next
    REGISTERED = 4  # 二(三) registered and forwarded to the EEB for filing
    FILED = 5  # 二(四) the EEB filed it; GOV reissues once the notice is over


class Action(enum.IntFlag):
    LIST = 1
    TRANSFER = 2
    PLEDGE = 4
    OFFSET = 8
    LOSS = 16
    REDEEM = 32  # 兑现 (§2): a sale to the district's designated acquirer


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
