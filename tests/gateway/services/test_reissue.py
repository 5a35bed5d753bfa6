"""The reissue procedure (§12, 附件1 二, 附件3): the owner's loss report with 附件3's fields,
kept off-chain; the centre's formal review (一次性告知), review with its field survey,
and registration with its opinion (agree, or disagree with the reason); the EEB's filing;
GOV's reissue once the notice is over. The public board lists every loss notice with its
start and end; a coupon's page shows its notice, and the replacement its reissue filing number.
Due dates per stage: test_time_limits.py."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gateway.demo import DEMO_PASSWORD, OFFICIALS
from support.api import REISSUE_WALK, lose, loss_report_form, reissue_step, report_lost, upload
from support.fixtures import holder_fixture
from support.http import API, error_of, ok

holder = holder_fixture("赫山区某村股份经济合作社")
CONTACT_PHONE = "0737-2345678"


def record(client, number: str) -> dict:
    return ok(client.get(f"{API}/public/coupons/{number}"))


def loss_report(client, headers, number: str) -> dict:
    return ok(client.get(f"{API}/coupons/{number}/loss-report", headers=headers))


def reissued(client, officials, number: str) -> str:
    """GOV's reissue once the suite's two-second notice is over (chain time moves with each block)."""
    for _ in range(20):
        response = reissue_step(client, officials, number, "reissue")
        if response.status_code != 409 or response.json()["code"] != "NOTICE_PERIOD_NOT_OVER":
            return ok(response)["coupon"]
    raise AssertionError(f"the loss notice of {number} never ended")


def test_loss_report__annex_3_fields__kept_off_chain_read_by_the_centre_and_the_owner_only(
    client, officials, holder, new_holder, mint
):
    number = mint(holder)

    ok(report_lost(client, holder, number, cause="DAMAGED", contact_phone=CONTACT_PHONE, registration_type="湿地"))

    for headers in (officials["CENTER"], holder.headers):
        form = loss_report(client, headers, number)["form"]
        assert (form["cause"], form["registration_type"], form["contact_phone"]) == ("DAMAGED", "湿地", CONTACT_PHONE)
        assert form["applicant"] == "赫山区某村股份经济合作社" and form["documents"]["written_report"]
        assert form["opinion"] is None
    error_of(client.get(f"{API}/coupons/{number}/loss-report", headers=new_holder().headers), 403, "ROLE_REQUIRED")
    assert CONTACT_PHONE not in client.get(f"{API}/public/coupons/{number}").text  # personal data stays off the page


def test_loss_report__address_contact_location_licence_and_other_documents__read_back_by_centre_and_owner(
    client, officials, holder, mint
):
    """附件3's 通讯地址, 联系人 and 坐落, and 附件1 二(一) 2–3: the licence and the other documents uploaded with
    the report, read back as given; the address and contact stay off the coupon's public page."""
    number = mint(holder)
    licence = upload(client, holder.headers, name="营业执照.pdf")
    others = [upload(client, holder.headers, name=f"其他资料{i}.pdf") for i in (1, 2)]
    fields = {"address": "赫山区泉交河镇丰产村村委会", "contact_person": "王出纳", "location": "泉交河镇丰产村三组"}

    written = upload(client, holder.headers, name="遗失书面报告.pdf")
    form = loss_report_form(written, **fields, documents={"written_report": written, "licence": licence, "others": others})
    ok(client.post(f"{API}/coupons/{number}/loss-report", headers=holder.headers, json=form))

    for headers in (officials["CENTER"], holder.headers):
        read = loss_report(client, headers, number)["form"]
        assert {k: read[k] for k in fields} == fields
        assert read["documents"]["written_report"] == written
        assert read["documents"]["licence"] == licence and read["documents"]["others"] == others
    page = client.get(f"/coupons/{number}").text
    assert fields["address"] not in page and fields["contact_person"] not in page


def test_loss_report__other_document_someone_else_uploaded__422_document_not_found_and_still_active(
    client, officials, holder, new_holder, mint
):
    number = mint(holder)
    written = upload(client, holder.headers)
    foreign = upload(client, new_holder().headers)

    response = client.post(f"{API}/coupons/{number}/loss-report", headers=holder.headers, json=loss_report_form(
        written, documents={"written_report": written, "others": [foreign]}))

    error_of(response, 422, "DOCUMENT_NOT_FOUND")
    assert response.json()["detail"]["field"] == "documents.others"
    assert record(client, number)["coupon"]["state"] == "ACTIVE"
    assert client.get(f"{API}/coupons/{number}/loss-report", headers=officials["CENTER"]).status_code == 404


