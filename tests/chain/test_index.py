"""The event index equals the chain, follows it incrementally and rebuilds from events."""

import pytest
from sqlalchemy import create_engine

from chain import Action, ApplicationStatus, CouponState, OffsetPurpose, Role, devnet
from chain.index import EventIndex
import chain_story


@pytest.fixture(scope="module")
def story():
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


def test_sync__demo_story__index_equals_chain(story, tmp_path):
    net, _ = story
    index = EventIndex(create_engine(f"sqlite:///{tmp_path / 'index.sqlite'}"))
    assert index.sync(net.registry) > 0
    _assert_index_equals_chain(index, net.registry)
    _assert_applications_equal_chain(index, net.registry)


def test_sync__applications_at_every_review_step__rows_equal_chain(story, tmp_path):
    net, _ = story
    registry, dep = net.registry, net.departments
    center, holder = dep[Role.CENTER], net.new_account()

    def submit(parcel: bytes) -> int:
        return registry.submit(holder, parcels=[parcel], period_start=1_640_966_400, period_end=1_704_038_400,
                               claimed_kg=4_000, documents_hash=b"\x01" * 32, report_hash=b"\x02" * 32).application

    supplemented, rejected, surveyed, half_validated = (submit(bytes([0x60 + i]) * 32) for i in range(4))
    registry.require_supplement(center, application=supplemented, missing_items=["合作开发协议"])
    registry.resubmit(holder, application=supplemented, documents_hash=b"\x03" * 32, report_hash=b"\x02" * 32)
    registry.reject(center, application=rejected, reason="材料不实")
    for application in (surveyed, half_validated):
        registry.pass_formal_review(center, application=application)
    registry.pause_field_survey(center, application=surveyed)
    registry.pass_preliminary_review(center, application=half_validated)
    registry.attest_report(dep[Role.VERIFIER], application=half_validated, report_hash=b"\x02" * 32, attested_kg=3_500)
    registry.sign_validation(dep[Role.FORESTRY], application=half_validated)

    index = EventIndex(create_engine(f"sqlite:///{tmp_path / 'index.sqlite'}"))
    index.sync(registry)

    _assert_applications_equal_chain(index, registry)
    assert [e for e, _ in index.survey_pauses([surveyed])[surveyed]] == ["FieldSurveyPaused"]
    history = [step["event"] for step in index.application_history(supplemented)]
    assert history == ["ApplicationSubmitted", "SupplementRequired", "ApplicationResubmitted"]


def test_sync__after_restart__applies_only_new_events(story, tmp_path):
    net, result = story
    url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    EventIndex(create_engine(url)).sync(net.registry)
    # New events after the first sync: freeze a coupon the holder still has.
    active = next(c for c in result.coupons if c["state"] == "ACTIVE")
    coupon_id = next(i for i in range(1, net.registry.coupon_count() + 1) if net.registry.number_of(i) == active["number"])
    net.registry.freeze(net.departments[Role.NRB], coupon=coupon_id, reason="抽查")

    reopened = EventIndex(create_engine(url))  # a restarted gateway: the cursor is on disk
    assert reopened.sync(net.registry) == 2  # the freeze's two events: CouponMoved, CouponFrozen
    assert reopened.provenance(active["number"])["coupon"]["state"] == "FROZEN"
    _assert_index_equals_chain(reopened, net.registry)
    net.registry.unfreeze(net.departments[Role.NRB], coupon=coupon_id)


def test_rebuild__from_events__same_projection(story, tmp_path):
    net, _ = story
    index = EventIndex(create_engine(f"sqlite:///{tmp_path / 'index.sqlite'}"))
    index.sync(net.registry)
    before = [(r.id, r.number, r.state, r.owner) for r in index.coupons()]
    progress = []
    index.rebuild(net.registry, progress=lambda done, total: progress.append((done, total)))
    assert [(r.id, r.number, r.state, r.owner) for r in index.coupons()] == before
    assert progress and progress[-1][0] == progress[-1][1]


def test_provenance__reissued_coupon__lineage_and_signed_history(story, tmp_path):
    net, result = story
    index = EventIndex(create_engine(f"sqlite:///{tmp_path / 'index.sqlite'}"))
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


def test_offset__by_tx_hash__certificate_fields(story, tmp_path):
    net, result = story
    index = EventIndex(create_engine(f"sqlite:///{tmp_path / 'index.sqlite'}"))
    index.sync(net.registry)
    for offset in result.offsets:
        row = index.offset(offset["tx_hash"])
        assert row["number"] == offset["coupon"]
        assert row["amount_kg"] == offset["amount_kg"]
        assert row["beneficiary"] == offset["beneficiary"]
        assert row["signer"] == net.departments[Role.EEB].address
    assert index.offset("0x" + "00" * 32) is None


def test_sync__split_coupon__parent_split_children_listed(story, tmp_path):
    net, _ = story
    registry = net.registry
    holder = net.new_account()
    coupon = devnet.issue_coupon(registry, net.departments, holder, parcels=[b"\x55" * 32], amount_kg=5_000)
    dep = net.departments
    registry.request(holder, coupon=coupon, action=Action.OFFSET, counterparty="0x" + "00" * 20, amount_kg=1)
    retired = registry.retire(dep[Role.EEB], coupon=coupon, purpose=OffsetPurpose.GREEN_POINTS,
                              beneficiary="积分用户", case_reference="GP-1").coupon

    index = EventIndex(create_engine(f"sqlite:///{tmp_path / 'index.sqlite'}"))
    index.sync(registry)
    parent = index.provenance(registry.number_of(coupon))
    assert parent["coupon"]["state"] == CouponState.SPLIT.name
    assert {c["number"] for c in parent["lineage"]["children"]} == {
        registry.number_of(retired), registry.number_of(retired + 1)
    }
    _assert_index_equals_chain(index, registry)



def test_queue_reads__open_consent_and_filed_reissue__found_by_coupon(story, tmp_path):
    net, result = story
    registry, holder = net.registry, net.new_account()
    coupon = devnet.issue_coupon(registry, net.departments, holder, parcels=[b"\x56" * 32], amount_kg=2_000)
    registry.request(holder, coupon=coupon, action=Action.LOSS, counterparty="0x" + "00" * 20, amount_kg=2_000)

    index = EventIndex(create_engine(f"sqlite:///{tmp_path / 'index.sqlite'}"))
    index.sync(registry)

    assert [(c.id, c.pending_action) for c in index.coupons(pending=True)] == [(coupon, "LOSS")]
    voided = index.numbers.id_of(next(c for c in result.coupons if c["state"] == "VOIDED")["number"])
    filed = index.reissues_filed([voided, coupon])
    assert list(filed) == [voided] and filed[voided] > 0
    registry.cancel_request(holder, coupon=coupon)
