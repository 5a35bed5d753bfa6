"""DESIGN §4 invariants under random operations.

A Hypothesis state machine runs random sequences of every ledger step, signed by the
right department or by anyone else, in the right state or not, against the real
contracts on eth-tester, and keeps a small Python model of the ledger. Every step must
revert exactly when the model says so, with the model's revert reason; after every step
the chain must equal the model and satisfy invariants 1-3 of DESIGN §4. A coupon voided
as invalid (注销) is not replaced: its block stays counted and in the partition, as a
retired one does. The records beside a coupon's state follow it: a frozen coupon
remembers the state it returns to, a lost one its reissue stage, an invalidated one why.

Each example runs from a snapshot of the session's deployment and reverts it on teardown.
Reads cost about half a transaction on eth-tester, so after each step only the coupons
and issuances the step changed are read back (a reverted transaction changes nothing);
the invariants are computed over the latest chain read of every coupon. Teardown reads
every coupon and issuance again with all their records.
"""

from __future__ import annotations

import sys
from functools import partial
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from eth_abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from chain import Action, ChainRevert, Coupon, CouponState, OffsetPurpose, Receipt, Registry, ReissueStage, Role
from chain.backends import EphemeralChain
from chain.states import LIVE_STATES
from ledger_checks import assert_ledger_invariants

ZERO_ADDRESS = "0x" + "00" * 20
MISSING_ROLE = "access_control: account is missing role"
MAX_ISSUANCES = 3  # per example: enough for cross-issuance mix-ups, few enough to stay fast
UNKNOWN_APPLICATION = 10**9
PERIOD_START = 1_640_966_400  # 2022-01-01 UTC+8
PERIOD_END = 1_704_038_400  # 2024-01-01 UTC+8
DOCUMENTS_HASH = keccak(text="documents")
REPORT_HASH = keccak(text="monitoring report")
DISCLOSURE_HASH = keccak(text="disclosure form")
NOTICE_END = 2**32  # a listing's notice end far ahead: the notice runs through every example
AGREEMENT_HASH = keccak(text="trade agreement")
REISSUE_FILING_NUMBER = "赫环碳补〔2026〕1号"
OPINION_HASH = keccak(text="validation opinion")
INVALID_REASONS = ("抽查发现宗地重复登记", "抽查发现监测数据造假", "")
INSPECTION_HASHES = (keccak(text="inspection record"), keccak(text="second inspection"), b"\x00" * 32)
MISSING_ITEMS = (["遗失声明登报原件"], [])

ACTIONS = (Action.LIST, Action.TRANSFER, Action.PLEDGE, Action.OFFSET, Action.LOSS, Action.REDEEM)
PURPOSES = (OffsetPurpose.ECO_COMPENSATION, OffsetPurpose.EVENT_NEUTRALITY, OffsetPurpose.GREEN_POINTS)
# Values that are not exactly one action or purpose: none, a combination, out of range.
NOT_ONE_ACTION = (0, Action.LIST | Action.TRANSFER, Action.OFFSET | Action.LOSS, 64)
NOT_ONE_PURPOSE = (0, OffsetPurpose.ECO_COMPENSATION | OffsetPurpose.EVENT_NEUTRALITY, 8)
WITH_COUNTERPARTY = Action.TRANSFER | Action.PLEDGE
WHOLE_ONLY = Action.LIST | Action.LOSS
SUPERVISORS = (Role.NRB, Role.FORESTRY, Role.EEB)
VOIDERS = (Role.NRB, Role.FORESTRY)
HOLDERS = ("holder", "buyer", "pledgee", "non_member")
NO_REQUEST = (0, ZERO_ADDRESS, 0)
NO_REISSUE = (ReissueStage.NONE, False, False)  # (stage, supplement required, survey paused) as reissue_of reads it
NO_VOIDING = (b"\x00" * 32, False, False)  # (digest, NRB signed, FORESTRY signed) as voiding_signatures reads it
LIVE = {state for state in CouponState if state in LIVE_STATES}

# Invariant 1 counts these, and coupons voided as invalid; invariant 2 partitions the blocks of all
# but SPLIT coupons and VOIDED ones replaced by a reissue.
COUNTED = {state for state in CouponState if state in LIVE_STATES | CouponState.RETIRED}
# What CouponCreated announces of a new coupon, as the model checks it.
ANNOUNCED = ("coupon", "issuance", "owner", "seq", "first_serial", "last_serial", "state", "parent")

# Invariant 3, "only the listed transitions exist" (DESIGN §4 table): from → allowed to.
TRANSITIONS = {
    # itself (a transfer), any other live state, retired, split, voided as invalid
    CouponState.ACTIVE: COUNTED | {CouponState.SPLIT, CouponState.VOIDED},
    CouponState.LISTED: {CouponState.ACTIVE, CouponState.SPLIT, CouponState.FROZEN, CouponState.VOIDED},
    CouponState.PLEDGED: {CouponState.ACTIVE, CouponState.FROZEN, CouponState.VOIDED},
    CouponState.FROZEN: (LIVE - {CouponState.FROZEN}) | {CouponState.VOIDED},  # back to where it was, or voided
    CouponState.LOST_REPORTED: {CouponState.ACTIVE, CouponState.FROZEN, CouponState.VOIDED},
    CouponState.RETIRED: set(),
    CouponState.SPLIT: set(),
    CouponState.VOIDED: set(),
}
# The owner changes only by transfer (ACTIVE), trade (LISTED) or pledge enforcement (PLEDGED).
OWNER_CHANGES_FROM = {CouponState.ACTIVE, CouponState.LISTED, CouponState.PLEDGED}

NOT_IN_STATE = {
    CouponState.ACTIVE: "ledger: coupon not active",
    CouponState.LISTED: "ledger: coupon not listed",
    CouponState.PLEDGED: "ledger: coupon not pledged",
    CouponState.FROZEN: "ledger: coupon not frozen",
    CouponState.LOST_REPORTED: "ledger: coupon not lost reported",
}
WRONG_STAGE = "ledger: wrong reissue stage"
# The reissue steps that keep a coupon LOST_REPORTED: the stages they act at (from, to) and their event.
REISSUE_STEPS = {
    "pass_reissue_formal_review": ((ReissueStage.REPORTED,) * 2, "ReissueFormalReviewPassed"),
    "require_reissue_supplement": ((ReissueStage.REPORTED,) * 2, "ReissueSupplementRequired"),
    "resubmit_reissue": ((ReissueStage.REPORTED,) * 2, "ReissueResubmitted"),
    "pause_reissue_survey": ((ReissueStage.FORMAL_OK,) * 2, "ReissueSurveyPaused"),
    "resume_reissue_survey": ((ReissueStage.FORMAL_OK,) * 2, "ReissueSurveyResumed"),
    "pass_reissue_review": ((ReissueStage.FORMAL_OK,) * 2, "ReissueReviewPassed"),
    "register_reissue": ((ReissueStage.REVIEWED,) * 2, "ReissueRegistered"),
    "file_reissue": ((ReissueStage.REGISTERED,) * 2, "ReissueFiled"),
}
# The steps that answer the centre's: the owner resubmits what it asked for, the centre resumes the
# survey it paused. (the centre's step, its arguments, the flag of reissue_of it sets)
SET_UP_BY = {
    "resubmit_reissue": ("require_reissue_supplement", (["遗失声明登报原件"],), 1),
    "resume_reissue_survey": ("pause_reissue_survey", (), 2),
}
# The procedure afterwards, (stage, supplement required, survey paused), from the one before.
REISSUE_AFTER = {
    "pass_reissue_formal_review": lambda r: (ReissueStage.FORMAL_OK, False, False),
    "require_reissue_supplement": lambda r: (r[0], True, r[2]),
    "resubmit_reissue": lambda r: (r[0], False, r[2]),
    "pause_reissue_survey": lambda r: (r[0], r[1], True),
    "resume_reissue_survey": lambda r: (r[0], r[1], False),
    "pass_reissue_review": lambda r: (ReissueStage.REVIEWED, False, False),
    "register_reissue": lambda r: (ReissueStage.REGISTERED, False, False),
    "file_reissue": lambda r: (ReissueStage.FILED, False, False),
}


