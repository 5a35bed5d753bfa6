"""What the contract tests share: the values they send, the actors by role, one
table of the ledger's steps, and a Story that walks the Measures' steps with the
right official for each. Fixtures live in conftest.py."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from chain import Action, ApplicationStatus, Coupon, CouponState, OffsetPurpose, Registry, Reissue, ReissueStage

ZERO_ADDRESS = "0x" + "00" * 20
MISSING_ROLE = "access_control: account is missing role"
UNKNOWN_COUPON = 999
UNKNOWN_APPLICATION = 999

# -- an application, as the story submits it
PERIOD_START = 1_640_966_400  # 2022-01-01 UTC+8, inclusive
PERIOD_END = 1_704_038_400  # 2024-01-01 UTC+8, exclusive
DOCUMENTS_HASH = bytes.fromhex("11" * 32)
REPORT_HASH = bytes.fromhex("22" * 32)
BOUNDARIES_HASH = bytes.fromhex("55" * 32)
OPINION_HASH = bytes.fromhex("66" * 32)  # the centre's validation opinion document (审定意见)
AMOUNT = 12_723_000  # kg: the 12,723 t Sanming ticket of ANCHORS.md, claimed, attested and minted
PART = 2_723_000  # kg: the 2,723 t sold, transferred, pledged or offset out of it

# -- the ledger's steps
DISCLOSURE_HASH = bytes.fromhex("44" * 32)
AGREEMENT_HASH = bytes.fromhex("55" * 32)
PRICE_FEN_PER_TONNE = 3_000
REDEMPTION_PRICE_FEN = 2_500  # 兑现 (§2): the price DRC publishes for the designated acquirer
NOTICE_END = 2**32  # a listing's notice end far ahead (2106): the notice runs through every test
SERVICE_FEE_FEN = 12_000
SECURED_FEN = 50_000_000
TERM_END = 1_900_000_000
REISSUE_FILING_NUMBER = "赫环碳补〔2026〕1号"
FREEZE_REASON = "抽查发现权属争议"
INVALID_REASON = "抽查发现宗地与已登记CCER项目重叠"
INSPECTION_HASH = bytes.fromhex("77" * 32)  # the inspection record (抽查记录)
REFUSAL_REASON = "挂失公告期内原碳券持有人提出异议"
MISSING_REISSUE_ITEMS = ["遗失声明登报原件", "身份证明复印件"]
BENEFICIARY = "赫山马拉松组委会"
CASE_REFERENCE = "HS-2026-EV-01"

# -- the actors of tests/conftest.py `Actors`, by role
DEPARTMENT_ACTORS = (
    "drc",
    "center_officer",
    "nrb_officer",
    "forestry_officer",
    "eeb_officer",
    "gov_officer",
    "finance_officer",
    "verifier",
)
ACTORS = (*DEPARTMENT_ACTORS, "holder", "buyer", "pledgee", "non_member")
SUPERVISORS = ("nrb_officer", "forestry_officer", "eeb_officer")


def all_but(*allowed: str) -> list[str]:
    """Every actor, department or not, except `allowed`."""
    return [name for name in ACTORS if name not in allowed]


def departments_but(*allowed: str) -> list[str]:
    """Every department actor except `allowed`, plus a non-member."""
    return [name for name in DEPARTMENT_ACTORS if name not in allowed] + ["non_member"]


def parcel(number: str) -> bytes:
    """A parcel's on-chain id: keccak256 of its parcel number (宗地号)."""
    return keccak(text=number)


def whole_coupon(coupon_id: int, owner: str, state: CouponState) -> Coupon:
    """The coupon a story mints, serial block [1, AMOUNT] of the first issuance, in `state`."""
    return Coupon(coupon_id, owner, state, 1, 1, 1, AMOUNT, AMOUNT, 0)


def moves(receipt) -> list[tuple[int, str, CouponState]]:
    """The receipt's CouponMoved events in order, as (coupon, owner, state)."""
    return [(e.args["coupon"], e.args["owner"], e.args["state"]) for e in receipt.named("CouponMoved")]


def reissue_moves(receipt) -> list[tuple[int, Reissue, int]]:
    """The receipt's ReissueMoved events in order, as (coupon, the procedure afterwards, notice end)."""
    return [(e.args["coupon"], Reissue(ReissueStage(e.args["stage"]), e.args["supplement_required"],
                                       e.args["survey_paused"]), e.args["notice_end"])
            for e in receipt.named("ReissueMoved")]


