"""The lifecycles beside the step catalogue: for each kind of object, on chain or the gateway's own, its
states (as the contract's enum or the gateway's column names them), the step each state waits on, whose
turn that is, and the time limit of that wait (附件1, DESIGN §5).

The contracts log every move (ApplicationMoved, ReissueMoved, CouponMoved) and the index keeps the
state; this module says what the state means for people. Every queue is made of its `QueueItem`s,
built by `Lifecycle.item` from the state's wait; the clocks and the console's offered reissue steps
read it too. tests/gateway/catalogue/test_lifecycles.py ties its states to the contracts' enums and the
gateway's columns, and its steps to the catalogue; tests/contracts/test_contract_lifecycles.py and the API's
tests/gateway/test_*_lifecycle(s).py take every step in every state, admitted or not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import steps
from .steps import Step


@dataclass(frozen=True)
class Limit:
    """One row of DESIGN §5's table: a step, its working days and what starts its clock."""

    step: Step
    days: int
    article: str
    starts: str  # the event that starts the clock, as the table says it
    field_survey: bool = False  # the step's own field survey stops its clock


# 附件1 一: registration
FORMAL_REVIEW = Limit(steps.FORMAL_REVIEW, 2, "附件1 一(二)", "submitted or resubmitted")
PRELIMINARY_REVIEW = Limit(steps.PRELIMINARY_REVIEW, 7, "附件1 一(二)", "formal review passed", field_survey=True)
VALIDATION = Limit(steps.VALIDATE, 7, "附件1 一(三)",
                   "preliminary review passed, or the verifier's attestation if that came later")
OPINION = Limit(steps.OPINION, 2, "附件1 一(三)", "validated, or returned by the EEB")
EEB_REVIEW = Limit(steps.EEB_REVIEW, 7, "附件1 一(四)", "validation opinion forwarded")
FILING = Limit(steps.FILE, 2, "附件1 一(四)", "EEB review passed")
MINT = Limit(steps.MINT, 7, "附件1 一(五)", "filed")
# 附件1 二: reissue
REISSUE_FORMAL_REVIEW = Limit(steps.REISSUE_FORMAL_REVIEW, 2, "附件1 二(二)",
                              "the owner's loss report (附件3), or its resubmission after a supplement")
REISSUE_REVIEW = Limit(steps.REISSUE_REVIEW, 7, "附件1 二(二)", "reissue formal review passed", field_survey=True)
REISSUE_REGISTRATION = Limit(steps.REISSUE_REGISTRATION, 2, "附件1 二(三)", "reissue review passed")
REISSUE_FILING = Limit(steps.FILE_REISSUE, 2, "附件1 二(四)", "reissue registered")
REISSUE = Limit(steps.REISSUE, 7, "附件1 二(五)", "the later of the reissue filing and the end of the loss notice")

TIME_LIMITS: tuple[Limit, ...] = (
    FORMAL_REVIEW, PRELIMINARY_REVIEW, VALIDATION, OPINION, EEB_REVIEW, FILING, MINT,
    REISSUE_FORMAL_REVIEW, REISSUE_REVIEW, REISSUE_REGISTRATION, REISSUE_FILING, REISSUE,
)


@dataclass(frozen=True)
class Wait:
    """What a state waits on: a step, and its time limit where the Measures set one."""

    step: Step
    limit: Limit | None = None
    by: str | None = None  # whose turn, of the step's roles, where it is not the first
    not_yet: str | None = None  # the code a step further along is refused with while this wait lasts

    @property
    def party(self) -> str:
        """Whose turn it is: the department, or HOLDER for the applicant, owner, transferee or pledgee."""
        return self.by or self.step.roles[0]


@dataclass(frozen=True)
class QueueItem:
    """One thing waiting on a party: which object (its kind and keys), the step, whose turn, the object's
    status and the wait's clock (services/time_limits.py). The one shape of every queue; `shown` is it as
    the API and the pages read it."""

    kind: str  # its lifecycle's: application | reissue | coupon (a consent) | transfer | purchase | pledge | calendar
    keys: dict  # what names the object: {"application": 7, "project_name": …}, {"coupon": "…"}, …
    href: str  # its console page
    step: Step
    department: str
    status: str
    clock: dict
    departments: tuple[str, ...] = ()  # several departments' turn at once (NRB and FORESTRY at validation)
    shown_to: tuple[str, ...] = ()  # departments that wait on it without acting (validation on the verifier)
    field_survey_paused: bool = False
    notes: dict = field(default_factory=dict)  # what one kind adds: a loss notice's end, the verifier's wait

    def for_department(self, role: str) -> bool:
        return role in ("DRC", self.department, *self.departments, *self.shown_to)

    def shown(self, role: str) -> dict:
        """As `role` reads it: its own turn where it is one of several departments."""
        department = role if role in self.departments else self.department
        return {"kind": self.kind, **self.keys, "href": self.href, "step": self.step.id, "department": department,
                **({"departments": list(self.departments)} if self.departments else {}),
                "status": self.status, "field_survey_paused": self.field_survey_paused, **self.notes, **self.clock}