@dataclass
class ModelCoupon:
    """What the chain must hold for one coupon: the record `Registry.coupon` reads, and the records beside it."""

    record: Coupon  # changed only through LedgerMachine._move, as the contract changes it only in `_move`
    request: tuple[int, str, int] = NO_REQUEST  # (action, counterparty, amount_kg) as request_of reads it
    pledgee: str = ZERO_ADDRESS
    frozen_from: int = 0  # the state a FROZEN coupon returns to, as frozen_from reads it
    loss_notice_end: int = 0
    reissue: tuple[int, bool, bool] = NO_REISSUE
    reissue_filing: str = ""
    replaced_by: int = 0
    voiding: tuple[bytes, bool, bool] = NO_VOIDING
    invalidation: tuple[str, bytes] = ("", b"\x00" * 32)  # (reason, inspection record) once voided as invalid

    @property
    def stage(self) -> int:
        return self.reissue[0]

    @property
    def invalidated(self) -> bool:
        return self.record.state == CouponState.VOIDED and not self.replaced_by

    def __getattr__(self, name: str):
        """The record's fields (owner, state, serial block …) read as the model's own."""
        if name == "record":  # not set yet (copying)
            raise AttributeError(name)
        return getattr(self.record, name)


@dataclass
class ModelIssuance:
    application: int
    amount_kg: int
    coupon_count: int = 0


@dataclass(frozen=True)
class World:
    """The session's chain and deployment, shared by every example through snapshots."""

    evm: EphemeralChain
    registry: Registry
    actors: object
    story: object
    loss_notice_seconds: int


def first_error(*checks: Callable[[], str | None]) -> str | None:
    """The first failing check's revert reason, in the contract's order of checks."""
    for check in checks:
        reason = check()
        if reason is not None:
            return reason
    return None


