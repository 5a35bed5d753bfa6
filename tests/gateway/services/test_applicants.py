"""Applicants (第八条, 附件1 一, 附件2): "my applications" with each one's status as the chain has it, the
centre's whole list of missing items (一次性告知, 附件1 一(二)), the reason of a rejection, and the resubmission;
§8's joint applications: a collective economic organisation named as co-applicant (共同申请人), and a qualified
third party applying for the right-holder (权利人) with its entrustment (委托书), the coupon minted to the
right-holder. Every refusal leaves the records and the chain as they were."""

from __future__ import annotations

import uuid
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gateway.core.db import ApplicationRecord, AuditEntry, PreparedApplication
from gateway.demo import DEMO_PASSWORD, ENFORCEMENT_OFFICIAL, OFFICIALS
from gateway.services import public
from gateway.services.coupons import coupon_id
from support import api
from support.api import application_form, owner_request, submit, upload, walk
from support.http import API, error_of, login, ok

ENTERPRISE = "赫山区某林业调查规划设计有限公司"  # a qualified third party (有资质的第三方)
MISSING = ["登记申请表（附件2）未盖章", "缺合作开发协议"]


@pytest.fixture(scope="module")
def collective(client):
    return api.register_holder(client, organisation="赫山区某村股份经济合作社", account_type="COLLECTIVE")


@pytest.fixture(scope="module")
def co_collective(client):
    return api.register_holder(client, organisation="赫山区某村经济合作社", account_type="COLLECTIVE")


@pytest.fixture(scope="module")
def agent(client):
    return api.register_agent(client, ENTERPRISE)


def _records(gateway) -> list[tuple]:
    """The application records and the prepared applications, each as it stands."""
    with gateway.db.sessions() as db:
        return [(r.application_id, r.documents, r.holder_id, r.agent_id, r.entrustment_document, r.co_applicant_id)
                for r in db.scalars(select(ApplicationRecord).order_by(ApplicationRecord.application_id))] + [
                (p.id, p.status, p.holder_confirmed_at, p.co_applicant_confirmed_at, p.application_id)
                for p in db.scalars(select(PreparedApplication).order_by(PreparedApplication.id))]


def _events_since(gateway, block: int) -> list:
    w3 = gateway.registry.chain.w3
    if w3.eth.block_number <= block:
        return []
    addresses = [gateway.registry.applications.address, gateway.registry.ledger.address]
    return w3.eth.get_logs({"fromBlock": block + 1, "toBlock": w3.eth.block_number, "address": addresses})


@contextmanager
def nothing_changes(gateway, *applications: int):
    """The gateway's application records, these applications on chain and the registry's events are as before."""
    before = (_records(gateway), [gateway.registry.application(a) for a in applications],
              gateway.registry.call("application_count"))
    head = gateway.registry.chain.w3.eth.block_number
    yield
    assert _events_since(gateway, head) == []
    assert (_records(gateway), [gateway.registry.application(a) for a in applications],
            gateway.registry.call("application_count")) == before


def _mine(client, holder) -> dict[int, dict]:
    return {a["id"]: a for a in ok(client.get(f"{API}/applications/mine", headers=holder.headers))}


def _apply(client, holder, **changes) -> api.Application:
    return submit(client, holder, application_form(upload(client, holder.headers, name="报告.pdf"), **changes))


def _supplement(client, officials, application: int, items=MISSING):
    return ok(client.post(f"{API}/applications/{application}/formal-review", headers=officials["CENTER"],
                          json={"decision": "supplement", "missing_items": items}))


def _resubmit(client, holder, application: int):
    report = upload(client, holder.headers, name="补正后的报告.pdf")
    agreement = upload(client, holder.headers, name="合作开发协议.pdf")
    return client.post(f"{API}/applications/{application}/resubmit", headers=holder.headers,
                       json={"documents": {"report": report, "agreement": agreement}})


def _joint(client, right_holder, co_applicant) -> int:
    """The right-holder's application naming a co-applicant collective, sent once the collective confirms."""
    form = application_form(upload(client, right_holder.headers, name="报告.pdf"), co_applicant=co_applicant.username)
    return api.confirm(client, co_applicant, api.prepare(client, right_holder, form))["application"]