def test_loss_report__written_report_someone_else_uploaded__422_document_not_found(
    client, officials, holder, new_holder, mint
):
    number = mint(holder)
    others = upload(client, new_holder().headers)

    response = client.post(f"{API}/coupons/{number}/loss-report", headers=holder.headers, json=loss_report_form(others))

    error_of(response, 422, "DOCUMENT_NOT_FOUND")
    assert record(client, number)["coupon"]["state"] == "ACTIVE"


def test_reissue__whole_procedure__the_replacement_shows_the_reissue_filing_number_and_the_issuance_date(
    client, officials, holder, mint
):
    number = mint(holder)
    issued_at = record(client, number)["issued_at"]

    lose(client, officials, holder, number, through="filing", filing_number="赫环碳补〔2026〕7号")
    lost = record(client, number)
    assert lost["loss_notice"]["end"] > lost["loss_notice"]["start"]
    replacement = reissued(client, officials, number)

    shown = record(client, replacement)
    assert shown["reissue"]["filing_number"] == "赫环碳补〔2026〕7号"
    assert shown["issued_at"] == issued_at  # 制发日期: the issuance's, not the reissue's
    assert shown["reissue"]["reissued_at"] >= shown["reissue"]["filed_at"]
    assert loss_report(client, officials["CENTER"], number)["form"]["opinion"] == "AGREE"
    [notice] = [n for n in ok(client.get(f"{API}/public/loss-notices")) if n["coupon"] == number]
    assert (notice["outcome"], notice["replaced_by"]) == ("REISSUED", replacement)
    assert (notice["notice_start"], notice["notice_end"]) == (lost["loss_notice"]["start"], lost["loss_notice"]["end"])
    page = client.get(f"/coupons/{replacement}").text
    assert 'id="reissue-filing">赫环碳补〔2026〕7号<' in page


def test_reissue_formal_review__supplement_without_the_items__422_no_missing_items(client, officials, holder, mint):
    number = mint(holder)
    lose(client, officials, holder, number)

    response = client.post(f"{API}/coupons/{number}/reissue/formal-review", headers=officials["CENTER"],
                           json={"decision": "supplement"})

    error_of(response, 422, "NO_MISSING_ITEMS")
    assert loss_report(client, officials["CENTER"], number)["stage"] == "REPORTED"


def test_reissue_formal_review__refuse__422_it_only_asks_for_what_is_missing_and_the_report_stays(
    client, officials, holder, mint
):
    """附件1 二(二): formal review names every missing item at once (一次性告知); refusal is 审查's or 二(三)'s."""
    number = mint(holder)
    lose(client, officials, holder, number)

    response = client.post(f"{API}/coupons/{number}/reissue/formal-review", headers=officials["CENTER"],
                           json={"decision": "refuse", "reason": "非本人申请"})

    assert [f["field"] for f in error_of(response, 422, "INVALID_INPUT")["detail"]] == ["decision"]
    assert loss_report(client, officials["CENTER"], number)["stage"] == "REPORTED"
    assert record(client, number)["coupon"]["state"] == "LOST_REPORTED"


@pytest.mark.parametrize(("through", "route", "body"), [
    pytest.param("formal_review", "review", {"decision": "refuse", "reason": "材料不实"}, id="at-review"),
    pytest.param("review", "registration", {"decision": "disagree", "opinion": "原件已寻回"}, id="at-registration"),
])
def test_reissue__refused_with_its_reason__coupon_active_and_the_notice_board_says_refused(
    through, route, body, client, officials, holder, mint
):
    number = mint(holder)
    lose(client, officials, holder, number, through=through)

    ok(client.post(f"{API}/coupons/{number}/reissue/{route}", headers=officials["CENTER"], json=body))

    reason = body.get("reason") or body.get("opinion")
    assert record(client, number)["coupon"]["state"] == "ACTIVE"
    report = loss_report(client, holder.headers, number)
    assert (report["ended"], report["refusal"], report["form"]["opinion"]) == ("REFUSED", reason, "DISAGREE")
    [notice] = [n for n in ok(client.get(f"{API}/public/loss-notices")) if n["coupon"] == number]
    assert notice["outcome"] == "REFUSED"