class LedgerMachine(RuleBasedStateMachine):
    """Random ledger steps by every role; the model predicts each outcome."""

    def __init__(self, world: World):
        super().__init__()
        self.evm = world.evm
        self.registry = world.registry
        self.story = world.story
        self.loss_notice_seconds = world.loss_notice_seconds
        actors = world.actors
        self.drc = actors.drc
        self.center_officer = actors.center_officer
        self.nrb_officer = actors.nrb_officer
        self.forestry_officer = actors.forestry_officer
        self.eeb_officer = actors.eeb_officer
        self.gov_officer = actors.gov_officer
        self.finance_officer = actors.finance_officer
        self.verifier = actors.verifier
        self.holders = [getattr(actors, name) for name in HOLDERS]
        self.everyone = [getattr(actors, name) for name in actors.__dataclass_fields__]
        self.name_of = {getattr(actors, name).address: name for name in actors.__dataclass_fields__}
        self.address_of = {name: address for address, name in self.name_of.items()} | {"zero address": ZERO_ADDRESS}
        self.account_of = {account.address: account for account in self.everyone}
        self.role_of = {actors.of(role).address: role for role in Role}

        self.snapshot = self.evm.snapshot()
        self.coupons: dict[int, ModelCoupon] = {}
        self.issuances: dict[int, ModelIssuance] = {}
        self.filed: dict[int, tuple[str, int]] = {}  # application → (applicant, attested kg), not yet minted
        self.minted: set[int] = set()
        self.next_coupon = self.registry.coupon_count() + 1
        self.next_issuance = self.registry.call("issuance_count") + 1
        # The last successful step's receipt, and the coupons the model created and moved since
        # it was sent: its CouponCreated and CouponMoved events must announce exactly those.
        self.receipt = None
        self.created: list[tuple] = []  # each created coupon's ANNOUNCED fields, as it was created
        self.moved: list[tuple[int, str, CouponState]] = []
        # Every coupon's (owner, state) as an indexer knows them: from CouponCreated and CouponMoved alone.
        self.from_events: dict[int, tuple[str, CouponState]] = {}
        # Chain reads: the latest of every coupon and issuance, and what changed since.
        self.seen: dict[int, Coupon] = {}
        self.seen_issuances: dict = {}
        self.touched: set[int] = set()
        self.touched_issuances: set[int] = set()
        self.touched_records: set[int] = set()  # the coupons whose freeze and reissue records to read back
        self.acquirer = ZERO_ADDRESS  # 兑现 (§2): the acquirer DRC designated, and its price
        self.redemption_price = 0

    def teardown(self):
        try:
            # Only when every step and check passed: a failing step has left the model
            # behind the chain, and a second error would hide the first.
            if sys.exc_info()[1] is None:
                self._check_every_record()
        finally:
            self.evm.revert(self.snapshot)

    # ------------------------------------------------------------ issuance

    @initialize(applicant=st.sampled_from(HOLDERS), amount_kg=st.integers(1, 10_000))
    def mint_first_issuance(self, applicant, amount_kg):
        application_id = self._file_application(self._holder(applicant), amount_kg)
        self._mint(self.gov_officer, application_id)

    @precondition(lambda self: len(self.issuances) + len(self.filed) < MAX_ISSUANCES)
    @rule(applicant=st.sampled_from(HOLDERS), amount_kg=st.integers(1, 10_000))
    def file_application(self, applicant, amount_kg):
        """Walk a new application to FILED (the application workflow has its own tests)."""
        self._file_application(self._holder(applicant), amount_kg)

    @precondition(lambda self: self.filed)
    @rule(data=st.data())
    def mint(self, data):
        if self._usually(data, "a filed application"):
            application_id = data.draw(st.sampled_from(sorted(self.filed)), label="application")
        else:
            choices = [*sorted(self.filed), *sorted(self.minted), UNKNOWN_APPLICATION]
            application_id = data.draw(st.sampled_from(choices), label="application")
        self._mint(self._signer(data, self.gov_officer), application_id)

    # ------------------------------------------------------------ owner consent

    @precondition(lambda self: self._any(CouponState.ACTIVE))
    @rule(data=st.data(), action=st.sampled_from((*ACTIONS, *ACTIONS, *NOT_ONE_ACTION)))
    def request(self, data, action):
        coupon_id = self._coupon(data, lambda c: c.state == CouponState.ACTIVE)
        coupon = self.coupons.get(coupon_id)
        owner = coupon.owner if coupon else ZERO_ADDRESS
        sender = self._signer(data, self.account_of.get(owner, self.holders[0]))
        amount_kg = self._amount(data, coupon.amount_kg if coupon else 1)
        counterparty = self._counterparty(data, action, owner)
        self._request(sender, coupon_id, action, counterparty, amount_kg)

    @precondition(lambda self: any(c.request != NO_REQUEST for c in self.coupons.values()))
    @rule(data=st.data())
    def cancel_request(self, data):
        coupon_id = self._coupon(data, lambda c: c.request != NO_REQUEST)
        coupon = self.coupons.get(coupon_id)
        sender = self._signer(data, self.account_of.get(coupon.owner, self.holders[0]) if coupon else self.holders[0])
        expect = first_error(
            lambda: None if coupon else "ledger: unknown coupon",
            lambda: None if coupon.owner == sender.address else "ledger: not owner",
            lambda: None if coupon.request != NO_REQUEST else "ledger: no owner request",
        )
        receipt = self._attempt(sender, "cancel_request", coupon_id, expect=expect)
        if receipt:
            self._take_request(coupon_id)
            assert receipt.event("RequestCancelled").args["coupon"] == coupon_id

    # ------------------------------------------------------------ market

    @precondition(lambda self: self._any(CouponState.ACTIVE))
    @rule(data=st.data())
    def list_coupon(self, data):
        coupon_id, receipt = self._consented_step(
            data, Action.LIST, "list_coupon", self.center_officer, 3_000, NOTICE_END, DISCLOSURE_HASH
        )
        if receipt:
            self._take_request(coupon_id)
            self._move(coupon_id, CouponState.LISTED)
            assert receipt.event("CouponListed").args["coupon"] == coupon_id

    @precondition(lambda self: self._any(CouponState.LISTED))
    @rule(data=st.data())
    def withdraw_listing(self, data):
        coupon_id, _, receipt = self._department_step(data, "withdraw_listing", CouponState.LISTED, self.center_officer)
        if receipt:
            self._move(coupon_id, CouponState.ACTIVE)
            assert receipt.event("ListingWithdrawn").args["coupon"] == coupon_id

    @precondition(lambda self: self._any(CouponState.LISTED))
    @rule(data=st.data())
    def settle_trade(self, data):
        coupon_id = self._coupon(data, lambda c: c.state == CouponState.LISTED)
        coupon = self.coupons.get(coupon_id)
        sender = self._signer(data, self.center_officer)
        seller = coupon.owner if coupon else ZERO_ADDRESS
        buyers = [h.address for h in self.holders if h.address != seller]
        if self._usually(data, "a valid buyer"):
            buyer = self._draw_address(data, buyers, "buyer")
        else:
            buyer = self._draw_address(data, [seller, ZERO_ADDRESS, *buyers], "buyer")
        amount_kg = self._amount(data, coupon.amount_kg if coupon else 1)
        expect = first_error(
            lambda: self._role_error(sender, Role.CENTER),
            lambda: self._state_error(coupon_id, CouponState.LISTED),
            lambda: None if buyer not in (ZERO_ADDRESS, seller) else "ledger: bad counterparty",
            lambda: self._split_error(coupon_id, amount_kg),
        )
        receipt = self._attempt(
            sender, "settle_trade", coupon_id, buyer, amount_kg, 3_000, 100, AGREEMENT_HASH, expect=expect
        )
        if receipt:
            sold = self._split_off(coupon_id, amount_kg)
            self._move(sold, CouponState.ACTIVE, owner=buyer)
            settled = receipt.event("TradeSettled").args
            assert (settled["coupon"], settled["seller"], settled["buyer"], settled["amount_kg"]) == (
                sold,
                seller,
                buyer,
                amount_kg,
            )

    @precondition(lambda self: self._any(CouponState.ACTIVE))
    @rule(data=st.data())
    def register_transfer(self, data):
        coupon_id, receipt = self._consented_step(data, Action.TRANSFER, "register_transfer", self.center_officer)
        if receipt:
            sender_address = self.coupons[coupon_id].owner
            receiver, amount_kg = self._take_request(coupon_id)
            moved = self._split_off(coupon_id, amount_kg)
            self._move(moved, CouponState.ACTIVE, owner=receiver)
            transferred = receipt.event("CouponTransferred").args
            assert (transferred["coupon"], transferred["sender"], transferred["receiver"]) == (
                moved,
                sender_address,
                receiver,
            )
            assert transferred["amount_kg"] == amount_kg

    @rule(data=st.data(), price=st.sampled_from((2_500, 0)))
    def set_redemption(self, data, price):
        """DRC designates a holder as the district's acquirer, at a published price (兑现, §2)."""
        sender = self._signer(data, self.drc)
        acquirer = self._draw_address(data, [h.address for h in self.holders] + [ZERO_ADDRESS], "acquirer")
        expect = first_error(
            lambda: self._role_error(sender, Role.DRC),
            lambda: None if acquirer != ZERO_ADDRESS else "ledger: bad counterparty",
            lambda: None if price > 0 else "ledger: zero price",
        )
        if self._attempt(sender, "set_redemption", acquirer, price, expect=expect):
            self.acquirer, self.redemption_price = acquirer, price

    def _acquirer_error(self, coupon_id: int) -> str | None:
        if self.acquirer == ZERO_ADDRESS:
            return "ledger: no designated acquirer"
        return None if self.acquirer != self.coupons[coupon_id].owner else "ledger: bad counterparty"

    @precondition(lambda self: self._any(CouponState.ACTIVE))
    @rule(data=st.data())
    def redeem(self, data):
        coupon_id, receipt = self._consented_step(data, Action.REDEEM, "redeem", self.center_officer, AGREEMENT_HASH,
                                                  checks=(self._acquirer_error,))
        if receipt:
            seller = self.coupons[coupon_id].owner
            _, amount_kg = self._take_request(coupon_id)
            redeemed = self._split_off(coupon_id, amount_kg)
            self._move(redeemed, CouponState.ACTIVE, owner=self.acquirer)
            sold = receipt.event("CouponRedeemed").args
            assert (sold["coupon"], sold["seller"], sold["acquirer"], sold["amount_kg"], sold["price_fen_per_tonne"]) == (
                redeemed, seller, self.acquirer, amount_kg, self.redemption_price)

    # ------------------------------------------------------------ pledge

    @precondition(lambda self: self._any(CouponState.ACTIVE))
    @rule(data=st.data())
    def register_pledge(self, data):
        coupon_id, receipt = self._consented_step(
            data, Action.PLEDGE, "register_pledge", self.finance_officer, 50_000_000, PERIOD_END
        )
        if receipt:
            pledgee, amount_kg = self._take_request(coupon_id)
            pledged = self._split_off(coupon_id, amount_kg)
            self._move(pledged, CouponState.PLEDGED)
            self.coupons[pledged].pledgee = pledgee
            event = receipt.event("CouponPledged").args
            assert (event["coupon"], event["pledgee"], event["amount_kg"]) == (pledged, pledgee, amount_kg)

    @precondition(lambda self: self._any(CouponState.PLEDGED))
    @rule(data=st.data(), by=st.sampled_from(("pledgee", "finance", "anyone")))
    def release_pledge(self, data, by):
        coupon_id = self._coupon(data, lambda c: c.state == CouponState.PLEDGED)
        coupon = self.coupons.get(coupon_id)
        pledgee = coupon.pledgee if coupon else ZERO_ADDRESS
        if by == "pledgee" and pledgee != ZERO_ADDRESS:
            sender = self.account_of[pledgee]
        elif by == "finance":
            sender = self.finance_officer
        else:
            sender = self.account_of[self._draw_address(data, list(self.account_of), "signer")]
        expect = first_error(
            lambda: None if sender.address == pledgee else self._role_error(sender, Role.FINANCE),
            lambda: self._state_error(coupon_id, CouponState.PLEDGED),
        )
        receipt = self._attempt(sender, "release_pledge", coupon_id, expect=expect)
        if receipt:
            coupon.pledgee = ZERO_ADDRESS
            self._move(coupon_id, CouponState.ACTIVE)
            released = receipt.event("PledgeReleased").args
            assert (released["coupon"], released["pledgee"]) == (coupon_id, pledgee)

    @precondition(lambda self: self._any(CouponState.PLEDGED))
    @rule(data=st.data())
    def enforce_pledge(self, data):
        coupon_id, _, receipt = self._department_step(data, "enforce_pledge", CouponState.PLEDGED, self.finance_officer)
        if receipt:
            coupon = self.coupons[coupon_id]
            enforced = receipt.event("PledgeEnforced").args
            assert (enforced["coupon"], enforced["owner"], enforced["pledgee"]) == (
                coupon_id,
                coupon.owner,
                coupon.pledgee,
            )
            pledgee, coupon.pledgee = coupon.pledgee, ZERO_ADDRESS
            self._move(coupon_id, CouponState.ACTIVE, owner=pledgee)

    # ------------------------------------------------------------ supervision

    @precondition(lambda self: any(c.state in LIVE for c in self.coupons.values()))
    @rule(data=st.data(), department=st.sampled_from(SUPERVISORS))
    def freeze(self, data, department):
        """From any live state but FROZEN; the unfreeze restores that state."""
        officer = self._officer(department)
        coupon_id = self._coupon(data, lambda c: c.state in LIVE and c.state != CouponState.FROZEN)
        coupon = self.coupons.get(coupon_id)
        sender = self._signer(data, officer, SUPERVISORS)
        expect = first_error(
            lambda: self._role_error(sender, *SUPERVISORS),
            lambda: self._live_error(coupon_id),
            lambda: None if coupon.state != CouponState.FROZEN else "ledger: coupon already frozen",
        )
        receipt = self._attempt(sender, "freeze", coupon_id, "抽查发现权属争议", expect=expect)
        if receipt:
            previous = coupon.state
            coupon.request = NO_REQUEST  # consent given before supervision lapses
            coupon.frozen_from = int(previous)
            self._move(coupon_id, CouponState.FROZEN)
            frozen = receipt.event("CouponFrozen").args
            assert (frozen["coupon"], frozen["department"], frozen["previous_state"]) == (
                coupon_id,
                self.role_of[sender.address].id,
                previous,
            )

    @precondition(lambda self: self._any(CouponState.FROZEN))
    @rule(data=st.data(), department=st.sampled_from(SUPERVISORS))
    def unfreeze(self, data, department):
        officer = self._officer(department)
        coupon_id, sender, receipt = self._department_step(
            data, "unfreeze", CouponState.FROZEN, officer, roles=SUPERVISORS
        )
        if receipt:
            coupon = self.coupons[coupon_id]
            restored, coupon.frozen_from = CouponState(coupon.frozen_from), 0
            self._move(coupon_id, restored)
            unfrozen = receipt.event("CouponUnfrozen").args
            assert (unfrozen["coupon"], unfrozen["department"]) == (coupon_id, self.role_of[sender.address].id)

    @precondition(lambda self: any(c.state in LIVE for c in self.coupons.values()))
    @rule(
        data=st.data(),
        department=st.sampled_from(VOIDERS),
        reason=st.sampled_from(INVALID_REASONS[:1] * 4 + INVALID_REASONS[1:]),
        inspection_hash=st.sampled_from(INSPECTION_HASHES[:1] * 4 + INSPECTION_HASHES[1:]),
    )
    def sign_voiding(self, data, department, reason, inspection_hash):
        """NRB and FORESTRY each sign the same finding, in either order; the second signature voids."""
        coupon_id = self._coupon(data, lambda c: c.state in LIVE)
        coupon = self.coupons.get(coupon_id)
        sender = self._signer(data, self._officer(department), VOIDERS)
        role = self.role_of.get(sender.address)
        digest = keccak(abi_encode(["string", "bytes32"], [reason, inspection_hash]))
        signatures = NO_VOIDING
        if coupon is not None:
            signatures = coupon.voiding if coupon.voiding[0] == digest else (digest, False, False)
        expect = first_error(
            lambda: self._role_error(sender, *VOIDERS),
            lambda: self._live_error(coupon_id),
            lambda: None if reason else "ledger: empty reason",
            lambda: None if inspection_hash != b"\x00" * 32 else "ledger: empty inspection record",
            lambda: None if not signatures[1 if role == Role.NRB else 2] else "ledger: already signed",
        )
        receipt = self._attempt(sender, "sign_voiding", coupon_id, reason, inspection_hash, expect=expect)
        if receipt is None:
            return
        nrb, forestry = signatures[1] or role == Role.NRB, signatures[2] or role == Role.FORESTRY
        signed = receipt.event("VoidingSigned").args
        assert (signed["coupon"], signed["department"], signed["reason"], signed["inspection_hash"]) == (
            coupon_id,
            role.id,
            reason,
            inspection_hash,
        )
        if not (nrb and forestry):
            coupon.voiding = (digest, nrb, forestry)
            assert receipt.named("CouponInvalidated") == []
            return
        coupon.voiding = NO_VOIDING
        coupon.request, coupon.pledgee, coupon.frozen_from = NO_REQUEST, ZERO_ADDRESS, 0
        self._end_loss(coupon)
        coupon.invalidation = (reason, inspection_hash)
        self._move(coupon_id, CouponState.VOIDED)
        invalidated = receipt.event("CouponInvalidated").args
        assert (invalidated["coupon"], invalidated["reason"], invalidated["inspection_hash"]) == (
            coupon_id,
            reason,
            inspection_hash,
        )

    # ------------------------------------------------------------ loss and reissue (附件1 二)

    @precondition(lambda self: self._any(CouponState.ACTIVE))
    @rule(data=st.data())
    def report_loss(self, data):
        coupon_id, receipt = self._consented_step(data, Action.LOSS, "report_loss", self.center_officer)
        if receipt:
            notice_end = self._block_timestamp(receipt) + self.loss_notice_seconds
            self._take_request(coupon_id)
            self._move(coupon_id, CouponState.LOST_REPORTED)
            self.coupons[coupon_id].loss_notice_end = notice_end
            self.coupons[coupon_id].reissue = (ReissueStage.REPORTED, False, False)
            reported = receipt.event("LossReported").args
            assert (reported["coupon"], reported["notice_end"]) == (coupon_id, notice_end)

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data())
    def withdraw_loss(self, data):
        coupon_id = self._lost_coupon(data)
        coupon_id, _, receipt = self._department_step(
            data,
            "withdraw_loss",
            CouponState.LOST_REPORTED,
            self.center_officer,
            coupon_id=coupon_id,
            checks=(lambda: self._stage_error(coupon_id, ReissueStage.REPORTED, ReissueStage.REGISTERED),),
        )
        if receipt:
            self._end_loss(self.coupons[coupon_id])
            self._move(coupon_id, CouponState.ACTIVE)
            assert receipt.event("LossWithdrawn").args["coupon"] == coupon_id

    # One rule per step, each acting at its stage (附件1 二(二)-(四)); `_reissue_step` holds their checks.

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data())
    def pass_reissue_formal_review(self, data):
        self._reissue_step(data, "pass_reissue_formal_review")

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data())
    def require_reissue_supplement(self, data):
        self._reissue_step(data, "require_reissue_supplement")

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data())
    def resubmit_reissue(self, data):
        self._reissue_step(data, "resubmit_reissue")

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data())
    def pause_reissue_survey(self, data):
        self._reissue_step(data, "pause_reissue_survey")

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data())
    def resume_reissue_survey(self, data):
        self._reissue_step(data, "resume_reissue_survey")

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data())
    def pass_reissue_review(self, data):
        self._reissue_step(data, "pass_reissue_review")

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data())
    def register_reissue(self, data):
        self._reissue_step(data, "register_reissue")

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data())
    def file_reissue(self, data):
        self._reissue_step(data, "file_reissue")

    def _reissue_step(self, data, step: str):
        """A step of the centre's (or the owner's, or the EEB's) in the reissue procedure that keeps
        the coupon LOST_REPORTED: it acts at its stage, after its own checks."""
        stages, event = REISSUE_STEPS[step]
        coupon_id = self._lost_coupon(data, stages[0])
        coupon = self.coupons.get(coupon_id)
        lost = coupon is not None and coupon.state == CouponState.LOST_REPORTED
        if lost and coupon.stage < stages[0] and self._usually(data, "walk on to the step's stage"):
            self._walk_reissue(coupon_id, stages[0])
        if lost and coupon.stage == stages[0] and step in SET_UP_BY and not coupon.reissue[SET_UP_BY[step][2]]:
            if self._usually(data, "the centre's step this one answers first"):
                function, args, _ = SET_UP_BY[step]
                receipt = self._attempt(self.center_officer, function, coupon_id, *args, expect=None)
                self._take_reissue_step(receipt, coupon_id, function, *args)
        args, checks = (), []
        if step == "require_reissue_supplement":
            args = (data.draw(st.sampled_from(MISSING_ITEMS[:1] * 3 + MISSING_ITEMS[1:]), label="missing items"),)
            checks = [
                lambda: None if args[0] else "ledger: no missing items",
                lambda: None if not coupon.reissue[1] else "ledger: supplement already required",
            ]
        elif step == "pass_reissue_formal_review":
            checks = [lambda: None if not coupon.reissue[1] else "ledger: supplement pending"]
        elif step == "pause_reissue_survey":
            checks = [lambda: None if not coupon.reissue[2] else "ledger: survey already paused"]
        elif step == "resume_reissue_survey":
            checks = [lambda: None if coupon.reissue[2] else "ledger: survey not paused"]
        elif step == "pass_reissue_review":
            checks = [lambda: None if not coupon.reissue[2] else "ledger: field survey in progress"]
        elif step == "file_reissue":
            args = (data.draw(st.sampled_from((REISSUE_FILING_NUMBER,) * 3 + ("",)), label="filing number"),)
            checks = [lambda: None if args[0] else "ledger: empty filing number"]
        if step == "resubmit_reissue":  # the owner's: no role, the owner's coupon
            owner = self.account_of.get(coupon.owner, self.holders[0]) if coupon else self.holders[0]
            sender = self._signer(data, owner)
            expect = first_error(
                lambda: self._state_error(coupon_id, CouponState.LOST_REPORTED),
                lambda: self._stage_error(coupon_id, *stages),
                lambda: None if coupon.owner == sender.address else "ledger: not owner",
                lambda: None if coupon.reissue[1] else "ledger: no supplement required",
            )
            receipt = self._attempt(sender, step, coupon_id, expect=expect)
        else:
            officer = self.eeb_officer if step == "file_reissue" else self.center_officer
            coupon_id, _, receipt = self._department_step(
                data,
                step,
                CouponState.LOST_REPORTED,
                officer,
                *args,
                coupon_id=coupon_id,
                checks=(lambda: self._stage_error(coupon_id, *stages), *checks),
            )
        if receipt:
            self._take_reissue_step(receipt, coupon_id, step, *args)
            assert receipt.event(event).args["coupon"] == coupon_id

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data(), reason=st.sampled_from(("原持有人提出异议",) * 3 + ("",)))
    def refuse_reissue(self, data, reason):
        coupon_id = self._lost_coupon(data, ReissueStage.REVIEWED)
        coupon_id, _, receipt = self._department_step(
            data,
            "refuse_reissue",
            CouponState.LOST_REPORTED,
            self.center_officer,
            reason,
            coupon_id=coupon_id,
            checks=(
                lambda: self._stage_error(coupon_id, ReissueStage.FORMAL_OK, ReissueStage.REVIEWED),
                lambda: None if reason else "ledger: empty reason",
            ),
        )
        if receipt:
            self._end_loss(self.coupons[coupon_id])
            self._move(coupon_id, CouponState.ACTIVE)
            refused = receipt.event("ReissueRefused").args
            assert (refused["coupon"], refused["reason"]) == (coupon_id, reason)

    @precondition(lambda self: self._any(CouponState.LOST_REPORTED))
    @rule(data=st.data())
    def reissue(self, data):
        coupon_id = self._lost_coupon(data, ReissueStage.FILED)
        coupon = self.coupons.get(coupon_id)
        sender = self._signer(data, self.gov_officer)
        lost = coupon is not None and coupon.state == CouponState.LOST_REPORTED
        if lost and data.draw(st.booleans(), label="walk the procedure and wait out the notice first"):
            # Reach the reissue often: the centre, the owner and the EEB take every step, then the
            # notice period runs out.
            self._walk_reissue(coupon_id)
            # The boundary itself first: the contract allows the reissue from notice_end on.
            overrun = data.draw(st.sampled_from((0, -1, 1, 86_400)), label="seconds past the notice end")
            self._travel_to(coupon.loss_notice_end + overrun)
        expect = first_error(
            lambda: self._role_error(sender, Role.GOV),
            lambda: self._state_error(coupon_id, CouponState.LOST_REPORTED),
            lambda: None if coupon.stage == ReissueStage.FILED else "ledger: reissue not filed",
            lambda: None
            if self._next_block_timestamp() >= coupon.loss_notice_end
            else "ledger: notice period not over",
        )
        receipt = self._attempt(sender, "reissue", coupon_id, expect=expect)
        if receipt:
            coupon.reissue = NO_REISSUE  # the notice end and filing number stay: the replacement shows them
            self._move(coupon_id, CouponState.VOIDED)
            new_id = self._create(
                coupon.issuance, coupon.first_serial, coupon.last_serial, coupon.owner, CouponState.ACTIVE, 0
            )
            coupon.replaced_by = new_id
            voided = receipt.event("CouponVoided").args
            assert (voided["coupon"], voided["replaced_by"]) == (coupon_id, new_id)
            assert receipt.event("CouponCreated").args["replaces"] == coupon_id

    @rule(data=st.data())
    def time_travel(self, data):
        lost = sorted(i for i, c in self.coupons.items() if c.state == CouponState.LOST_REPORTED)
        if lost and data.draw(st.booleans(), label="to a notice end"):
            coupon = self.coupons[data.draw(st.sampled_from(lost), label="coupon")]
            # Around the boundary: the next block lands exactly on the travel target.
            offset = data.draw(st.sampled_from((-1, 0, 1, -3_600, 86_400)), label="offset")
            self._travel_to(coupon.loss_notice_end + offset)
        else:
            self._travel_to(self._next_block_timestamp() + data.draw(st.integers(1, 40 * 86_400), label="seconds"))

    # ------------------------------------------------------------ offset

    @precondition(lambda self: self._any(CouponState.ACTIVE))
    @rule(data=st.data())
    def retire(self, data):
        purpose = data.draw(st.sampled_from((*PURPOSES, *PURPOSES, *PURPOSES, *NOT_ONE_PURPOSE)), label="purpose")
        beneficiary = "赫山马拉松组委会" if self._usually(data, "a beneficiary") else ""
        coupon_id, receipt = self._consented_step(
            data,
            Action.OFFSET,
            "retire",
            self.eeb_officer,
            int(purpose),
            beneficiary,
            "HS-2026-EV-01",
            checks=(
                lambda _: None if purpose in PURPOSES else "ledger: unknown purpose",
                lambda _: None if beneficiary else "ledger: empty beneficiary",
            ),
        )
        if receipt:
            _, amount_kg = self._take_request(coupon_id)
            retired = self._split_off(coupon_id, amount_kg)
            self._move(retired, CouponState.RETIRED)
            event = receipt.event("CouponRetired").args
            model = self.coupons[retired]
            assert (event["coupon"], event["amount_kg"], event["first_serial"], event["last_serial"]) == (
                retired,
                amount_kg,
                model.first_serial,
                model.last_serial,
            )
            assert (event["purpose"], event["beneficiary"]) == (purpose, beneficiary)

    # ------------------------------------------------------------ invariants (DESIGN §4)

    @invariant()
    def events_announce_each_creation_and_move(self):
        """Every change of owner or state is readable from events alone (CouponCreated, CouponMoved)."""
        self._check_events()

    @invariant()
    def chain_equals_model_and_each_coupon_has_one_state_and_owner(self):
        """Invariant 3: one state (one flag bit), one owner, only the listed transitions."""
        self._read_touched()

    @invariant()
    def each_issuance_is_conserved(self):
        """Invariant 1: live, retired and invalidated coupons add up to the issued amount."""
        self._read_touched()
        self._check_conservation(self.seen, self.seen_issuances)

    @invariant()
    def serial_blocks_partition_each_issuance(self):
        """Invariant 2: coupons neither SPLIT nor replaced by a reissue tile [1, issued] exactly."""
        self._read_touched()
        self._check_partition(self.seen, self.seen_issuances)

    @invariant()
    def records_beside_the_state_follow_it(self):
        """A coupon remembers the state to unfreeze to exactly while FROZEN; it has a reissue
        stage exactly while LOST_REPORTED (or frozen in it), with a supplement outstanding
        only at REPORTED and a survey only at FORMAL_OK; a finding exactly when voided as
        invalid; and the chain agrees for the coupons the last step touched."""
        for coupon_id, coupon in self.coupons.items():
            frozen = coupon.state == CouponState.FROZEN
            assert bool(coupon.frozen_from) == frozen, f"coupon {coupon_id}: frozen_from {coupon.frozen_from}"
            lost = coupon.state == CouponState.LOST_REPORTED or (
                frozen and coupon.frozen_from == CouponState.LOST_REPORTED
            )
            stage, supplement, paused = coupon.reissue
            assert (stage != ReissueStage.NONE) == lost, f"coupon {coupon_id}: stage {stage} in {coupon.state.name}"
            assert not supplement or stage == ReissueStage.REPORTED
            assert not paused or stage == ReissueStage.FORMAL_OK
            assert bool(coupon.invalidation[0]) == coupon.invalidated
            assert not coupon.invalidated or coupon.voiding == NO_VOIDING
        for coupon_id in sorted(self.touched_records):
            self._check_records(coupon_id)
        self.touched_records.clear()

    def _read_touched(self):
        for coupon_id in sorted(self.touched):
            self._check_coupon(coupon_id, self.registry.coupon(coupon_id))
        for issuance_id in sorted(self.touched_issuances):
            on_chain = self.registry.issuance(issuance_id)
            model = self.issuances[issuance_id]
            assert (on_chain.application, on_chain.amount_kg, on_chain.coupon_count) == (
                model.application,
                model.amount_kg,
                model.coupon_count,
            ), f"issuance {issuance_id}: chain {on_chain} != model {model}"
            self.seen_issuances[issuance_id] = on_chain
        self.touched.clear()
        self.touched_issuances.clear()

    def _check_coupon(self, coupon_id: int, on_chain: Coupon):
        state = int(on_chain.state)
        assert state != 0 and state & (state - 1) == 0, f"coupon {coupon_id} has state bits {state:#010b}"
        assert on_chain.owner != ZERO_ADDRESS, f"coupon {coupon_id} has no owner"
        model = self.coupons[coupon_id]
        assert on_chain == model.record, f"coupon {coupon_id}: chain {on_chain} != model {model}"
        assert self.from_events[coupon_id] == (on_chain.owner, on_chain.state), (
            f"coupon {coupon_id}: events say {self.from_events[coupon_id]}, the chain {on_chain}"
        )
        before = self.seen.get(coupon_id)
        if before is not None:
            assert on_chain.state in TRANSITIONS[before.state] or on_chain.state == before.state, (
                f"coupon {coupon_id}: {before.state.name} → {on_chain.state.name} is not a DESIGN §4 transition"
            )
            if on_chain.owner != before.owner:
                assert before.state in OWNER_CHANGES_FROM and on_chain.state == CouponState.ACTIVE, (
                    f"coupon {coupon_id} changed owner going {before.state.name} → {on_chain.state.name}"
                )
        self.seen[coupon_id] = on_chain

    def _accounted(self, coupon: Coupon) -> bool:
        """Whether a coupon (as read from the chain) holds its block: live, retired or voided as invalid."""
        return coupon.state in COUNTED or (
            coupon.state == CouponState.VOIDED and not self.coupons[coupon.id].replaced_by
        )

    def _check_conservation(self, coupons: dict[int, Coupon], issuances: dict):
        for issuance_id, issuance in issuances.items():
            held = sum(c.amount_kg for c in coupons.values() if c.issuance == issuance_id and self._accounted(c))
            assert held == issuance.amount_kg, f"issuance {issuance_id}: coupons hold {held} kg of {issuance.amount_kg}"

    def _check_partition(self, coupons: dict[int, Coupon], issuances: dict):
        for issuance_id, issuance in issuances.items():
            blocks = sorted(
                (c.first_serial, c.last_serial, c.id)
                for c in coupons.values()
                if c.issuance == issuance_id and self._accounted(c)
            )
            next_serial = 1
            for first, last, coupon_id in blocks:
                assert first == next_serial, (
                    f"issuance {issuance_id}: coupon {coupon_id} starts at {first}, expected {next_serial}"
                    f" ({'overlap' if first < next_serial else 'gap'})"
                )
                assert first <= last, f"coupon {coupon_id} has the empty block [{first}, {last}]"
                next_serial = last + 1
            assert next_serial == issuance.amount_kg + 1, (
                f"issuance {issuance_id}: blocks cover [1, {next_serial - 1}] of [1, {issuance.amount_kg}]"
            )

    def _check_every_record(self):
        """Teardown: every coupon and issuance, and every record beside them, against the model."""
        self._check_events()
        assert self.registry.coupon_count() == self.next_coupon - 1
        assert self.registry.call("issuance_count") == self.next_issuance - 1
        assert (self.registry.call("acquirer"), self.registry.call("redemption_price_fen")) == (
            self.acquirer, self.redemption_price)
        self.touched = set(self.coupons)
        self.touched_issuances = set(self.issuances)
        self._read_touched()
        for coupon_id, model in sorted(self.coupons.items()):
            request = self.registry.request_of(coupon_id)
            assert (int(request.action), request.counterparty, request.amount_kg) == model.request, (
                f"coupon {coupon_id}: request {request} != model {model.request}"
            )
            records = (
                self.registry.call("pledgee_of", coupon_id),
                self.registry.call("loss_notice_end", coupon_id),
                self.registry.call("reissue_filing", coupon_id),
                self.registry.call("replaced_by", coupon_id),
            )
            assert records == (model.pledgee, model.loss_notice_end, model.reissue_filing, model.replaced_by), (
                f"coupon {coupon_id}: pledgee, notice end, filing, replacement {records} != model {model}"
            )
            self._check_records(coupon_id)
            signatures = self.registry.voiding_signatures(coupon_id)
            assert (signatures.digest, signatures.nrb_signed, signatures.forestry_signed) == model.voiding
            invalidation = (self.registry.call("invalid_reason", coupon_id), self.registry.call("inspection_record", coupon_id))
            assert invalidation == model.invalidation, f"coupon {coupon_id}: {invalidation} != model {model.invalidation}"
        assert_ledger_invariants(self.registry)  # the suite's shared check, on fresh reads

    def _check_records(self, coupon_id: int):
        """The chain's freeze and reissue records of one coupon equal the model's."""
        model = self.coupons[coupon_id]
        reissue = self.registry.reissue_of(coupon_id)
        on_chain = (
            int(self.registry.call("frozen_from", coupon_id)),
            (reissue.stage, reissue.supplement_required, reissue.survey_paused),
        )
        assert on_chain == (model.frozen_from, model.reissue), f"coupon {coupon_id}: {on_chain} != model {model}"

    # ------------------------------------------------------------ steps

    def _attempt(self, sender: LocalAccount, function: str, *args, expect: str | None):
        """Send one step; it must revert exactly when, and with the reason, the model says."""
        self._check_events()  # the previous step's, now that the model has followed it
        self.created, self.moved = [], []
        step = f"{function}{args} signed by {self.name_of[sender.address]}"
        try:
            receipt = self.registry.send(sender, function, *args)
        except ChainRevert as revert:
            assert expect is not None, f"{step} reverted {revert.reason!r}; the model expected success"
            assert revert.reason == expect, f"{step} reverted {revert.reason!r}; the model expected {expect!r}"
            return None
        assert expect is None, f"{step} succeeded; the model expected the revert {expect!r}"
        if args and args[0] in self.coupons:
            self.touched.add(args[0])
            self.touched_records.add(args[0])
        self.receipt = receipt
        for event in receipt.events:
            if event.name in ("CouponCreated", "CouponMoved"):
                self.from_events[event.args["coupon"]] = (event.args["owner"], CouponState(event.args["state"]))
        return receipt

    def _file_application(self, applicant: LocalAccount, amount_kg: int) -> int:
        send = self.story.send
        parcels = [self.story.fresh_parcel()]
        submitted = send(applicant, "submit", parcels, PERIOD_START, PERIOD_END, amount_kg, DOCUMENTS_HASH, REPORT_HASH,
                         DOCUMENTS_HASH)
        application_id = submitted.event("ApplicationSubmitted").args["application"]
        send(self.center_officer, "pass_formal_review", application_id)
        send(self.center_officer, "pass_preliminary_review", application_id)
        send(self.verifier, "attest_report", application_id, REPORT_HASH, amount_kg)
        send(self.nrb_officer, "sign_validation", application_id)
        send(self.forestry_officer, "sign_validation", application_id)
        send(self.center_officer, "issue_validation_opinion", application_id, OPINION_HASH)
        send(self.eeb_officer, "pass_eeb_review", application_id)
        filed = send(self.eeb_officer, "file", application_id, f"赫环碳备〔2026〕{application_id}号")
        assert filed.event("ApplicationFiled").args["application"] == application_id
        self.filed[application_id] = (applicant.address, amount_kg)
        return application_id

    def _mint(self, sender: LocalAccount, application_id: int):
        expect = first_error(
            lambda: self._role_error(sender, Role.GOV),
            lambda: None
            if application_id in self.filed
            else "applications: wrong status"
            if application_id in self.minted
            else "applications: unknown application",
        )
        receipt = self._attempt(sender, "mint", application_id, expect=expect)
        if receipt is None:
            return
        applicant, amount_kg = self.filed.pop(application_id)
        self.minted.add(application_id)
        issuance_id = self.next_issuance
        self.next_issuance += 1
        self.issuances[issuance_id] = ModelIssuance(application_id, amount_kg)
        self._create(issuance_id, 1, amount_kg, applicant, CouponState.ACTIVE, 0)
        created = receipt.event("IssuanceCreated").args
        assert (created["issuance"], created["application"], created["amount_kg"]) == (
            issuance_id,
            application_id,
            amount_kg,
        )
        assert receipt.event("ApplicationIssued").args["application"] == application_id

    def _request(self, sender: LocalAccount, coupon_id: int, action: int, counterparty: str, amount_kg: int):
        coupon = self.coupons.get(coupon_id)
        expect = first_error(
            lambda: self._state_error(coupon_id, CouponState.ACTIVE),
            lambda: None if coupon.owner == sender.address else "ledger: not owner",
            lambda: None if action in ACTIONS else "ledger: unknown action",
            lambda: None if amount_kg > 0 else "ledger: zero amount",
            lambda: None if amount_kg <= coupon.amount_kg else "ledger: amount exceeds coupon",
            lambda: self._counterparty_error(action, counterparty, sender),
            lambda: None if not action & WHOLE_ONLY or amount_kg == coupon.amount_kg else "ledger: whole coupon only",
        )
        receipt = self._attempt(sender, "request", coupon_id, int(action), counterparty, amount_kg, expect=expect)
        if receipt:
            coupon.request = (int(action), counterparty, amount_kg)
            made = receipt.event("RequestMade").args
            assert (made["coupon"], made["owner"], made["action"], made["counterparty"], made["amount_kg"]) == (
                coupon_id,
                sender.address,
                int(action),
                counterparty,
                amount_kg,
            )

    def _department_step(
        self, data, function: str, state: CouponState, officer: LocalAccount, *args, roles=(), checks=(),
        coupon_id: int | None = None,
    ) -> tuple[int, LocalAccount, Receipt | None]:
        """Sends `function(coupon, *args)`, a step of `officer`'s department (or of any of `roles`)
        that checks its role, the coupon's state and then its own `checks`, on `coupon_id` or
        usually on a coupon in `state`. Returns the coupon, the signer, and the receipt (None: it
        reverted as the model said)."""
        roles = roles or (self.role_of[officer.address],)
        if coupon_id is None:
            coupon_id = self._coupon(data, lambda c: c.state == state)
        sender = self._signer(data, officer, roles)
        expect = first_error(
            lambda: self._role_error(sender, *roles), lambda: self._state_error(coupon_id, state), *checks
        )
        return coupon_id, sender, self._attempt(sender, function, coupon_id, *args, expect=expect)

    def _consented_step(
        self, data, action: Action, function: str, officer: LocalAccount, *args, checks=()
    ) -> tuple[int, Receipt | None]:
        """Sends `function(coupon, *args)`, `officer`'s step that consumes the owner's consent to
        `action` on an ACTIVE coupon after its own `checks` (each given the coupon). Returns the coupon and
        the receipt."""
        coupon_id = self._coupon_for(data, action)
        sender = self._signer(data, officer)
        self._consent(data, coupon_id, action)
        expect = first_error(
            lambda: self._role_error(sender, self.role_of[officer.address]),
            lambda: self._state_error(coupon_id, CouponState.ACTIVE),
            *(partial(check, coupon_id) for check in checks),
            lambda: self._request_error(coupon_id, action),
        )
        return coupon_id, self._attempt(sender, function, coupon_id, *args, expect=expect)

    def _consent(self, data, coupon_id: int, action: Action):
        """Sometimes the owner consents within the step, so the department steps are reached often."""
        coupon = self.coupons.get(coupon_id)
        if coupon is None or coupon.state != CouponState.ACTIVE or coupon.request[0] == action:
            return
        if not self._usually(data, "the owner consents first"):
            return
        amount_kg = coupon.amount_kg
        if not action & WHOLE_ONLY and data.draw(st.booleans(), label="part of the coupon"):
            amount_kg = data.draw(st.integers(1, coupon.amount_kg), label="amount_kg")
        counterparty = ZERO_ADDRESS
        if action & WITH_COUNTERPARTY:
            others = [h.address for h in self.holders if h.address != coupon.owner]
            counterparty = self._draw_address(data, others, "counterparty")
        self._request(self.account_of[coupon.owner], coupon_id, action, counterparty, amount_kg)

    def _take_reissue_step(self, receipt, coupon_id: int, step: str, *args):
        """The model follows a reissue step that succeeded."""
        coupon = self.coupons[coupon_id]
        coupon.reissue = REISSUE_AFTER[step](coupon.reissue)
        if step == "file_reissue":
            coupon.reissue_filing = args[0]
            assert receipt.event("ReissueFiled").args["filing_number"] == args[0]
        elif step == "require_reissue_supplement":
            assert receipt.event("ReissueSupplementRequired").args["missing_items"] == args[0]

    def _walk_reissue(self, coupon_id: int, to: ReissueStage = ReissueStage.FILED):
        """Every step of the reissue procedure still to take up to stage `to` (the EEB's filing),
        each by its signer."""
        coupon = self.coupons[coupon_id]
        while coupon.stage != to:
            stage, supplement, paused = coupon.reissue
            if supplement:
                step, sender, args = "resubmit_reissue", self.account_of[coupon.owner], ()
            elif paused:
                step, sender, args = "resume_reissue_survey", self.center_officer, ()
            elif stage == ReissueStage.REGISTERED:
                step, sender, args = "file_reissue", self.eeb_officer, (REISSUE_FILING_NUMBER,)
            else:
                step = {
                    ReissueStage.REPORTED: "pass_reissue_formal_review",
                    ReissueStage.FORMAL_OK: "pass_reissue_review",
                    ReissueStage.REVIEWED: "register_reissue",
                }[stage]
                sender, args = self.center_officer, ()
            receipt = self._attempt(sender, step, coupon_id, *args, expect=None)
            self._take_reissue_step(receipt, coupon_id, step, *args)

    @staticmethod
    def _end_loss(coupon: ModelCoupon):
        """The contract's `_end_loss`: a loss report ends without a reissue."""
        coupon.loss_notice_end, coupon.reissue_filing, coupon.reissue = 0, "", NO_REISSUE

    def _travel_to(self, timestamp: int):
        """Move chain time forward (never back) so that the next block lands at `timestamp`."""
        now = self._next_block_timestamp()
        if timestamp > now:
            self.evm.time_travel(timestamp)
            assert self._next_block_timestamp() >= timestamp

    def _block_timestamp(self, receipt) -> int:
        return self.registry.chain.w3.eth.get_block(receipt.block_number)["timestamp"]

    def _next_block_timestamp(self) -> int:
        return self.evm.tester.get_block_by_number("pending")["timestamp"]

    # ------------------------------------------------------------ model

    def _create(self, issuance_id: int, first: int, last: int, owner: str, state: CouponState, parent: int) -> int:
        coupon_id = self.next_coupon
        self.next_coupon += 1
        issuance = self.issuances[issuance_id]
        issuance.coupon_count += 1
        amount_kg = last - first + 1
        self.coupons[coupon_id] = ModelCoupon(
            Coupon(coupon_id, owner, state, issuance_id, issuance.coupon_count, first, last, amount_kg, parent)
        )
        self.created.append((coupon_id, issuance_id, owner, issuance.coupon_count, first, last, state, parent))
        self.touched.add(coupon_id)
        self.touched_issuances.add(issuance_id)
        return coupon_id

    def _split_off(self, coupon_id: int, amount_kg: int) -> int:
        """The contract's `_split_off`: the coupon itself when whole, else the first of two children."""
        coupon = self.coupons[coupon_id]
        if amount_kg == coupon.amount_kg:
            return coupon_id
        cut = coupon.first_serial + amount_kg
        part = self._create(coupon.issuance, coupon.first_serial, cut - 1, coupon.owner, coupon.state, coupon_id)
        self._create(coupon.issuance, cut, coupon.last_serial, coupon.owner, coupon.state, coupon_id)
        self._move(coupon_id, CouponState.SPLIT)
        return part

    def _move(self, coupon_id: int, state: CouponState, *, owner: str | None = None) -> None:
        """The contract's `_move`: the one place an owner or state changes, announced by CouponMoved."""
        model = self.coupons[coupon_id]
        model.record = replace(model.record, owner=owner or model.owner, state=state)
        self.moved.append((coupon_id, model.owner, state))

    def _take_request(self, coupon_id: int) -> tuple[str, int]:
        """The contract's `_take_request`: the consent is used up; its counterparty and amount."""
        model = self.coupons[coupon_id]
        (_, counterparty, amount_kg), model.request = model.request, NO_REQUEST
        return counterparty, amount_kg

    def _check_events(self):
        """The last step's CouponCreated and CouponMoved events announce exactly the coupons the
        model created (with their blocks, owners and states) and moved, in order."""
        receipt, self.receipt = self.receipt, None
        if receipt is None:
            return
        created = [tuple(e.args[field] for field in ANNOUNCED) for e in receipt.named("CouponCreated")]
        assert created == self.created, f"CouponCreated {created} != model {self.created}"
        moved = [(e.args["coupon"], e.args["owner"], e.args["state"]) for e in receipt.named("CouponMoved")]
        assert moved == self.moved, f"CouponMoved {moved} != model {self.moved}"

    def _role_error(self, sender: LocalAccount, *roles: Role) -> str | None:
        return None if self.role_of.get(sender.address) in roles else MISSING_ROLE

    def _state_error(self, coupon_id: int, expected: CouponState) -> str | None:
        coupon = self.coupons.get(coupon_id)
        if coupon is None:
            return "ledger: unknown coupon"
        return None if coupon.state == expected else NOT_IN_STATE[expected]

    def _live_error(self, coupon_id: int) -> str | None:
        coupon = self.coupons.get(coupon_id)
        if coupon is None:
            return "ledger: unknown coupon"
        return None if coupon.state in LIVE else "ledger: coupon not live"

    def _stage_error(self, coupon_id: int, earliest: ReissueStage, latest: ReissueStage) -> str | None:
        """A LOST_REPORTED coupon's reissue is not at a stage the step acts at."""
        return None if earliest <= self.coupons[coupon_id].stage <= latest else WRONG_STAGE

    def _request_error(self, coupon_id: int, action: Action) -> str | None:
        return None if self.coupons[coupon_id].request[0] == action else "ledger: no owner request"

    @staticmethod
    def _counterparty_error(action: int, counterparty: str, owner: LocalAccount) -> str | None:
        """TRANSFER and PLEDGE name someone other than the owner; the other actions name no one."""
        if action & WITH_COUNTERPARTY:
            valid = counterparty not in (ZERO_ADDRESS, owner.address)
        else:
            valid = counterparty == ZERO_ADDRESS
        return None if valid else "ledger: bad counterparty"

    def _split_error(self, coupon_id: int, amount_kg: int) -> str | None:
        if amount_kg == 0:
            return "ledger: zero amount"
        return None if amount_kg <= self.coupons[coupon_id].amount_kg else "ledger: amount exceeds coupon"

    def _any(self, state: CouponState) -> bool:
        return any(c.state == state for c in self.coupons.values())

    # ------------------------------------------------------------ choices

    @staticmethod
    def _usually(data, label: str) -> bool:
        """True three times in four: mostly the fitting choice, sometimes a wrong one."""
        return data.draw(st.sampled_from((True, True, True, False)), label=label)

    def _signer(self, data, right: LocalAccount, roles: tuple[Role, ...] | None = None) -> LocalAccount:
        """Two times in three the account whose step it is; otherwise any account, department
        or holder, without the step's role."""
        if data.draw(st.sampled_from((True, True, False)), label="the step's own signer"):
            return right
        if roles is None:
            roles = (self.role_of[right.address],) if right.address in self.role_of else ()
        wrong = [a for a in self.everyone if a.address != right.address and self.role_of.get(a.address) not in roles]
        return self.account_of[self._draw_address(data, [a.address for a in wrong], "wrong signer")]

    def _coupon(self, data, fits: Callable[[ModelCoupon], bool]) -> int:
        """Usually a coupon that fits the step; otherwise any coupon, now and then an unknown id."""
        fitting = sorted(i for i, c in self.coupons.items() if fits(c))
        if fitting and self._usually(data, "a coupon that fits the step"):
            return data.draw(st.sampled_from(fitting), label="coupon")
        if self._usually(data, "an existing coupon"):
            return data.draw(st.sampled_from(sorted(self.coupons)), label="coupon")
        return data.draw(st.sampled_from((0, self.next_coupon)), label="unknown coupon")

    def _lost_coupon(self, data, stage: ReissueStage | None = None) -> int:
        """A coupon for a reissue step: preferably one lost and at `stage`, else any lost one."""
        lost = [c for c in self.coupons.values() if c.state == CouponState.LOST_REPORTED]
        if stage is not None and any(c.stage == stage for c in lost):
            return self._coupon(data, lambda c: c.state == CouponState.LOST_REPORTED and c.stage == stage)
        return self._coupon(data, lambda c: c.state == CouponState.LOST_REPORTED)

    def _coupon_for(self, data, action: Action) -> int:
        """A coupon for a department step: preferably one whose owner already asked for it."""
        if any(c.state == CouponState.ACTIVE and c.request[0] == action for c in self.coupons.values()):
            return self._coupon(data, lambda c: c.state == CouponState.ACTIVE and c.request[0] == action)
        return self._coupon(data, lambda c: c.state == CouponState.ACTIVE)

    def _amount(self, data, whole: int) -> int:
        kind = data.draw(st.sampled_from(("whole", "part", "whole", "part", "zero", "over")), label="amount")
        if kind == "part":
            return data.draw(st.integers(1, whole), label="amount_kg")
        return {"whole": whole, "zero": 0, "over": whole + 1}[kind]

    def _counterparty(self, data, action: int, owner: str) -> str:
        others = [h.address for h in self.holders if h.address != owner]
        valid = others if action & WITH_COUNTERPARTY else [ZERO_ADDRESS]
        if self._usually(data, "a valid counterparty"):
            return self._draw_address(data, valid, "counterparty")
        return self._draw_address(data, [ZERO_ADDRESS, owner, *others], "counterparty")

    def _draw_address(self, data, addresses: list[str], label: str) -> str:
        """Drawn by name, so that a failing example reads "buyer", not an address."""
        names = [self.name_of.get(address, "zero address") for address in addresses]
        return self.address_of[data.draw(st.sampled_from(names), label=label)]

    def _holder(self, name: str) -> LocalAccount:
        return self.holders[HOLDERS.index(name)]

    def _officer(self, role: Role) -> LocalAccount:
        return {Role.NRB: self.nrb_officer, Role.FORESTRY: self.forestry_officer, Role.EEB: self.eeb_officer}[role]


def test_ledger__random_operations__invariants_hold(evm, registry, actors, story):
    world = World(
        evm=evm,
        registry=registry,
        actors=actors,
        story=story,
        loss_notice_seconds=registry.call("loss_notice_seconds"),
    )
    # A fresh thread starts with a shallow Python stack. On pytest's deep one, CPython 3.11
    # mapped and unmapped a frame-stack chunk on almost every EVM call here (strace: ~400
    # mmap/munmap pairs per transaction), which doubled the run time.
    with ThreadPoolExecutor(max_workers=1) as worker:
        # How many sequences of how many steps: the loaded Hypothesis profile, `ci` unless
        # `--hypothesis-profile thorough` (both in tests/conftest.py).
        worker.submit(run_state_machine_as_test, lambda: LedgerMachine(world), settings=settings()).result()