def _by_agent(client, agent, form: dict, *parties) -> int:
    """An agent's application, sent once the right-holder (and a co-applicant) confirmed it."""
    prepared = api.prepare(client, agent, form)
    return [api.confirm(client, party, prepared) for party in parties][-1]["application"]


def _as_agent(client, agent, right_holder, **changes) -> dict:
    entrustment = upload(client, agent.headers, name="委托书.pdf")
    form = application_form(upload(client, agent.headers, name="报告.pdf"), **changes)
    return {**form, "right_holder": right_holder.username, "entrustment_document": entrustment}


# -- my applications: status, missing items, rejection, resubmission (附件1 一(二))


def test_my_applications__holder_applied__listed_with_the_status_the_chain_holds(client, gateway, collective):
    application = _apply(client, collective).id

    mine = _mine(client, collective)

    assert mine[application]["status"] == gateway.registry.application(application).status.name == "SUBMITTED"
    assert mine[application]["party"] == "applicant"
    assert mine[application]["applicant"]["organisation"] == "赫山区某村股份经济合作社"
    assert mine[application]["applicant"]["account_type"] == "COLLECTIVE"
    assert mine[application]["methodology"] == "HS-01"
    assert mine[application]["missing_items"] == [] and mine[application]["rejection"] is None
    assert list(mine) == sorted(mine, reverse=True)  # newest first


def test_my_applications__centre_asks_for_supplements__every_missing_item_shown(client, gateway, officials,
                                                                                   collective):
    application = _apply(client, collective).id

    _supplement(client, officials, application)

    mine = _mine(client, collective)[application]
    assert mine["status"] == gateway.registry.application(application).status.name == "SUPPLEMENT_REQUIRED"
    assert mine["missing_items"] == MISSING and mine["supplement_requested_at"]
    detail = ok(client.get(f"{API}/applications/{application}", headers=collective.headers))
    assert detail["missing_items"] == MISSING and detail["party"] == "applicant"


def test_resubmit__after_supplement__submitted_again_with_the_new_documents(client, gateway, officials, collective):
    application = _apply(client, collective).id
    _supplement(client, officials, application)

    answer = ok(_resubmit(client, collective, application))

    assert gateway.registry.application(application).status.name == "SUBMITTED"
    mine = _mine(client, collective)[application]
    assert mine["status"] == "SUBMITTED" and mine["missing_items"] == []
    with gateway.db.sessions() as db:
        record = db.get(ApplicationRecord, application)
    assert record.documents["agreement"] is not None
    assert gateway.registry.application(application).report_hash == bytes.fromhex(record.documents["report"])
    events = ok(client.get(f"{API}/applications/{application}", headers=collective.headers))["history"]
    assert events[-1]["event"] == "ApplicationResubmitted" and events[-1]["tx_hash"] == answer["tx_hash"]


def test_my_applications__rejected__shows_the_reason_and_who_rejected(client, gateway, officials, collective):
    application = _apply(client, collective).id
    ok(client.post(f"{API}/applications/{application}/formal-review", headers=officials["CENTER"],
                   json={"decision": "pass"}))
    ok(client.post(f"{API}/applications/{application}/preliminary-review", headers=officials["CENTER"],
                   json={"decision": "reject", "reason": "宗地权属不清"}))  # 初审 may refuse (附件1 一(二))

    mine = _mine(client, collective)[application]

    assert mine["status"] == gateway.registry.application(application).status.name == "REJECTED"
    assert mine["rejection"]["reason"] == "宗地权属不清" and mine["rejection"]["department"] == "CENTER"


def test_my_applications__eeb_returns_the_file__applicant_reads_the_reason_in_its_detail_and_page(
    client, gateway, officials, collective
):
    """附件1 一(四): a file the EEB returns to the centre (退回) tells the applicant why."""
    application = _apply(client, collective)
    walk(client, officials, application, through="opinion")

    ok(client.post(f"{API}/applications/{application.id}/eeb-review", headers=officials["EEB"],
                   json={"decision": "return", "reason": "审定意见未附实地核查记录"}))

    detail = ok(client.get(f"{API}/applications/{application.id}", headers=collective.headers))
    assert detail["status"] == gateway.registry.application(application.id).status.name
    assert detail["returned"]["reason"] == "审定意见未附实地核查记录" and detail["returned"]["at"]
    assert detail["opinion_document"] is None  # the centre issues a new opinion
    assert detail["history"][-1]["event"] == "ApplicationReturned"
    page = _page(client, f"/console/applications/{application.id}", collective.username)
    assert '<dd id="returned">' in page and "审定意见未附实地核查记录" in page