def test_loss_notices__public_board_and_page__each_notice_with_start_and_end(client, officials, holder, mint):
    number = mint(holder)
    lose(client, officials, holder, number)
    client.cookies.clear()

    [notice] = [n for n in ok(client.get(f"{API}/public/loss-notices")) if n["coupon"] == number]
    assert notice["outcome"] in ("RUNNING", "OVER")  # the suite's notice lasts two seconds
    assert notice["end_date"] >= notice["start_date"]
    page = client.get("/loss-notices")
    assert page.status_code == 200
    assert f'data-coupon="{number}"' in page.text and notice["end_date"] in page.text
    assert 'id="loss-notice"' in client.get(f"/coupons/{number}").text


def _offered(client, path: str, username: str) -> set[str]:
    with TestClient(client.app) as browser:
        browser.post("/console/login", data={"username": username, "password": DEMO_PASSWORD})
        page = browser.get(path)
        assert page.status_code == 200, page.text
        return {part.split('"')[0] for part in page.text.split('data-step="')[1:]}


# Each stage offers the centre, the EEB and GOV only its own step (and withdrawing, until filed).
STAGE_STEPS = {
    "record": {"CENTER": {"coupon.reissue_formal_review", "coupon.withdraw_loss"}},
    "formal_review": {"CENTER": {"coupon.reissue_survey_pause", "coupon.reissue_review", "coupon.withdraw_loss"}},
    "review": {"CENTER": {"coupon.reissue_registration", "coupon.withdraw_loss"}, "EEB": {"coupon.freeze"}},
    "registration": {"CENTER": {"coupon.withdraw_loss"}, "EEB": {"coupon.file_reissue", "coupon.freeze"}},
    "filing": {"CENTER": set(), "GOV": {"coupon.reissue"}},
}


@pytest.mark.parametrize("through", list(STAGE_STEPS))
def test_console__lost_coupon__each_department_offered_its_stage_step_only(through, client, officials, holder, mint):
    number = mint(holder)
    lose(client, officials, holder, number, through=through)

    for role, expected in STAGE_STEPS[through].items():
        assert _offered(client, f"/console/coupons/{number}", OFFICIALS[role]) == expected, role
    assert REISSUE_WALK.index(through) < REISSUE_WALK.index("reissue")


def test_reissue_supplement__answered_by_another_document_alone__kept_beside_the_report_as_reported(
    client, officials, holder, mint
):
    """附件1 二(二) 一次性告知: the centre asks for a 林权证; the owner sends it among the other documents and nothing
    else, from its coupon's page; the documents it reported stay, the formal review waits on the centre again."""
    number = mint(holder)
    licence = upload(client, holder.headers, name="营业执照.pdf")
    written = upload(client, holder.headers, name="遗失书面报告.pdf")
    ok(client.post(f"{API}/coupons/{number}/loss-report", headers=holder.headers, json=loss_report_form(
        written, documents={"written_report": written, "licence": licence})))
    ok(reissue_step(client, officials, number, "record"))
    ok(client.post(f"{API}/coupons/{number}/reissue/formal-review", headers=officials["CENTER"],
                   json={"decision": "supplement", "missing_items": ["林权证复印件"]}))
    with TestClient(client.app) as browser:  # the owner's page offers the 补正 with a slot for further documents
        browser.post("/console/login", data={"username": holder.username, "password": DEMO_PASSWORD})
        form = browser.get(f"/console/coupons/{number}").text.split('data-step="coupon.reissue_resubmit"')[1]
        form = form.split("</form>")[0]
    assert 'name="documents.others"' in form and "multiple" in form
    assert 'name="documents.written_report" data-kind="file" type="file" accept=".pdf,image/*" required' not in form

    tenure = upload(client, holder.headers, name="林权证.pdf")
    ok(client.post(f"{API}/coupons/{number}/reissue/resubmit", headers=holder.headers,
                   json={"documents": {"others": [tenure]}}))

    for headers in (officials["CENTER"], holder.headers):
        read = loss_report(client, headers, number)
        assert read["missing_items"] == [] and read["stage"] == "REPORTED"
        documents = read["form"]["documents"]
        assert (documents["written_report"], documents["licence"], documents["others"]) == (written, licence, [tenure])
    ok(client.post(f"{API}/coupons/{number}/reissue/formal-review", headers=officials["CENTER"],
                   json={"decision": "pass"}))