def created(receipt) -> dict[int, dict]:
    """The receipt's CouponCreated events, by coupon id."""
    return {event.args["coupon"]: event.args for event in receipt.named("CouponCreated")}


# ---------------------------------------------------------------- the ledger's steps


ACTIVE, LISTED, PLEDGED = CouponState.ACTIVE, CouponState.LISTED, CouponState.PLEDGED
FROZEN, LOST_REPORTED = CouponState.FROZEN, CouponState.LOST_REPORTED
LIVE = ACTIVE | LISTED | PLEDGED | FROZEN | LOST_REPORTED
# The revert of a step on a coupon in another state than the one it acts on.
NOT_IN_STATE = {
    ACTIVE: "ledger: coupon not active",
    LISTED: "ledger: coupon not listed",
    PLEDGED: "ledger: coupon not pledged",
    FROZEN: "ledger: coupon not frozen",
    LOST_REPORTED: "ledger: coupon not lost reported",
    LIVE: "ledger: coupon not live",
}
WRONG_STAGE = "ledger: wrong reissue stage"


@dataclass(frozen=True)
class Step:
    """One ledger function: whose step it is, the state it acts on, and valid arguments for a coupon."""

    signer: str
    state: CouponState | None  # the state(s) it acts on; None: any coupon of the caller's (cancel_request)
    arguments: Callable[[int, object], tuple]

    @property
    def not_in_state(self) -> str:
        """Its revert on a coupon in none of its states (a coupon without consent, for cancel_request)."""
        return NOT_IN_STATE[self.state] if self.state else "ledger: no owner request"


LEDGER_STEPS = {
    "request": Step("holder", ACTIVE, lambda c, a: (c, int(Action.OFFSET), ZERO_ADDRESS, PART)),
    "cancel_request": Step("holder", None, lambda c, a: (c,)),
    "list_coupon": Step("center_officer", ACTIVE, lambda c, a: (c, PRICE_FEN_PER_TONNE, NOTICE_END, DISCLOSURE_HASH)),
    "withdraw_listing": Step("center_officer", LISTED, lambda c, a: (c,)),
    "settle_trade": Step(
        "center_officer",
        LISTED,
        lambda c, a: (c, a.buyer.address, PART, PRICE_FEN_PER_TONNE, SERVICE_FEE_FEN, AGREEMENT_HASH),
    ),
    "register_transfer": Step("center_officer", ACTIVE, lambda c, a: (c,)),
    "register_pledge": Step("finance_officer", ACTIVE, lambda c, a: (c, SECURED_FEN, TERM_END)),
    "release_pledge": Step("finance_officer", PLEDGED, lambda c, a: (c,)),
    "enforce_pledge": Step("finance_officer", PLEDGED, lambda c, a: (c,)),
    "freeze": Step("nrb_officer", LIVE, lambda c, a: (c, FREEZE_REASON)),
    "unfreeze": Step("nrb_officer", FROZEN, lambda c, a: (c,)),
    "sign_voiding": Step("nrb_officer", LIVE, lambda c, a: (c, INVALID_REASON, INSPECTION_HASH)),
    "report_loss": Step("center_officer", ACTIVE, lambda c, a: (c,)),
    "withdraw_loss": Step("center_officer", LOST_REPORTED, lambda c, a: (c,)),
    "require_reissue_supplement": Step(
        "center_officer", LOST_REPORTED, lambda c, a: (c, MISSING_REISSUE_ITEMS)
    ),
    "resubmit_reissue": Step("holder", LOST_REPORTED, lambda c, a: (c,)),
    "pass_reissue_formal_review": Step("center_officer", LOST_REPORTED, lambda c, a: (c,)),
    "pause_reissue_survey": Step("center_officer", LOST_REPORTED, lambda c, a: (c,)),
    "resume_reissue_survey": Step("center_officer", LOST_REPORTED, lambda c, a: (c,)),
    "pass_reissue_review": Step("center_officer", LOST_REPORTED, lambda c, a: (c,)),
    "register_reissue": Step("center_officer", LOST_REPORTED, lambda c, a: (c,)),
    "refuse_reissue": Step("center_officer", LOST_REPORTED, lambda c, a: (c, REFUSAL_REASON)),
    "file_reissue": Step("eeb_officer", LOST_REPORTED, lambda c, a: (c, REISSUE_FILING_NUMBER)),
    "reissue": Step("gov_officer", LOST_REPORTED, lambda c, a: (c,)),
    "redeem": Step("center_officer", ACTIVE, lambda c, a: (c, AGREEMENT_HASH)),
    "retire": Step(
        "eeb_officer",
        ACTIVE,
        lambda c, a: (c, int(OffsetPurpose.EVENT_NEUTRALITY), BENEFICIARY, CASE_REFERENCE),
    ),
}
# The reissue procedure's steps (附件1 二), each taking a coupon from the stage before it to its own.
REISSUE_WALK = {
    ReissueStage.FORMAL_OK: "pass_reissue_formal_review",
    ReissueStage.REVIEWED: "pass_reissue_review",
    ReissueStage.REGISTERED: "register_reissue",
    ReissueStage.FILED: "file_reissue",
}
# The department step that consumes each owner consent.
CONSUMED_BY = {
    Action.LIST: "list_coupon",
    Action.TRANSFER: "register_transfer",
    Action.PLEDGE: "register_pledge",
    Action.OFFSET: "retire",
    Action.LOSS: "report_loss",
    Action.REDEEM: "redeem",
}
# The actor an owner names for the consents that need a counterparty.
COUNTERPARTY = {Action.TRANSFER: "buyer", Action.PLEDGE: "pledgee"}