def _issued_by_land_type(gateway) -> dict[str, Decimal]:
    with gateway.db.sessions() as db:
        charted = public.activity(gateway, db)["by_land_type"]
    return defaultdict(Decimal, {land: series.get("issued", Decimal(0)) for land, series in charted.items()})


def test_submit__parcels_and_other_documents__read_back_by_the_applicant_and_on_the_coupon(
    client, gateway, officials, collective
):
    """附件2: each parcel's 坐落 and 面积 as given; 附件1 一(一)5: the other documents (其他资料) cited with the
    application, kept with it and shown on its page."""
    others = [upload(client, collective.headers, name=f"其他资料{i}.pdf") for i in (1, 2, 3)]
    first, second = (f"HS-QJH-{uuid.uuid4().hex[:8]}" for _ in range(2))
    parcels = [{"number": first, "location": "泉交河镇丰产村三组", "land_type": "FOREST", "area_mu": "120.5"},
               {"number": second, "location": "泉交河镇丰产村五组", "land_type": "WETLAND", "area_mu": "79.5"}]
    report = upload(client, collective.headers, name="报告.pdf")
    application = submit(client, collective, application_form(
        report, parcels=parcels, documents={"report": report, "others": others}))

    detail = ok(client.get(f"{API}/applications/{application.id}", headers=collective.headers))
    assert [(p["number"], p["location"], p["area_mu"]) for p in detail["parcels"]] == [
        (first, "泉交河镇丰产村三组", "120.5"), (second, "泉交河镇丰产村五组", "79.5")]
    assert detail["documents"]["others"] == others
    assert _mine(client, collective)[application.id]["documents"]["others"] == others
    with gateway.db.sessions() as db:
        assert db.get(ApplicationRecord, application.id).documents["others"] == others
    page = _page(client, f"/console/applications/{application.id}", collective.username)
    assert all(f'href="/api/v1/documents/{sha}"' in page for sha in others)
    assert "<td>泉交河镇丰产村三组</td>" in page and "<td>120.5</td>" in page

    charted = _issued_by_land_type(gateway)
    number = walk(client, officials, application)

    shown = ok(client.get(f"{API}/public/coupons/{number}"))["parcels"]
    assert [(p["location"], p["area_mu"]) for p in shown] == [("泉交河镇丰产村三组", "120.5"), ("泉交河镇丰产村五组", "79.5")]
    after = _issued_by_land_type(gateway)  # the 1000 t split over the parcels by area (statistics page)
    assert (after["FOREST"] - charted["FOREST"], after["WETLAND"] - charted["WETLAND"]) == (Decimal("602.5"),
                                                                                           Decimal("397.5"))


def test_submit__other_document_another_account_uploaded__422_document_not_found_and_nothing_changed(
    client, gateway, new_holder, collective
):
    report = upload(client, collective.headers)
    foreign = upload(client, new_holder().headers)

    with nothing_changes(gateway):
        response = client.post(f"{API}/applications", headers=collective.headers, json=application_form(
            report, documents={"report": report, "others": [foreign]}))
        error_of(response, 422, "DOCUMENT_NOT_FOUND")


def test_my_applications__another_holders_application__neither_listed_nor_readable(client, collective, new_holder):
    application = _apply(client, collective).id
    stranger = new_holder()

    assert application not in _mine(client, stranger)
    theirs = error_of(client.get(f"{API}/applications/{application}", headers=stranger.headers), 404,
                      "APPLICATION_NOT_FOUND")
    missing = error_of(client.get(f"{API}/applications/{2**31 - 1}", headers=stranger.headers), 404, "APPLICATION_NOT_FOUND")
    assert theirs["message"].replace(str(application), "N") == missing["message"].replace(str(2**31 - 1), "N")


def test_my_applications__official__refused(client, officials):
    error_of(client.get(f"{API}/applications/mine", headers=officials["CENTER"]), 403, "ROLE_REQUIRED")


def test_application__enforcement_body__403_and_no_parties_shown(client, collective):
    application = _apply(client, collective).id
    response = client.get(f"{API}/applications/{application}", headers=login(client, ENFORCEMENT_OFFICIAL))
    error_of(response, 403, "ROLE_REQUIRED")
    assert collective.username not in response.text


