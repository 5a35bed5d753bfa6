"""The event index equals the chain, follows it incrementally and rebuilds from events."""

import pytest
from sqlalchemy import create_engine

from chain import Action, ApplicationStatus, CouponState, OffsetPurpose, Role, devnet
from chain.index import EventIndex
import chain_story


@pytest.fixture(scope="module")
def story(database_kind):
    """The demo story on its own devnet for each database: the tests file applications on fixed parcels,
    which the other database's run would find filed already if they shared a chain."""
    net, _ = devnet.start()
    result = chain_story.run(net)
    return net, result


def _assert_index_equals_chain(index: EventIndex, registry) -> None:
    rows = index.coupons()
    assert len(rows) == registry.coupon_count()
    for row in rows:
        coupon = registry.coupon(row.id)
        assert (row.state, row.owner, row.amount_kg) == (coupon.state.name, coupon.owner, coupon.amount_kg)
        assert (row.first_serial, row.last_serial) == (coupon.first_serial, coupon.last_serial)
        assert row.number == registry.number_of(row.id)
        frozen_from, stage = registry.frozen_from(row.id), registry.reissue_of(row.id).stage
        invalidation = registry.invalidation(row.id)
        assert (row.frozen_from, row.reissue_stage, row.notice_end, row.invalid_reason) == (
            frozen_from.name if frozen_from else None,
            stage.name if stage else None,
            registry.call("loss_notice_end", row.id) or None,
            invalidation.reason if invalidation else None,
        )
        consent = registry.request_of(row.id)
        assert (row.pending_action, row.pending_counterparty, row.pending_amount_kg) == (
            (consent.action.name, consent.counterparty, consent.amount_kg) if consent.action else (None, None, None))


def _assert_applications_equal_chain(index: EventIndex, registry) -> None:
    statuses = [status.name for status in ApplicationStatus]
    rows = index.applications(statuses=statuses)
    assert [row.id for row in rows] == list(range(1, registry.call("application_count") + 1))
    for row in rows:
        a = registry.application(row.id)
        assert (row.status, row.applicant, row.claimed_kg, row.attested_kg, row.period_start, row.period_end) == (
            a.status.name, a.applicant, a.claimed_kg, a.attested_kg, a.period_start, a.period_end)
        assert (row.nrb_signed, row.forestry_signed, row.survey_paused, row.updated_at) == (
            a.nrb_signed, a.forestry_signed, a.survey_paused, a.updated_at)
        assert row.filing_number == (registry.call("filing_numbers", row.id) or None)


def test_sync__demo_story__index_equals_chain(story, index_url):
    net, _ = story
    index = EventIndex(create_engine(index_url))
    assert index.sync(net.registry) > 0
    _assert_index_equals_chain(index, net.registry)
    _assert_applications_equal_chain(index, net.registry)


def test_sync__applications_at_every_review_step__rows_equal_chain(story, index_url):
    net, _ = story
    registry, dep = net.registry, net.departments
    center, holder = dep[Role.CENTER], net.new_account()

    def submit(parcel: bytes) -> int:
        return registry.submit(holder, parcels=[parcel], period_start=1_640_966_400, period_end=1_704_038_400,
                               claimed_kg=4_000, documents_hash=b"\x01" * 32, report_hash=b"\x02" * 32, boundaries_hash=b"\x03" * 32).application

    supplemented, rejected, surveyed, half_validated = (submit(bytes([0x60 + i]) * 32) for i in range(4))
    registry.require_supplement(center, application=supplemented, missing_items=["合作开发协议"])
    registry.resubmit(holder, application=supplemented, documents_hash=b"\x03" * 32, report_hash=b"\x02" * 32)
    for application in (rejected, surveyed, half_validated):
        registry.pass_formal_review(center, application=application)
    registry.reject(center, application=rejected, reason="材料不实")  # 初审 refuses; formal review cannot
    registry.pause_field_survey(center, application=surveyed)
    registry.pass_preliminary_review(center, application=half_validated)
    registry.attest_report(dep[Role.VERIFIER], application=half_validated, report_hash=b"\x02" * 32, attested_kg=3_500)
    registry.sign_validation(dep[Role.FORESTRY], application=half_validated)

    index = EventIndex(create_engine(index_url))
    index.sync(registry)

    _assert_applications_equal_chain(index, registry)
    assert [e for e, _ in index.survey_pauses([surveyed])[surveyed]] == ["FieldSurveyPaused"]
    history = [step["event"] for step in index.application_history(supplemented)]
    assert history == ["ApplicationSubmitted", "SupplementRequired", "ApplicationResubmitted"]


