"""The on-chain lifecycles of gateway/catalogue/lifecycles.py (APPLICATION, REISSUE_PROCEDURE, COUPON_CONSENT)
against the contracts, both ways: in every state, every step of the lifecycle that it admits there is taken by the
contract and moves the object where the lifecycle says (its state and its event), and every other step reverts
with its exact reason and nothing changed.

A step is one or more contract calls, one per decision (pass, supplement, refuse, return…). Two steps may end in
the same call (the EEB's return at review and at filing, the centre's refusal at review and at registration): the
contract then takes that call in every state that admits either step, which is what each case expects. Each state
is built once on the freshly deployed registry and restored from its snapshot (`prepared`)."""

from __future__ import annotations

import pytest
from contract_story import CONSUMED_BY, DOCUMENTS_HASH, OPINION_HASH, REPORT_HASH, WRONG_STAGE

from chain import Action, ApplicationStatus, ReissueStage
from gateway.catalogue import steps
from gateway.catalogue.lifecycles import APPLICATION, COUPON_CONSENT, REISSUE_PROCEDURE, Lifecycle

# ---------------------------------------------------------------- a registration application (附件1 一)

MISSING_ITEMS = ["土地承包经营权证复印件"]
REJECTION = "宗地与申报材料不符"
RETURN_REASON = "审定意见未附现场核查记录"


def _call(signer: str, function: str, *arguments):
    """One contract call on an application: (signer, function, the arguments after the application id)."""
    return signer, function, arguments


# The application's steps, each decision as the contract calls it and the status it leaves (None: unchanged).
# application.publish is the gateway's own (the public versions of its papers, §7): no contract call.
APPLICATION_DECISIONS = {
    steps.FORMAL_REVIEW: {"pass": ([_call("center_officer", "pass_formal_review")], "FORMAL_OK"),
                          "supplement": ([_call("center_officer", "require_supplement", MISSING_ITEMS)],
                                         "SUPPLEMENT_REQUIRED")},
    steps.RESUBMIT: {"resubmit": ([_call("holder", "resubmit", DOCUMENTS_HASH, REPORT_HASH)], "SUBMITTED")},
    steps.SURVEY_PAUSE: {"pause": ([_call("center_officer", "pause_field_survey")], None)},
    steps.SURVEY_RESUME: {"resume": ([_call("center_officer", "resume_field_survey")], None)},
    steps.PRELIMINARY_REVIEW: {"pass": ([_call("center_officer", "pass_preliminary_review")], "PRELIM_OK"),
                               "reject": ([_call("center_officer", "reject", REJECTION)], "REJECTED")},
    steps.ATTEST: {"attest": ([_call("verifier", "attest_report", REPORT_HASH, 1_000_000)], None)},
    steps.VALIDATE: {"pass": ([_call("nrb_officer", "sign_validation"), _call("forestry_officer", "sign_validation")],
                              "VALIDATED"),
                     "reject": ([_call("nrb_officer", "reject", REJECTION)], "REJECTED")},
    steps.OPINION: {"issue": ([_call("center_officer", "issue_validation_opinion", OPINION_HASH)],
                              "OPINION_FORWARDED")},
    steps.EEB_REVIEW: {"pass": ([_call("eeb_officer", "pass_eeb_review")], "EEB_REVIEWED"),
                       "return": ([_call("eeb_officer", "return_to_center", RETURN_REASON)], "VALIDATED")},
    steps.FILE: {"file": ([_call("eeb_officer", "file", "赫环碳备〔2026〕9号")], "FILED"),
                 "return": ([_call("eeb_officer", "return_to_center", RETURN_REASON)], "VALIDATED")},
    steps.MINT: {"mint": ([_call("gov_officer", "mint")], "ISSUED")},
}


def _submitted(story, evm):
    return story.submit()


def _advanced(status: str):
    def build(story, evm):
        return story.advance(story.submit(), ApplicationStatus[status])

    return build


def _then_application(status: str, signer: str, function: str, *arguments):
    def build(story, evm):
        application_id = story.advance(story.submit(), ApplicationStatus[status])
        story.send(getattr(story.actors, signer), function, application_id, *arguments)
        return application_id

    return build


# How an application reaches each status: a survey not under way, the report attested from PRELIM_OK on (as the
# gateway's walk has it), neither validation signed.
APPLICATION_BUILDERS = {
    "SUBMITTED": _submitted,
    "SUPPLEMENT_REQUIRED": _then_application("SUBMITTED", "center_officer", "require_supplement", MISSING_ITEMS),
    **{status: _advanced(status)
       for status in ("FORMAL_OK", "PRELIM_OK", "VALIDATED", "OPINION_FORWARDED", "EEB_REVIEWED", "FILED")},
    "ISSUED": _then_application("FILED", "gov_officer", "mint"),
    "REJECTED": _then_application("FORMAL_OK", "center_officer", "reject", REJECTION),
}