def test_resubmit__not_asked_for__refused_and_nothing_changed(client, gateway, collective):
    application = _apply(client, collective).id
    report, agreement = upload(client, collective.headers), upload(client, collective.headers)

    with nothing_changes(gateway, application):
        response = client.post(f"{API}/applications/{application}/resubmit", headers=collective.headers,
                               json={"documents": {"report": report, "agreement": agreement}})
        error_of(response, 409, "APPLICATION_WRONG_STATUS")


def test_resubmit__by_a_holder_not_party_to_it__refused_and_nothing_changed(client, gateway, officials,
                                                                            collective, new_holder):
    application = _apply(client, collective).id
    _supplement(client, officials, application)
    stranger = new_holder()
    report = upload(client, stranger.headers)

    with nothing_changes(gateway, application):
        response = client.post(f"{API}/applications/{application}/resubmit", headers=stranger.headers,
                               json={"documents": {"report": report}})
        error_of(response, 403, "NOT_APPLICANT")


# -- §8: a collective economic organisation as co-applicant


def test_submit__collective_as_co_applicant__named_on_the_record_and_shown_to_it(client, gateway, new_holder,
                                                                                  co_collective):
    right_holder = new_holder(None)  # a person holding the land's rights, with the village collective
    application = _joint(client, right_holder, co_collective)

    detail = ok(client.get(f"{API}/applications/{application}", headers=right_holder.headers))
    assert detail["co_applicant"]["organisation"] == "赫山区某村经济合作社"
    assert detail["co_applicant"]["account_type"] == "COLLECTIVE" and detail["co_applicant"]["verified"]
    assert detail["applicant"]["username"] == right_holder.username and detail["agent"] is None
    assert _mine(client, co_collective)[application]["party"] == "co_applicant"
    assert ok(client.get(f"{API}/applications/{application}", headers=co_collective.headers))["party"] == "co_applicant"
    assert gateway.registry.application(application).applicant == right_holder.address  # the chain's applicant


def test_resubmit__by_the_co_applicant__refused_and_nothing_changed(client, gateway, officials, new_holder,
                                                                  co_collective):
    application = _joint(client, new_holder(None), co_collective)
    _supplement(client, officials, application)
    report = upload(client, co_collective.headers)

    with nothing_changes(gateway, application):
        response = client.post(f"{API}/applications/{application}/resubmit", headers=co_collective.headers,
                               json={"documents": {"report": report}})
        error_of(response, 403, "NOT_APPLICANT")


@pytest.mark.parametrize(("co_applicant", "status", "code"), [
    ("agent", 422, "CO_APPLICANT_NOT_COLLECTIVE"),  # an enterprise is not a collective economic organisation
    ("nobody-by-this-name", 422, "CO_APPLICANT_NOT_FOUND"),
    ("unverified", 403, "ACCOUNT_UNVERIFIED"),
    ("self", 422, "CO_APPLICANT_IS_APPLICANT"),
])
def test_submit__co_applicant_not_an_other_verified_collective__refused_and_nothing_changed(
    client, gateway, collective, agent, co_applicant, status, code
):
    named = {"agent": agent.username, "self": collective.username,
             "unverified": api.register_holder(client, account_type="COLLECTIVE", verified=False).username,
             }.get(co_applicant, co_applicant)
    form = application_form(upload(client, collective.headers), co_applicant=named)

    with nothing_changes(gateway):
        body = error_of(client.post(f"{API}/applications", headers=collective.headers, json=form), status, code)
    assert body["detail"]["field"] == "co_applicant"


# -- §8: a qualified third party applies for the right-holder; the coupon is the right-holder's