def test_sync__after_restart__applies_only_new_events(story, index_url):
    net, result = story
    EventIndex(create_engine(index_url)).sync(net.registry)
    # New events after the first sync: freeze a coupon the holder still has.
    active = next(c for c in result.coupons if c["state"] == "ACTIVE")
    coupon_id = next(i for i in range(1, net.registry.coupon_count() + 1) if net.registry.number_of(i) == active["number"])
    net.registry.freeze(net.departments[Role.NRB], coupon=coupon_id, reason="抽查")

    reopened = EventIndex(create_engine(index_url))  # a restarted gateway: the cursor is on disk
    assert reopened.sync(net.registry) == 2  # the freeze's two events: CouponMoved, CouponFrozen
    assert reopened.provenance(active["number"])["coupon"]["state"] == "FROZEN"
    _assert_index_equals_chain(reopened, net.registry)
    net.registry.unfreeze(net.departments[Role.NRB], coupon=coupon_id)


def test_rebuild__from_events__same_projection(story, index_url):
    net, _ = story
    index = EventIndex(create_engine(index_url))
    index.sync(net.registry)
    before = [(r.id, r.number, r.state, r.owner) for r in index.coupons()]
    progress = []
    index.rebuild(net.registry, progress=lambda done, total: progress.append((done, total)))
    assert [(r.id, r.number, r.state, r.owner) for r in index.coupons()] == before
    assert progress and progress[-1][0] == progress[-1][1]


def test_provenance__reissued_coupon__lineage_and_signed_history(story, index_url):
    net, result = story
    index = EventIndex(create_engine(index_url))
    index.sync(net.registry)
    voided = next(c for c in result.coupons if c["state"] == "VOIDED")
    record = index.provenance(voided["number"])
    assert record["coupon"]["state"] == "VOIDED"
    replacement = record["lineage"]["replaced_by"]
    assert replacement is not None
    successor = index.provenance(replacement)
    assert successor["lineage"]["replaces"] == voided["number"]
    # Every step names its signing department or is the holder's own request.
    events = {(s["event"], s["department"]) for s in successor["history"]}
    assert ("CouponCreated", "GOV") in events
    assert ("LossReported", "CENTER") in events
    assert ("ReissueFiled", "EEB") in events
    assert ("CouponVoided", "GOV") in events
    assert all(s["tx_hash"].startswith("0x") and s["block"] > 0 and s["timestamp"] > 0 for s in successor["history"])
    assert index.provenance("HSTQ-1999-0001-0001") is None


def test_offset__by_tx_hash__certificate_fields(story, index_url):
    net, result = story
    index = EventIndex(create_engine(index_url))
    index.sync(net.registry)
    for offset in result.offsets:
        row = index.offset(offset["tx_hash"])
        assert row["number"] == offset["coupon"]
        assert row["amount_kg"] == offset["amount_kg"]
        assert row["beneficiary"] == offset["beneficiary"]
        assert row["signer"] == net.departments[Role.EEB].address
    assert index.offset("0x" + "00" * 32) is None


def test_sync__split_coupon__parent_split_children_listed(story, index_url):
    net, _ = story
    registry = net.registry
    holder = net.new_account()
    coupon = devnet.issue_coupon(registry, net.departments, holder, parcels=[b"\x55" * 32], amount_kg=5_000)
    dep = net.departments
    registry.request(holder, coupon=coupon, action=Action.OFFSET, counterparty="0x" + "00" * 20, amount_kg=1)
    retired = registry.retire(dep[Role.EEB], coupon=coupon, purpose=OffsetPurpose.GREEN_POINTS,
                              beneficiary="积分用户", case_reference="GP-1").coupon

    index = EventIndex(create_engine(index_url))
    index.sync(registry)
    parent = index.provenance(registry.number_of(coupon))
    assert parent["coupon"]["state"] == CouponState.SPLIT.name
    assert {c["number"] for c in parent["lineage"]["children"]} == {
        registry.number_of(retired), registry.number_of(retired + 1)
    }
    _assert_index_equals_chain(index, registry)



