# pragma version ~=0.4.3
# pragma nonreentrancy on
# pragma evm-version cancun
"""
@title The ledger of natural-ecosystem carbon coupons (自然生态系统碳券)
@notice Every coupon is one serial block [first, last] of an issuance, in
        integer kg CO2e, with one owner and one state. A coupon only moves
        through the transitions of DESIGN §4, each checked here by role, so
        one carbon cannot be sold, pledged or offset twice (§7 "一碳多卖").
        The ledger is wired from one module per concern (contracts/modules/):
        `coupons` holds the records, the mint and the one transition function
        every other module moves a coupon through; `consents` the owner's
        consent each department step consumes; `market` listing, trade,
        transfer and redemption (附件1 三, §2 兑现); `pledges` (§2); `reissues`
        the loss report and reissue procedure (§12, 附件1 二); `offsets` the
        offset certificate (§14, §15); `supervision` freezes and the joint
        voiding of an invalid coupon (§5, §6).
"""

from snekmate.auth import access_control
from .modules import roles
from .modules import coupons
from .modules import consents
from .modules import market
from .modules import pledges
from .modules import reissues
from .modules import offsets
from .modules import supervision
from .interfaces import IApplicationRegistry

initializes: access_control
initializes: roles[access_control := access_control]
initializes: coupons[access_control := access_control]
initializes: consents[coupons := coupons]
initializes: market[access_control := access_control, coupons := coupons, consents := consents]
initializes: pledges[access_control := access_control, coupons := coupons, consents := consents]
initializes: reissues[access_control := access_control, coupons := coupons, consents := consents]
initializes: offsets[access_control := access_control, coupons := coupons, consents := consents]
initializes: supervision[
    roles := roles, coupons := coupons, consents := consents, pledges := pledges, reissues := reissues
]

# Every module's whole interface; the roles module's is grant_role, revoke_role,
# department_of and the role ids (CENTER() …), so clients read the ids from the ABI.
# Vyper reads `pragma nonreentrancy` per file: each module with steps repeats it, so
# every step exported here takes the contract's one lock, as before the split.
exports: (
    access_control.hasRole,
    roles.__interface__,
    coupons.__interface__,
    consents.__interface__,
    market.__interface__,
    pledges.__interface__,
    reissues.__interface__,
    offsets.__interface__,
    supervision.__interface__,
)


@deploy
def __init__(application_registry: IApplicationRegistry, loss_notice: uint256):
    """
    @param application_registry The registry whose FILED applications GOV mints.
    @param loss_notice The public notice period after a loss report (§12), seconds.
    """
    access_control.__init__()
    roles.__init__()
    coupons.__init__(application_registry)
    reissues.__init__(loss_notice)