def test_submit__agent_for_a_right_holder__right_holder_applies_on_chain_agent_and_entrustment_recorded(
    client, gateway, agent, new_holder
):
    right_holder = new_holder()
    form = _as_agent(client, agent, right_holder)

    application = _by_agent(client, agent, form, right_holder)

    assert gateway.registry.application(application).applicant == right_holder.address
    detail = ok(client.get(f"{API}/applications/{application}", headers=agent.headers))
    assert detail["party"] == "agent"
    assert detail["applicant"]["username"] == right_holder.username
    assert detail["agent"]["organisation"] == ENTERPRISE and detail["agent"]["account_type"] == "ENTERPRISE"
    assert detail["entrustment_document"] == form["entrustment_document"]
    assert _mine(client, right_holder)[application]["party"] == "applicant"
    assert _mine(client, agent)[application]["party"] == "agent"
    with gateway.db.sessions() as db:
        audited = {e.action: e for e in db.scalars(select(AuditEntry).where(AuditEntry.action.in_(
            ["application.prepare", "application.confirm", "application.submit"])).order_by(AuditEntry.id))}
    assert audited["application.prepare"].username == agent.username
    assert audited["application.submit"].username == right_holder.username  # its confirmation sent it
    assert audited["application.submit"].tx_hash == detail["history"][0]["tx_hash"]


def test_document__agent_filed_it__the_right_holder_and_co_applicant_read_it_a_stranger_does_not(
    client, agent, co_collective, new_holder
):
    right_holder, stranger = new_holder(), new_holder()
    form = {**_as_agent(client, agent, right_holder), "co_applicant": co_collective.username}
    api.prepare(client, agent, form)  # the parties read what they are asked to confirm

    for sha256 in (form["documents"]["report"], form["entrustment_document"]):
        for party in (agent, right_holder, co_collective):
            assert client.get(f"{API}/documents/{sha256}", headers=party.headers).status_code == 200
        error_of(client.get(f"{API}/documents/{sha256}", headers=stranger.headers), 403, "ROLE_REQUIRED")


def test_mint__agents_application__coupon_owned_by_the_right_holder_and_agent_cannot_act_as_owner(
    client, gateway, officials, agent, new_holder
):
    right_holder = new_holder()
    form = _as_agent(client, agent, right_holder, claimed_t="300")
    application = _by_agent(client, agent, form, right_holder)
    number = walk(client, officials, api.Application(application, form["documents"]["report"], "300"))

    assert gateway.registry.coupon(coupon_id(gateway, number)).owner == right_holder.address
    assert _mine(client, right_holder)[application]["coupon"] == number
    before = ok(client.get(f"{API}/public/coupons/{number}"))
    head = gateway.registry.chain.w3.eth.block_number
    error_of(owner_request(client, agent, number, "LIST"), 403, "NOT_OWNER")
    assert _events_since(gateway, head) == []
    assert ok(client.get(f"{API}/public/coupons/{number}")) == before
    ok(owner_request(client, right_holder, number, "LIST"))  # the right-holder acts as owner


def test_resubmit__by_the_agent__signed_for_the_right_holder(client, gateway, officials, agent, new_holder):
    right_holder = new_holder()
    form = _as_agent(client, agent, right_holder)
    application = _by_agent(client, agent, form, right_holder)
    _supplement(client, officials, application)

    ok(_resubmit(client, agent, application))

    assert gateway.registry.application(application).status.name == "SUBMITTED"
    assert gateway.registry.application(application).applicant == right_holder.address


@pytest.mark.parametrize(("case", "status", "code", "field"), [
    ("unknown right-holder", 422, "RIGHT_HOLDER_NOT_FOUND", "right_holder"),
    ("unverified right-holder", 403, "ACCOUNT_UNVERIFIED", "right_holder"),
    ("no entrustment", 422, "AGENT_ENTRUSTMENT_REQUIRED", "entrustment_document"),
    ("entrustment not uploaded", 422, "DOCUMENT_NOT_FOUND", "entrustment_document"),
    ("a person as agent", 422, "AGENT_NOT_QUALIFIED", "right_holder"),
    ("a collective as agent", 422, "AGENT_NOT_QUALIFIED", "right_holder"),
    ("an enterprise without its qualification recorded", 422, "AGENT_NOT_QUALIFIED", "right_holder"),
    ("entrustment without right-holder", 422, "NO_RIGHT_HOLDER", "right_holder"),
])
def test_submit__agent_application_not_admissible__refused_and_nothing_changed(
    client, gateway, agent, new_holder, case, status, code, field
):
    applicant, right_holder = agent, new_holder()
    form = _as_agent(client, agent, right_holder)
    if case == "unknown right-holder":
        form["right_holder"] = "nobody-by-this-name"
    elif case == "unverified right-holder":
        form["right_holder"] = api.register_holder(client, verified=False).username
    elif case == "no entrustment":
        form["entrustment_document"] = None
    elif case == "entrustment not uploaded":
        form["entrustment_document"] = "0" * 64
    elif case in ("a person as agent", "a collective as agent", "an enterprise without its qualification recorded"):
        account = {"a person as agent": (None, None), "a collective as agent": (api.COOPERATIVE, None)}
        applicant = new_holder(*account.get(case, ("赫山区某咨询有限公司", "ENTERPRISE")))  # verified, not qualified
        form["documents"]["report"] = upload(client, applicant.headers)
        form["entrustment_document"] = upload(client, applicant.headers)
    elif case == "entrustment without right-holder":
        form["right_holder"] = None

    with nothing_changes(gateway):
        body = error_of(client.post(f"{API}/applications", headers=applicant.headers, json=form), status, code)
    assert body["detail"]["field"] == field
    assert _mine(client, right_holder) == {}