def test_queue_reads__open_consent_and_filed_reissue__found_by_coupon(story, index_url):
    net, result = story
    registry, holder = net.registry, net.new_account()
    coupon = devnet.issue_coupon(registry, net.departments, holder, parcels=[b"\x56" * 32], amount_kg=2_000)
    registry.request(holder, coupon=coupon, action=Action.LOSS, counterparty="0x" + "00" * 20, amount_kg=2_000)

    index = EventIndex(create_engine(index_url))
    index.sync(registry)

    assert [(c.id, c.pending_action) for c in index.coupons(pending=True)] == [(coupon, "LOSS")]
    voided = index.numbers.id_of(next(c for c in result.coupons if c["state"] == "VOIDED")["number"])
    filed = index.reissues_filed([voided, coupon])
    assert list(filed) == [voided] and filed[voided] > 0
    registry.cancel_request(holder, coupon=coupon)


def test_sync__annex1_application_steps__statuses_and_history_follow(story, index_url):
    net, _ = story
    registry, dep = net.registry, net.departments
    center, eeb, holder = dep[Role.CENTER], dep[Role.EEB], net.new_account()
    application = registry.submit(holder, parcels=[b"\x57" * 32], period_start=1_640_966_400,
                                  period_end=1_704_038_400, claimed_kg=4_000, documents_hash=b"\x01" * 32,
                                  report_hash=b"\x02" * 32, boundaries_hash=b"\x03" * 32).application
    registry.pass_formal_review(center, application=application)
    registry.pass_preliminary_review(center, application=application)
    registry.attest_report(dep[Role.VERIFIER], application=application, report_hash=b"\x02" * 32, attested_kg=4_000)
    registry.sign_validation(dep[Role.NRB], application=application)
    registry.sign_validation(dep[Role.FORESTRY], application=application)
    index = EventIndex(create_engine(index_url))

    moves = [
        (lambda: registry.issue_validation_opinion(center, application=application, opinion_hash=b"\x03" * 32),
         "OPINION_FORWARDED"),
        (lambda: registry.return_to_center(eeb, application=application, reason="意见未附外业记录"), "VALIDATED"),
        (lambda: registry.issue_validation_opinion(center, application=application, opinion_hash=b"\x04" * 32),
         "OPINION_FORWARDED"),
        (lambda: registry.pass_eeb_review(eeb, application=application), "EEB_REVIEWED"),
    ]
    for step, status in moves:
        step()
        index.sync(registry)
        row = index.application(application)
        assert (row.status, row.updated_at) == (status, registry.application(application).updated_at)
    _assert_applications_equal_chain(index, registry)
    history = index.application_history(application)
    assert [h["event"] for h in history[-4:]] == [
        "ValidationOpinionIssued", "ApplicationReturned", "ValidationOpinionIssued", "EebReviewPassed"]
    assert [h["department"] for h in history[-4:]] == ["CENTER", "EEB", "CENTER", "EEB"]
    assert history[-3]["details"]["reason"] == "意见未附外业记录"
    assert history[-2]["details"]["opinion_hash"] == "0x" + "04" * 32


def test_sync__freeze_in_each_live_state__frozen_from_then_restored(story, index_url):
    net, _ = story
    registry, dep, holder = net.registry, net.departments, net.new_account()
    coupon = devnet.issue_coupon(registry, dep, holder, parcels=[b"\x58" * 32], amount_kg=3_000)
    registry.request(holder, coupon=coupon, action=Action.LIST, counterparty="0x" + "00" * 20, amount_kg=3_000)
    registry.list_coupon(dep[Role.CENTER], coupon=coupon, price_fen_per_tonne=3_000, notice_end=2**32,
                         disclosure_hash=b"\x05" * 32)
    index = EventIndex(create_engine(index_url))

    registry.freeze(dep[Role.FORESTRY], coupon=coupon, reason="抽查发现权属争议")
    index.sync(registry)
    row = index.coupon(registry.number_of(coupon))
    assert (row.state, row.frozen_from) == ("FROZEN", "LISTED")
    assert coupon not in [listed.coupon.id for listed in index.listed()]  # off the disclosure board while frozen
    registry.unfreeze(dep[Role.FORESTRY], coupon=coupon)
    index.sync(registry)
    row = index.coupon(registry.number_of(coupon))
    assert (row.state, row.frozen_from) == ("LISTED", None)
    history = [s["event"] for s in index.provenance(row.number)["history"]]
    assert history[-2:] == ["CouponFrozen", "CouponUnfrozen"]
    _assert_index_equals_chain(index, registry)