def _timed(*limits: Limit) -> tuple[Wait, ...]:
    return tuple(Wait(limit.step, limit) for limit in limits)


@dataclass(frozen=True)
class Lifecycle:
    kind: str
    states: tuple[str, ...]  # every state, as the contract's enum names it
    waits: dict[str, Wait]  # the states a party must act in: what each waits on
    admits: dict[str, frozenset[Step]] = field(default_factory=dict)  # every step each state admits, if listed
    beside: dict[str, Wait] = field(default_factory=dict)  # an untimed wait beside a state's own, while it lasts
    held: dict[str, frozenset[Step]] = field(default_factory=dict)  # the steps admitted while a state is held
    missing: str | None = None  # the code a step further along is refused with while no such object exists

    def timed(self) -> dict[str, Limit]:
        """The states whose wait has a time limit, with it: what the queues and the clocks read."""
        return {state: wait.limit for state, wait in self.waits.items() if wait.limit is not None}

    def admitted(self, state: str, step: Step, *, held: bool = False) -> bool:
        """Whether `state` admits `step`; `held`: while a field survey holds it, only its `held` steps."""
        return step in (self.held if held else self.admits).get(state, frozenset())

    def require(self, state: str, step: Step, refusal: Callable[[str], Exception]) -> None:
        """A service's one check before `step`: `state` admits it, or the service's refusal of that state (its
        error code, as the API has always answered it)."""
        if not self.admitted(state, step):
            raise refusal(state)

    def not_yet(self, state: str | None) -> str | None:
        """The code a step further along is refused with in `state` (None: no object yet), if the state waits."""
        if state is None:
            return self.missing
        wait = self.waits.get(state)
        return wait.not_yet if wait else None

    def waiting_on(self, party: str) -> tuple[str, ...]:
        """The states in which it is `party`'s turn."""
        return tuple(state for state, wait in self.waits.items() if wait.party == party)

    def item(self, state: str, *, keys: dict, href: str, clock: dict, wait: Wait | None = None,
             status: str | None = None, step: Step | None = None, **more) -> QueueItem:
        """The queue item of an object in `state`: its wait (or `wait`, one waited on beside it) and whose
        turn that is; `step` names a stage's own step where it differs, such as a paused survey's resumption."""
        wait = wait or self.waits[state]
        party = more["departments"][0] if more.get("departments") else wait.party  # those of several still to act
        return QueueItem(self.kind, keys, href, step or wait.step, party, status or state, clock, **more)


# A registration application (附件1 一; ApplicationRegistry.Status). The verifier's attestation, which the
# Measures set no limit for, is waited on beside FORMAL_OK and PRELIM_OK until given; validation's clock
# starts once it is (services/applications.py). `admits` is the contract's `_review` of each step: a field survey
# under way holds FORMAL_OK (`held`): its resumption, the verifier's attestation and the preliminary review's
# rejection go on, a pass waits for the survey's end; and the EEB's return (退回) of a file it has reviewed is its
# filing step's other decision. Filed and issued, the applicant publishes the public versions of
# its papers (§7, off the chain); REJECTED admits nothing.
APPLICATION = Lifecycle(
    "application",
    states=("SUBMITTED", "SUPPLEMENT_REQUIRED", "FORMAL_OK", "PRELIM_OK", "VALIDATED", "FILED", "ISSUED",
            "REJECTED", "OPINION_FORWARDED", "EEB_REVIEWED"),
    waits={
        "SUPPLEMENT_REQUIRED": Wait(steps.RESUBMIT),
        **dict(zip(("SUBMITTED", "FORMAL_OK", "PRELIM_OK", "VALIDATED", "OPINION_FORWARDED", "EEB_REVIEWED", "FILED"),
                   _timed(FORMAL_REVIEW, PRELIMINARY_REVIEW, VALIDATION, OPINION, EEB_REVIEW, FILING, MINT))),
    },
    beside={"FORMAL_OK": Wait(steps.ATTEST), "PRELIM_OK": Wait(steps.ATTEST)},
    admits={
        "SUBMITTED": frozenset({steps.FORMAL_REVIEW}),
        "SUPPLEMENT_REQUIRED": frozenset({steps.RESUBMIT}),
        "FORMAL_OK": frozenset({steps.SURVEY_PAUSE, steps.PRELIMINARY_REVIEW, steps.ATTEST}),
        "PRELIM_OK": frozenset({steps.ATTEST, steps.VALIDATE}),
        "VALIDATED": frozenset({steps.OPINION}),
        "OPINION_FORWARDED": frozenset({steps.EEB_REVIEW}),
        "EEB_REVIEWED": frozenset({steps.FILE}),
        "FILED": frozenset({steps.MINT, steps.PUBLISH}),
        "ISSUED": frozenset({steps.PUBLISH}),
    },
    held={"FORMAL_OK": frozenset({steps.SURVEY_RESUME, steps.PRELIMINARY_REVIEW, steps.ATTEST})},
)