# -- previews: the consoles frame an uploaded document before a form is sent


def test_document__served_back__framed_by_this_site_only(client, collective):
    sha = upload(client, collective.headers, name="登记申请表.pdf")

    response = client.get(f"{API}/documents/{sha}", headers=collective.headers)

    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in client.get("/").headers["content-security-policy"]


def test_resubmit__only_the_missing_document__the_others_stay_as_submitted(client, gateway, officials, collective):
    licence = upload(client, collective.headers, name="营业执照.pdf")
    form = application_form(upload(client, collective.headers, name="报告.pdf"))
    form["documents"]["licence"] = licence
    application = submit(client, collective, form).id
    _supplement(client, officials, application, ["缺合作开发协议"])
    agreement = upload(client, collective.headers, name="合作开发协议.pdf")

    ok(client.post(f"{API}/applications/{application}/resubmit", headers=collective.headers,
                   json={"documents": {"agreement": agreement}}))

    documents = ok(client.get(f"{API}/applications/{application}", headers=collective.headers))["documents"]
    assert (documents["report"], documents["licence"], documents["agreement"]) == (
        form["documents"]["report"], licence, agreement)
    assert gateway.registry.application(application).status.name == "SUBMITTED"


def test_resubmit__nothing_supplemented__refused_and_nothing_changed(client, gateway, officials, collective):
    application = _apply(client, collective).id
    _supplement(client, officials, application)

    with nothing_changes(gateway, application):
        response = client.post(f"{API}/applications/{application}/resubmit", headers=collective.headers,
                               json={"documents": {}})
        error_of(response, 422, "NOTHING_SUPPLEMENTED")


# -- the review pages show who applied and the methodology