# ---------------------------------------------------------------- a lost coupon's reissue (附件1 二)

# The procedure's steps (contract_story.LEDGER_STEPS' calls, signers and arguments), each decision with the stage it leaves.
REISSUE_DECISIONS = {
    steps.WITHDRAW_LOSS: {"withdraw": ("withdraw_loss", "NONE")},
    steps.REISSUE_FORMAL_REVIEW: {"pass": ("pass_reissue_formal_review", "FORMAL_OK"),
                                  "supplement": ("require_reissue_supplement", "REPORTED")},
    steps.REISSUE_RESUBMIT: {"resubmit": ("resubmit_reissue", "REPORTED")},
    steps.REISSUE_SURVEY_PAUSE: {"pause": ("pause_reissue_survey", "FORMAL_OK")},
    steps.REISSUE_SURVEY_RESUME: {"resume": ("resume_reissue_survey", "FORMAL_OK")},
    steps.REISSUE_REVIEW: {"pass": ("pass_reissue_review", "REVIEWED"), "refuse": ("refuse_reissue", "NONE")},
    steps.REISSUE_REGISTRATION: {"agree": ("register_reissue", "REGISTERED"), "disagree": ("refuse_reissue", "NONE")},
    steps.FILE_REISSUE: {"file": ("file_reissue", "FILED")},
    steps.REISSUE: {"reissue": ("reissue", "NONE")},
}


def _minted(story, evm):
    return story.mint()


def _at_stage(stage: str):
    def build(story, evm):
        coupon_id = story.mint()
        story.report_loss(coupon_id)
        story.reissue_to(coupon_id, ReissueStage[stage])
        if stage == "FILED":  # and its loss notice over: GOV's reissue is due
            evm.time_travel(story.registry.call("loss_notice_end", coupon_id))
        return coupon_id

    return build


# How a coupon reaches each stage: no supplement owed, no field survey under way.
REISSUE_BUILDERS = {"NONE": _minted, **{stage.name: _at_stage(stage.name) for stage in ReissueStage if stage}}

# ---------------------------------------------------------------- an owner's consent (§13)

# The consent's steps: each department step that takes one (CONSUMED_BY), the owner's new consent in its place
# (an offset of part of the coupon) and its withdrawal.
CONSENT_CALLS = {
    **{step: CONSUMED_BY[Action[step.consent]] for step in steps.CATALOGUE if step.consent},
    steps.REQUEST: "request",
    steps.CANCEL_REQUEST: "cancel_request",
}


def _consented(action: str):
    def build(story, evm):
        coupon_id = story.mint()
        story.open_redemption()  # so that a redemption waits on the owner's consent alone
        story.request(coupon_id, Action[action])
        return coupon_id

    return build


BUILDERS = {
    **{f"application:{status}": build for status, build in APPLICATION_BUILDERS.items()},
    **{f"reissue:{stage}": build for stage, build in REISSUE_BUILDERS.items()},
    **{f"consent:{action}": _consented(action) for action in COUPON_CONSENT.states},
}


def _shares_an_admitted_call(lifecycle: Lifecycle, state: str, call, calls_of) -> bool:
    """Whether a step `state` admits ends in `call` (the same function by the same signer)."""
    return any(call in calls_of(step) for step in lifecycle.admits.get(state, ()))


def _application_calls(step) -> list:  # none for the applicant's publication, which is off the chain (§7)
    return [calls[0][:2] for calls, _ in APPLICATION_DECISIONS.get(step, {}).values()]


def _reissue_calls(step) -> list:
    return [function for function, _ in REISSUE_DECISIONS[step].values()]


# ---------------------------------------------------------------- the cases

APPLICATION_CASES = [(state, step, decision) for state in APPLICATION.states
                     for step, decisions in APPLICATION_DECISIONS.items() for decision in decisions]
REISSUE_CASES = [(state, step, decision) for state in REISSUE_PROCEDURE.states
                 for step, decisions in REISSUE_DECISIONS.items() for decision in decisions]
CONSENT_CASES = [(state, step) for state in COUPON_CONSENT.states for step in CONSENT_CALLS]


def _ids(cases) -> list[str]:
    return ["-".join(part if isinstance(part, str) else part.id for part in case) for case in cases]


def _application_revert(state: str, step) -> str:
    # a survey not under way is all FORMAL_OK lacks for its resumption
    if (state, step) == ("FORMAL_OK", steps.SURVEY_RESUME):
        return "applications: survey not paused"
    return "applications: wrong status"