# A lost coupon's reissue procedure (附件1 二; CouponLedger's reissue stages). Withdrawing the loss report
# is possible until the EEB files it; a supplement owed, or a field survey under way, holds a stage
# (services/reissues.py Procedure.admitted).
REISSUE_PROCEDURE = Lifecycle(
    "reissue",
    states=("NONE", "REPORTED", "FORMAL_OK", "REVIEWED", "REGISTERED", "FILED"),
    waits=dict(zip(("REPORTED", "FORMAL_OK", "REVIEWED", "REGISTERED", "FILED"),
                   _timed(REISSUE_FORMAL_REVIEW, REISSUE_REVIEW, REISSUE_REGISTRATION, REISSUE_FILING, REISSUE))),
    admits={
        "REPORTED": frozenset({steps.REISSUE_FORMAL_REVIEW, steps.WITHDRAW_LOSS}),
        "FORMAL_OK": frozenset({steps.REISSUE_SURVEY_PAUSE, steps.REISSUE_REVIEW, steps.WITHDRAW_LOSS}),
        "REVIEWED": frozenset({steps.REISSUE_REGISTRATION, steps.WITHDRAW_LOSS}),
        "REGISTERED": frozenset({steps.FILE_REISSUE, steps.WITHDRAW_LOSS}),
        "FILED": frozenset({steps.REISSUE}),
    },
)
# 一次性告知 (附件1 二(二)): a supplement owed holds REPORTED's formal review and waits on the owner's resubmission
# until it is sent; the Measures set the owner no limit (the centre's two days run again from the resubmission).
REISSUE_SUPPLEMENT = Wait(steps.REISSUE_RESUBMIT)

# An application prepared by an agent, or naming a co-applicant (§8; the gateway's own states,
# services/prepared_applications.py): it waits for the right-holder's and the co-applicant's confirmations.
PREPARED_APPLICATION = Lifecycle(
    "prepared",
    states=("AWAITING", "SUBMITTED", "DECLINED"),
    waits={"AWAITING": Wait(steps.CONFIRM_APPLICATION)},
    admits={"AWAITING": frozenset({steps.CONFIRM_APPLICATION, steps.DECLINE_APPLICATION})},
)

# An owner's consent on chain (§13; CouponLedger's Action, the coupon's pending request): each waits on the
# department step that completes it (the catalogue's `consent`). The Measures set these no limit; a loss
# report's clock is its reissue formal review's (services/reissues.py). The department's step takes only the
# consent given for it (consents.vy `_take_request`); the owner withdraws its consent, or gives another in its
# place, until it is taken.
COUPON_CONSENT = Lifecycle(
    "coupon",
    states=("LIST", "TRANSFER", "PLEDGE", "OFFSET", "LOSS", "REDEEM"),
    waits={step.consent: Wait(step) for step in steps.CATALOGUE if step.consent},
    admits={step.consent: frozenset({step, steps.REQUEST, steps.CANCEL_REQUEST})
            for step in steps.CATALOGUE if step.consent},
)