def _page(client, path: str, username: str) -> str:
    with TestClient(client.app) as browser:
        assert browser.post("/console/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 200
        page = browser.get(path)
        assert page.status_code == 200, page.text
        return page.text


@pytest.mark.parametrize("department", ["CENTER", "NRB", "FORESTRY", "EEB", "GOV"])
def test_review_page__joint_application__shows_right_holder_agent_co_applicant_and_methodology(
    client, agent, co_collective, new_holder, department
):
    right_holder = api.register_holder(client, organisation="赫山区某家庭林场", account_type="ENTERPRISE")
    form = _as_agent(client, agent, right_holder, methodology="赫山区自然生态系统碳汇计量方法学（湿地）",
                     co_applicant=co_collective.username)
    application = _by_agent(client, agent, form, right_holder, co_collective)

    page = _page(client, f"/console/applications/{application}", OFFICIALS[department])

    assert '<dd data-party="right_holder">赫山区某家庭林场' in page
    assert f'<dd data-party="agent">{ENTERPRISE}' in page and form["entrustment_document"] in page
    assert '<dd data-party="co_applicant">赫山区某村经济合作社' in page and "农村集体经济组织" in page
    assert '<dd id="methodology">赫山区自然生态系统碳汇计量方法学（湿地）</dd>' in page


def test_review_page__co_applicant__sees_the_application_but_no_resubmit_form(client, officials, new_holder,
                                                                            co_collective):
    right_holder = new_holder(None)
    application = _joint(client, right_holder, co_collective)
    _supplement(client, officials, application)

    shown = _page(client, f"/console/applications/{application}", co_collective.username)
    mine = _page(client, "/console/applications", co_collective.username)

    assert 'id="missing-items"' in shown and MISSING[0] in shown
    assert 'data-step="application.resubmit"' not in shown and 'data-step="application.resubmit"' not in mine
    assert 'data-step="application.resubmit"' in _page(client, "/console/applications", right_holder.username)


# -- §8, DESIGN §11: the parties named confirm in their own consoles before anything is on chain


def _prepared(client, party, prepared: int) -> dict:
    return {p["id"]: p for p in ok(client.get(f"{API}/applications/prepared", headers=party.headers))}[prepared]


def _decline(client, party, prepared: int, reason: str = "宗地面积与委托不符"):
    return client.post(f"{API}/applications/prepared/{prepared}/declining", headers=party.headers,
                       json={"reason": reason})


@contextmanager
def nothing_on_chain(gateway):
    """No event of the registry's, and no application more, on chain."""
    count, head = gateway.registry.call("application_count"), gateway.registry.chain.w3.eth.block_number
    yield
    assert _events_since(gateway, head) == [] and gateway.registry.call("application_count") == count


def test_prepare__agent_for_a_right_holder__nothing_on_chain_until_the_right_holder_confirms_it(
    client, gateway, agent, new_holder
):
    right_holder = new_holder()
    form = _as_agent(client, agent, right_holder)

    with nothing_on_chain(gateway):
        answer = client.post(f"{API}/applications", headers=agent.headers, json=form)
        assert answer.status_code == 202, answer.text
        assert answer.json()["waiting_for"] == ["right_holder"] and answer.json()["application"] is None
        prepared = answer.json()["prepared"]
        seen = _prepared(client, right_holder, prepared)
        assert seen["yours_to_confirm"] and seen["party"] == "right_holder"
        assert seen["agent"]["organisation"] == ENTERPRISE and seen["documents"]["report"] == form["documents"]["report"]
        assert _prepared(client, agent, prepared)["yours_to_confirm"] is False
        assert _mine(client, right_holder) == {}

    application = api.confirm(client, right_holder, prepared)["application"]

    assert gateway.registry.application(application).applicant == right_holder.address
    assert _prepared(client, agent, prepared)["status"] == "SUBMITTED"
    assert _prepared(client, agent, prepared)["application"] == application
    assert _mine(client, agent)[application]["party"] == "agent"


def test_confirm__co_applicant_named__sent_only_once_both_the_right_holder_and_the_collective_confirmed(
    client, gateway, agent, co_collective, new_holder
):
    right_holder = new_holder()
    prepared = api.prepare(client, agent, {**_as_agent(client, agent, right_holder), "co_applicant": co_collective.username})

    with nothing_on_chain(gateway):
        first = api.confirm(client, right_holder, prepared)
    assert first["status"] == "AWAITING" and first["waiting_for"] == ["co_applicant"]
    assert _prepared(client, co_collective, prepared)["yours_to_confirm"]
    application = api.confirm(client, co_collective, prepared)["application"]

    assert gateway.registry.application(application).applicant == right_holder.address
    detail = ok(client.get(f"{API}/applications/{application}", headers=co_collective.headers))
    assert detail["party"] == "co_applicant" and detail["agent"]["organisation"] == ENTERPRISE
    shown = _prepared(client, right_holder, prepared)
    assert shown["confirmed"]["right_holder"] and shown["confirmed"]["co_applicant"] and shown["waiting_for"] == []


def test_confirm__not_the_party_asked_or_twice__refused_and_nothing_changed(client, gateway, agent, co_collective,
                                                                          new_holder):
    right_holder, stranger = new_holder(), new_holder()
    prepared = api.prepare(client, agent, {**_as_agent(client, agent, right_holder), "co_applicant": co_collective.username})
    api.confirm(client, right_holder, prepared)
    url = f"{API}/applications/prepared/{prepared}/confirmation"

    with nothing_changes(gateway):
        error_of(client.post(url, headers=agent.headers), 403, "NOT_ASKED_TO_CONFIRM")
        error_of(client.post(url, headers=stranger.headers), 404, "PREPARED_APPLICATION_NOT_FOUND")
        error_of(client.post(url, headers=right_holder.headers), 409, "ALREADY_CONFIRMED")
        error_of(_decline(client, stranger, prepared), 404, "PREPARED_APPLICATION_NOT_FOUND")


def test_decline__by_the_right_holder__never_sent_and_the_agent_reads_why(client, gateway, agent, new_holder):
    right_holder = new_holder()
    prepared = api.prepare(client, agent, _as_agent(client, agent, right_holder))

    with nothing_on_chain(gateway):
        assert ok(_decline(client, right_holder, prepared))["status"] == "DECLINED"
        error_of(client.post(f"{API}/applications/prepared/{prepared}/confirmation", headers=right_holder.headers),
                 409, "PREPARED_APPLICATION_CLOSED")

    shown = _prepared(client, agent, prepared)
    assert shown["declined"] == {"by": shown["applicant"], "reason": "宗地面积与委托不符"}
    assert shown["waiting_for"] == [] and shown["application"] is None


def test_decline__the_agent_withdraws_what_it_prepared__closed_for_the_right_holder(client, gateway, agent,
                                                                                   new_holder):
    right_holder = new_holder()
    prepared = api.prepare(client, agent, _as_agent(client, agent, right_holder))

    ok(_decline(client, agent, prepared, "委托书有误，撤回重报"))

    assert _prepared(client, right_holder, prepared)["status"] == "DECLINED"
    assert _prepared(client, right_holder, prepared)["yours_to_confirm"] is False


def test_confirm__agents_verification_revoked_meanwhile__refused_and_the_confirmation_not_kept(
    client, gateway, new_holder
):
    """§8: the application is checked anew when it is sent; an agent no longer qualified sends nothing."""
    agent, right_holder = api.register_agent(client, "赫山区某生态咨询有限公司"), new_holder()
    prepared = api.prepare(client, agent, _as_agent(client, agent, right_holder))
    ok(client.post(f"{API}/auth/accounts/{agent.username}/verification/revocation",
                   headers=api.centre_session(client), json={"reason": "资质证书已过期"}))

    with nothing_changes(gateway):
        response = client.post(f"{API}/applications/prepared/{prepared}/confirmation", headers=right_holder.headers)
        assert error_of(response, 422, "AGENT_NOT_QUALIFIED")["detail"]["field"] == "right_holder"
    assert _prepared(client, right_holder, prepared)["yours_to_confirm"]


def test_confirm__parcel_put_on_the_ccer_list_meanwhile__the_chain_refuses_and_the_confirmation_is_not_kept(
    client, gateway, officials, co_collective, new_holder
):
    right_holder = new_holder(None)
    form = application_form(upload(client, right_holder.headers), co_applicant=co_collective.username)
    prepared = api.prepare(client, right_holder, form)
    ok(client.post(f"{API}/parcels/ccer", headers=officials["EEB"],
                   json={"parcel_number": form["parcels"][0]["number"], "listed": True}))

    with nothing_changes(gateway):
        error_of(client.post(f"{API}/applications/prepared/{prepared}/confirmation", headers=co_collective.headers),
                 409, "PARCEL_ON_CCER_LIST")

    assert _prepared(client, co_collective, prepared)["waiting_for"] == ["co_applicant"]


@pytest.mark.parametrize(("account_type", "status", "code", "field"), [
    ("COLLECTIVE", 422, "QUALIFICATION_NOT_FOR_THIS_ACCOUNT", "qualification"),
    ("ENTERPRISE", 422, "DOCUMENT_NOT_FOUND", "qualification_document"),
])
def test_verify__qualification_for_a_collective_or_without_its_scan__422_and_the_account_stays_unverified(
    client, account_type, status, code, field
):
    holder = api.register_holder(client, account_type=account_type, verified=False,
                                 organisation="赫山区某村股份经济合作社" if account_type == "COLLECTIVE" else "赫山区某公司")
    scan = upload(client, api.centre_session(client), name="证件扫描件.pdf")
    certificate = upload(client, api.centre_session(client)) if account_type == "COLLECTIVE" else "0" * 64

    response = client.post(f"{API}/auth/accounts/{holder.username}/verification", headers=api.centre_session(client),
                           json={"document_type": "BUSINESS_LICENCE", "document_number": holder.identity,
                                 "document": scan, "qualification": "林业调查规划设计乙级资质",
                                 "qualification_document": certificate})

    assert error_of(response, status, code)["detail"]["field"] == field
    assert ok(client.get(f"{API}/auth/me", headers=holder.headers))["state"] == "UNVERIFIED"