class Story:
    """Drives the Measures' steps with the right official for each."""

    def __init__(self, registry: Registry, actors):
        self.registry = registry
        self.actors = actors
        self._parcel_numbers = itertools.count(1)

    def send(self, sender: LocalAccount, function: str, *args):
        return self.registry.send(sender, function, *args)

    def take(self, function: str, coupon_id: int, *, sender: LocalAccount | None = None):
        """One ledger step on a coupon with LEDGER_STEPS' arguments, by its own signer unless told."""
        step = LEDGER_STEPS[function]
        sender = sender or getattr(self.actors, step.signer)
        return self.send(sender, function, *step.arguments(coupon_id, self.actors))

    def settle(self, coupon_id: int, amount_kg: int, *, buyer: str | None = None):
        """CENTER settles a trade of `amount_kg` to `buyer` (by default the buyer actor)."""
        buyer = buyer or self.actors.buyer.address
        return self.send(
            self.actors.center_officer,
            "settle_trade",
            coupon_id,
            buyer,
            amount_kg,
            PRICE_FEN_PER_TONNE,
            SERVICE_FEE_FEN,
            AGREEMENT_HASH,
        )

    def fresh_parcel(self) -> bytes:
        return parcel(f"430903-HS-{next(self._parcel_numbers):04d}")

    # -- applications

    def submit(
        self, *, parcels=None, start=PERIOD_START, end=PERIOD_END, claimed_kg=AMOUNT, applicant=None,
        boundaries_hash=BOUNDARIES_HASH,
    ) -> int:
        parcels = parcels if parcels is not None else [self.fresh_parcel()]
        receipt = self.send(
            applicant or self.actors.holder, "submit", parcels, start, end, claimed_kg, DOCUMENTS_HASH, REPORT_HASH,
            boundaries_hash,
        )
        return receipt.event("ApplicationSubmitted").args["application"]

    def advance(self, application_id: int, to: ApplicationStatus, *, attested_kg: int = AMOUNT) -> int:
        """Walk an application forward until it reaches `to`."""
        a = self.actors
        steps = [
            (ApplicationStatus.FORMAL_OK, lambda: self.send(a.center_officer, "pass_formal_review", application_id)),
            (
                ApplicationStatus.PRELIM_OK,
                lambda: (
                    self.send(a.center_officer, "pass_preliminary_review", application_id),
                    self.send(a.verifier, "attest_report", application_id, REPORT_HASH, attested_kg),
                ),
            ),
            (
                ApplicationStatus.VALIDATED,
                lambda: (
                    self.send(a.nrb_officer, "sign_validation", application_id),
                    self.send(a.forestry_officer, "sign_validation", application_id),
                ),
            ),
            (
                ApplicationStatus.OPINION_FORWARDED,
                lambda: self.send(a.center_officer, "issue_validation_opinion", application_id, OPINION_HASH),
            ),
            (ApplicationStatus.EEB_REVIEWED, lambda: self.send(a.eeb_officer, "pass_eeb_review", application_id)),
            (
                ApplicationStatus.FILED,
                lambda: self.send(a.eeb_officer, "file", application_id, f"赫环碳备〔2026〕{application_id}号"),
            ),
        ]
        for status, step in steps:
            if self.registry.application(application_id).status == to:
                break
            step()
        assert self.registry.application(application_id).status == to
        return application_id

    def filed(self, **submit_args) -> int:
        return self.advance(self.submit(**submit_args), ApplicationStatus.FILED)

    def mint(self, *, attested_kg: int = AMOUNT, **submit_args) -> int:
        """A freshly minted ACTIVE coupon owned by the applicant; returns its id."""
        application_id = self.advance(self.submit(**submit_args), ApplicationStatus.FILED, attested_kg=attested_kg)
        return self.send(self.actors.gov_officer, "mint", application_id).event("CouponCreated").args["coupon"]

    # -- owner consent and department steps

    def request(self, coupon_id: int, action: Action, *, counterparty: str | None = None, amount_kg=None, owner=None):
        """The owner's consent; the counterparty defaults to COUNTERPARTY's actor, the amount to the whole coupon."""
        if counterparty is None:
            named = COUNTERPARTY.get(action)
            counterparty = getattr(self.actors, named).address if named else ZERO_ADDRESS
        amount_kg = amount_kg if amount_kg is not None else self.registry.coupon(coupon_id).amount_kg
        owner = owner or self._owner_account(coupon_id)
        return self.send(owner, "request", coupon_id, int(action), counterparty, amount_kg)

    def consented(self, action: Action, coupon_id: int, *, amount_kg=None):
        """The owner's consent to `action`, then the department step that consumes it."""
        self.request(coupon_id, action, amount_kg=amount_kg)
        return self.take(CONSUMED_BY[action], coupon_id)

    def open_redemption(self, *, acquirer: str | None = None, price_fen_per_tonne: int = REDEMPTION_PRICE_FEN):
        """DRC designates the acquirer (the buyer actor unless told) and publishes its price (兑现, §2)."""
        return self.send(self.actors.drc, "set_redemption", acquirer or self.actors.buyer.address, price_fen_per_tonne)

    def list(self, coupon_id: int):
        return self.consented(Action.LIST, coupon_id)

    def pledge(self, coupon_id: int, *, amount_kg=None):
        return self.consented(Action.PLEDGE, coupon_id, amount_kg=amount_kg)

    def freeze(self, coupon_id: int):
        return self.take("freeze", coupon_id)

    def report_loss(self, coupon_id: int):
        return self.consented(Action.LOSS, coupon_id)

    def reissue_to(self, coupon_id: int, stage: ReissueStage):
        """Walk a LOST_REPORTED coupon's reissue procedure on to `stage`; returns the last step's receipt."""
        receipt = None
        for reached, function in REISSUE_WALK.items():
            if self.registry.reissue_of(coupon_id).stage < reached <= stage:
                receipt = self.take(function, coupon_id)
        assert self.registry.reissue_of(coupon_id).stage == stage
        return receipt

    def file_reissue(self, coupon_id: int):
        """The owner's loss report, then each reissue step up to the EEB's filing (its receipt)."""
        self.report_loss(coupon_id)
        return self.reissue_to(coupon_id, ReissueStage.FILED)

    def sign_voiding(self, coupon_id: int, *, signer: str = "nrb_officer"):
        return self.take("sign_voiding", coupon_id, sender=getattr(self.actors, signer))

    def invalidate(self, coupon_id: int):
        """NRB, then FORESTRY, sign the voiding of the coupon found invalid; the second receipt."""
        self.sign_voiding(coupon_id)
        return self.sign_voiding(coupon_id, signer="forestry_officer")

    def retire(self, coupon_id: int, *, amount_kg=None, owner=None):
        self.request(coupon_id, Action.OFFSET, amount_kg=amount_kg, owner=owner)
        return self.take("retire", coupon_id)

    def _owner_account(self, coupon_id: int) -> LocalAccount:
        owner = self.registry.coupon(coupon_id).owner
        for account in vars(self.actors).values():
            if account.address == owner:
                return account
        raise LookupError(f"no test actor owns coupon {coupon_id}")