# 附件8 流转申请表 (the gateway's own; services/transfers.py): filed, it is the owner's consent on chain; the
# transferee confirms an ownership form, the centre accepts it (受理意见) and registers it. A pledge form needs
# no confirmation; the pledgee's acceptance is the centre's, FINANCE registers it. The applicant withdraws a
# form until registered. A step further along than a form's wait (the centre's opinion before the transferee's
# confirmation, a registration before the opinion, or with no form) is refused with the wait's `not_yet` code.
TRANSFER_FORM = Lifecycle(
    "transfer",
    states=("SUBMITTED", "CONFIRMED", "ACCEPTED", "REFUSED", "WITHDRAWN", "REGISTERED"),
    waits={"SUBMITTED": Wait(steps.TRANSFER_CONFIRM, not_yet="TRANSFER_UNCONFIRMED"),
           "CONFIRMED": Wait(steps.TRANSFER_ACCEPT, not_yet="TRANSFER_NOT_ACCEPTED"), "ACCEPTED": Wait(steps.TRANSFER)},
    admits={"SUBMITTED": frozenset({steps.TRANSFER_CONFIRM, steps.TRANSFER_WITHDRAW}),
            "CONFIRMED": frozenset({steps.TRANSFER_ACCEPT, steps.TRANSFER_WITHDRAW}),
            "ACCEPTED": frozenset({steps.TRANSFER, steps.TRANSFER_WITHDRAW})},
    missing="TRANSFER_FORM_MISSING",
)
PLEDGE_FORM = Lifecycle(
    "transfer",
    states=("SUBMITTED", "ACCEPTED", "REFUSED", "WITHDRAWN", "REGISTERED"),
    waits={"SUBMITTED": Wait(steps.PLEDGE_ACCEPT, not_yet="PLEDGE_NOT_ACCEPTED"), "ACCEPTED": Wait(steps.PLEDGE)},
    admits={"SUBMITTED": frozenset({steps.PLEDGE_ACCEPT, steps.TRANSFER_WITHDRAW}),
            "ACCEPTED": frozenset({steps.PLEDGE, steps.TRANSFER_WITHDRAW})},
    missing="PLEDGE_FORM_MISSING",
)

# A purchase application (附件6; the gateway's own, services/market.py): the centre accepts it (交易受理通知书),
# then settles trades until it is filled. OPEN is release 0.1's name for an accepted one.
PURCHASE = Lifecycle(
    "purchase",
    states=("SUBMITTED", "ACCEPTED", "OPEN", "REJECTED", "SETTLED"),
    waits={"SUBMITTED": Wait(steps.ACCEPT_PURCHASE), "ACCEPTED": Wait(steps.SETTLE), "OPEN": Wait(steps.SETTLE)},
    admits={"SUBMITTED": frozenset({steps.ACCEPT_PURCHASE}),
            "ACCEPTED": frozenset({steps.SETTLE}), "OPEN": frozenset({steps.SETTLE})},
)

# A listing (挂牌, 附件1 三(一)1, 附件4, 附件5; services/market.py listing_state): the owner's request (its consent on
# chain) waits for the centre to list the coupon with the disclosure form. Listed, it is sold in trades while its
# notice runs, a part sold leaving the rest listed under the same notice; past its notice end it cannot be settled
# and waits for the centre to take it down (DESIGN §4: LISTED → ACTIVE, withdrawn or notice expired). In the notice's
# last NOTICE_ENDING_WORKDAYS working days the centre and the owner are told its end is near (the centre's withdrawal
# waits beside the running listing, due on the notice's last day). Withdrawn, the
# coupon is its holder's ACTIVE one again; sold, the buyer's. `admits` names the market's steps on a listing; the
# supervisors' freeze and voiding act on the coupon in any live state.
LISTING = Lifecycle(
    "listing",
    states=("REQUESTED", "RUNNING", "EXPIRED", "WITHDRAWN", "SOLD"),
    waits={"REQUESTED": Wait(steps.LIST), "EXPIRED": Wait(steps.WITHDRAW_LISTING)},
    beside={"RUNNING": Wait(steps.WITHDRAW_LISTING)},  # in its notice's last NOTICE_ENDING_WORKDAYS working days
    admits={"REQUESTED": frozenset({steps.LIST, steps.CANCEL_REQUEST}),
            "RUNNING": frozenset({steps.SETTLE, steps.WITHDRAW_LISTING, steps.MANAGEMENT_REPORT}),
            "EXPIRED": frozenset({steps.WITHDRAW_LISTING, steps.MANAGEMENT_REPORT})},
)
NOTICE_ENDING_WORKDAYS = 3