def _reissue_revert(state: str, function: str) -> str:
    if state == "NONE":
        return "ledger: coupon not lost reported"
    return {
        "reissue": "ledger: reissue not filed",
        "resubmit_reissue": "ledger: no supplement required" if state == "REPORTED" else WRONG_STAGE,
        "resume_reissue_survey": "ledger: survey not paused" if state == "FORMAL_OK" else WRONG_STAGE,
    }.get(function, WRONG_STAGE)


@pytest.mark.parametrize(("state", "step", "decision"), APPLICATION_CASES, ids=_ids(APPLICATION_CASES))
def test_application_step__admitted_in_its_lifecycle_state__taken_else_reverted_with_nothing_changed(
        registry, actors, prepared, expect_revert, state, step, decision):
    application_id = prepared(f"application:{state}")
    calls, moves_to = APPLICATION_DECISIONS[step][decision]
    admitted = APPLICATION.admitted(state, step)

    if admitted or _shares_an_admitted_call(APPLICATION, state, calls[0][:2], _application_calls):
        for signer, function, arguments in calls:
            receipt = registry.send(getattr(actors, signer), function, application_id, *arguments)
        assert registry.application(application_id).status == ApplicationStatus[moves_to or state]
        moved = [event.args["status"] for event in receipt.named("ApplicationMoved")]
        assert moved == ([ApplicationStatus[moves_to]] if moves_to else [])
    else:
        signer, function, arguments = calls[0]
        with expect_revert(_application_revert(state, step)):
            registry.send(getattr(actors, signer), function, application_id, *arguments)


@pytest.mark.parametrize(("state", "step", "decision"), REISSUE_CASES, ids=_ids(REISSUE_CASES))
def test_reissue_step__admitted_in_its_lifecycle_stage__taken_else_reverted_with_nothing_changed(
        registry, story, prepared, expect_revert, state, step, decision):
    coupon_id = prepared(f"reissue:{state}")
    function, moves_to = REISSUE_DECISIONS[step][decision]

    if REISSUE_PROCEDURE.admitted(state, step) or _shares_an_admitted_call(
            REISSUE_PROCEDURE, state, function, _reissue_calls):
        receipt = story.take(function, coupon_id)
        assert registry.reissue_of(coupon_id).stage == ReissueStage[moves_to]
        assert [event.args["stage"] for event in receipt.named("ReissueMoved")] == [ReissueStage[moves_to]]
        assert registry.coupon(coupon_id).state.name == ("LOST_REPORTED" if moves_to != "NONE" else
                                                         "VOIDED" if function == "reissue" else "ACTIVE")
    else:
        with expect_revert(_reissue_revert(state, function)):
            story.take(function, coupon_id)


@pytest.mark.parametrize(("state", "step"), CONSENT_CASES, ids=_ids(CONSENT_CASES))
def test_consent_step__admitted_by_the_owners_consent__taken_else_reverted_with_nothing_changed(
        registry, story, prepared, expect_revert, state, step):
    coupon_id = prepared(f"consent:{state}")
    function = CONSENT_CALLS[step]

    if COUPON_CONSENT.admitted(state, step):
        receipt = story.take(function, coupon_id)
        if step == steps.REQUEST:  # another consent in its place
            assert registry.request_of(coupon_id).action == Action.OFFSET
            assert receipt.event("RequestMade").args["action"] == Action.OFFSET
        elif step == steps.CANCEL_REQUEST:
            assert not registry.request_of(coupon_id).action
            assert receipt.event("RequestCancelled").args["coupon"] == coupon_id
        else:  # the department's step took the consent and moved the coupon
            assert not registry.request_of(coupon_id).action
            assert receipt.named("CouponMoved")
    else:
        with expect_revert("ledger: no owner request"):
            story.take(function, coupon_id)


def test_consent_admits__an_open_request_is_cancelled_in_every_action():
    assert {state for state in COUPON_CONSENT.states if COUPON_CONSENT.admitted(state, steps.CANCEL_REQUEST)} == set(
        COUPON_CONSENT.states)


def test_shared_calls__a_refusal_ends_review_and_registration__the_eebs_return_its_review_and_filing():
    # the only calls two steps end in, and the states whose admitted steps end in them
    assert {state for state in REISSUE_PROCEDURE.states
            if _shares_an_admitted_call(REISSUE_PROCEDURE, state, "refuse_reissue", _reissue_calls)} == {
        "FORMAL_OK", "REVIEWED"}
    returned = ("eeb_officer", "return_to_center")
    assert {state for state in APPLICATION.states
            if _shares_an_admitted_call(APPLICATION, state, returned, _application_calls)} == {
        "OPINION_FORWARDED", "EEB_REVIEWED"}