def test_sync__reissue_procedure__stage_and_notice_end_on_the_row(story, index_url):
    net, _ = story
    registry, dep, holder = net.registry, net.departments, net.new_account()
    center = dep[Role.CENTER]
    refused = devnet.issue_coupon(registry, dep, holder, parcels=[b"\x59" * 32], amount_kg=1_000)
    reissued = devnet.issue_coupon(registry, dep, holder, parcels=[b"\x5a" * 32], amount_kg=1_000)
    index = EventIndex(create_engine(index_url))

    def row(coupon):
        index.sync(registry)
        return index.coupon(registry.number_of(coupon))

    for coupon in (refused, reissued):
        registry.request(holder, coupon=coupon, action=Action.LOSS, counterparty="0x" + "00" * 20, amount_kg=1_000)
        registry.report_loss(center, coupon=coupon)
        notice_end = registry.call("loss_notice_end", coupon)
        assert (row(coupon).reissue_stage, row(coupon).notice_end) == ("REPORTED", notice_end)
    registry.require_reissue_supplement(center, coupon=refused, missing_items=["遗失声明登报原件"])
    assert row(refused).reissue_stage == "REPORTED"
    registry.resubmit_reissue(holder, coupon=refused)
    registry.pass_reissue_formal_review(center, coupon=refused)  # formal review cannot refuse (附件1 二(二))
    assert row(refused).reissue_stage == "FORMAL_OK"
    registry.refuse_reissue(center, coupon=refused, reason="原持有人提出异议")
    assert (row(refused).state, row(refused).reissue_stage, row(refused).notice_end) == ("ACTIVE", None, None)

    steps = [
        (lambda: registry.pass_reissue_formal_review(center, coupon=reissued), "FORMAL_OK"),
        (lambda: registry.pause_reissue_survey(center, coupon=reissued), "FORMAL_OK"),
        (lambda: registry.resume_reissue_survey(center, coupon=reissued), "FORMAL_OK"),
        (lambda: registry.pass_reissue_review(center, coupon=reissued), "REVIEWED"),
        (lambda: registry.register_reissue(center, coupon=reissued), "REGISTERED"),
        (lambda: registry.file_reissue(dep[Role.EEB], coupon=reissued, filing_number="赫环碳补〔2026〕7号"), "FILED"),
    ]
    for step, stage in steps:
        step()
        assert row(reissued).reissue_stage == stage
    notice_end = row(reissued).notice_end
    net.evm.time_travel(notice_end)
    replacement = registry.reissue(dep[Role.GOV], coupon=reissued).coupon
    old = row(reissued)
    assert (old.state, old.reissue_stage, old.notice_end, old.replaced_by) == ("VOIDED", None, notice_end, replacement)
    events = [s["event"] for s in index.provenance(old.number)["history"]]
    assert events[-8:] == ["LossReported", "ReissueFormalReviewPassed", "ReissueSurveyPaused", "ReissueSurveyResumed",
                           "ReissueReviewPassed", "ReissueRegistered", "ReissueFiled", "CouponVoided"]
    _assert_index_equals_chain(index, registry)


def test_sync__voided_as_invalid__reason_on_the_row_and_both_signatures_in_history(story, index_url):
    net, _ = story
    registry, dep, holder = net.registry, net.departments, net.new_account()
    coupon = devnet.issue_coupon(registry, dep, holder, parcels=[b"\x5b" * 32], amount_kg=2_000)
    pledgee = net.new_account()
    registry.request(holder, coupon=coupon, action=Action.PLEDGE, counterparty=pledgee.address, amount_kg=2_000)
    registry.register_pledge(dep[Role.FINANCE], coupon=coupon, secured_fen=100, term_end=1_893_427_200)
    registry.freeze(dep[Role.NRB], coupon=coupon, reason="抽查")
    index = EventIndex(create_engine(index_url))

    registry.sign_voiding(dep[Role.FORESTRY], coupon=coupon, reason="监测数据造假", inspection_hash=b"\x06" * 32)
    index.sync(registry)
    assert index.coupon(registry.number_of(coupon)).state == "FROZEN"
    registry.sign_voiding(dep[Role.NRB], coupon=coupon, reason="监测数据造假", inspection_hash=b"\x06" * 32)
    index.sync(registry)

    row = index.coupon(registry.number_of(coupon))
    assert (row.state, row.invalid_reason, row.frozen_from, row.pledgee) == ("VOIDED", "监测数据造假", None, None)
    history = index.provenance(row.number)["history"]
    assert [(s["event"], s["department"]) for s in history[-3:]] == [
        ("VoidingSigned", "FORESTRY"), ("VoidingSigned", "NRB"), ("CouponInvalidated", "NRB")]
    assert history[-1]["details"] == {"coupon": coupon, "reason": "监测数据造假", "inspection_hash": "0x" + "06" * 32}
    _assert_index_equals_chain(index, registry)