# A pledge near or past its term (§2, §4; services/pledges.py): in its last NEAR_TERM_DAYS days the pledgee
# bank is reminded that it releases it once the debt is paid, and the owner, who repays it, is told (the bank's
# step, not one it takes); past its term, FINANCE releases or enforces it.
PLEDGE_TERM = Lifecycle(
    "pledge",
    states=("IN_TERM", "NEAR_TERM", "PAST_TERM"),
    waits={"NEAR_TERM": Wait(steps.RELEASE_PLEDGE, by=steps.HOLDER), "PAST_TERM": Wait(steps.ENFORCE_PLEDGE)},
    admits={state: frozenset({steps.RELEASE_PLEDGE, steps.ENFORCE_PLEDGE})
            for state in ("IN_TERM", "NEAR_TERM", "PAST_TERM")},
)
NEAR_TERM_DAYS = 30

# An account (附件1 三(一); services/users.py account_state): a holder's waits for the centre's in-person check;
# DRC disables and enables. The centre's revocation of its check makes the account UNVERIFIED again (the check
# keeps its record of who revoked it and why). An official's needs no check: it is VERIFIED from the start, and
# has no check to revoke. The Measures set the check no limit.
ACCOUNT = Lifecycle(
    "account",
    states=("UNVERIFIED", "VERIFIED", "DISABLED"),
    waits={"UNVERIFIED": Wait(steps.VERIFY_ACCOUNT)},
    admits={"UNVERIFIED": frozenset({steps.VERIFY_ACCOUNT, steps.DISABLE_ACCOUNT}),
            "VERIFIED": frozenset({steps.REVOKE_VERIFICATION, steps.DISABLE_ACCOUNT}),
            "DISABLED": frozenset({steps.ENABLE_ACCOUNT})},
)

# The working calendar (DESIGN §5; services/calendar.py): from sixty days before the known calendar ends,
# DRC enters the next year's State Council schedule.
CALENDAR = Lifecycle(
    "calendar",
    states=("KNOWN", "CALENDAR_ENDING"),
    waits={"CALENDAR_ENDING": Wait(steps.ENTER_CALENDAR_YEAR)},
    admits={state: frozenset({steps.ENTER_CALENDAR_YEAR}) for state in ("KNOWN", "CALENDAR_ENDING")},
)

# The console pages of objects with a lifecycle here (steps.Step.on): their lifecycles' admits decide the steps
# offered there. A coupon's page keeps the catalogue's states: the coupon's own states are the ledger's `_move`
# (DESIGN §3), each step × state tied to it by the authorization tests.
ON_PAGE = {"application": (APPLICATION,), "prepared": (PREPARED_APPLICATION,), "transfer": (TRANSFER_FORM, PLEDGE_FORM), "purchase": (PURCHASE,),
           "account": (ACCOUNT,), "calendar": (CALENDAR,)}


def states_of(step: Step, lifecycle: Lifecycle | None = None) -> tuple[str, ...]:
    """The states an object admits `step` in, held or not: its lifecycle's (`lifecycle`, or those of the step's
    page), else the catalogue's."""
    cycles = (lifecycle,) if lifecycle else ON_PAGE.get(step.on)
    if cycles is None:
        return step.states
    return tuple(dict.fromkeys(state for cycle in cycles for state in cycle.states
                               if cycle.admitted(state, step) or cycle.admitted(state, step, held=True)))


def offered(role: str, on: str, state: str | None = None, lifecycle: Lifecycle | None = None, *,
            held: bool = False) -> list[Step]:
    """The steps a console offers `role` on one kind of page, for an object in `state` (None: on a page of no
    object in a state, such as home), of `lifecycle` where the page shows several kinds; `held`: while a field
    survey holds the state."""
    if state is None:
        return steps.offered(role, on)
    cycles = (lifecycle,) if lifecycle else ON_PAGE.get(on)
    if cycles is None:
        return [step for step in steps.offered(role, on) if state in step.states]
    return [step for step in steps.offered(role, on) if any(c.admitted(state, step, held=held) for c in cycles)]


LIFECYCLES = (APPLICATION, REISSUE_PROCEDURE, PREPARED_APPLICATION, COUPON_CONSENT, TRANSFER_FORM, PLEDGE_FORM,
              PURCHASE, LISTING, PLEDGE_TERM, ACCOUNT, CALENDAR)
