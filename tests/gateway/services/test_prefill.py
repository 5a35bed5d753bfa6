"""Nobody retypes what the registry knows: FINANCE's pledge registration starts with the accepted pledge form's
terms, and a mismatch names the field; the EEB's offset starts with the owner as beneficiary and, for a coupon
bought, with the purpose and case reference of the purchase (附件6) it was bought under; the owner's 附件8
and 附件3 forms start with its account's particulars and its parcels; the transferee's address is its account's
when left blank; a counterparty (transferee, acquirer, right-holder, co-applicant) is chosen as an account by
its name and masked ID number, never typed as a login name."""

from __future__ import annotations

import re
import secrets

from fastapi.testclient import TestClient

from gateway.demo import DEMO_PASSWORD, OFFICIALS
from support import api
from support.http import API, error_of, ok


def _page(client, role: str, path: str) -> str:
    """The page as the official of `role`, or as the holder of that username, reads it."""
    with TestClient(client.app) as browser:
        username = OFFICIALS.get(role, role)
        assert browser.post("/console/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 200
        return browser.get(path).text


def _form(page: str, step: str) -> str:
    return page.split(f'data-step="{step}"', 1)[1].split("</form>", 1)[0]


def _value(page: str, step: str, field: str) -> str:
    return re.search(rf'name="{re.escape(field)}"[^>]*value="([^"]*)"', _form(page, step)).group(1)


def _options(page: str, step: str, field: str) -> dict[str, str]:
    """A select's options of one form: value → label."""
    select = re.search(rf'<select name="{re.escape(field)}"[^>]*>(.*?)</select>', _form(page, step), re.S).group(1)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def test_pledge_registration__starts_with_the_accepted_forms_terms(client, officials, new_holder):
    owner, bank = new_holder(), new_holder("某农商银行", "FINANCIAL")
    number = api.mint(client, officials, owner)
    api.accept_pledge(client, officials, owner, number, bank, secured_yuan="12345.60", term_end="2027-09-30")
    page = _page(client, "FINANCE", f"/console/coupons/{number}")
    assert (_value(page, "coupon.pledge", "secured_yuan"), _value(page, "coupon.pledge", "term_end")) == (
        "12345.60", "2027-09-30")


def test_pledge_registration__mismatch__names_the_field(client, officials, new_holder):
    owner, bank = new_holder(), new_holder("某农商银行", "FINANCIAL")
    number = api.mint(client, officials, owner)
    api.accept_pledge(client, officials, owner, number, bank, secured_yuan="20000.00", term_end="2027-06-30")
    body = error_of(client.post(f"{API}/coupons/{number}/pledge", headers=officials["FINANCE"],
                                json={"secured_yuan": "20000.00", "term_end": "2027-07-31"}), 409, "PLEDGE_FORM_MISMATCH")
    assert (body["detail"]["field"], body["detail"]["fields"]) == ("term_end", ["term_end"])
    assert "term_end 2027-07-31" in body["message"] and "2027-06-30" in body["message"]


def test_offset__starts_with_the_owner_as_beneficiary(client, officials, new_holder):
    owner = new_holder("某交通建设有限公司", "ENTERPRISE")
    number = api.mint(client, officials, owner)
    api.owner_request(client, owner, number, "OFFSET")
    page = _page(client, "EEB", f"/console/coupons/{number}")
    assert _value(page, "coupon.offset", "beneficiary") == "某交通建设有限公司"


def _chosen(page: str, step: str, field: str) -> str:
    select = re.search(rf'<select name="{re.escape(field)}"[^>]*>(.*?)</select>', _form(page, step), re.S).group(1)
    return re.search(r'<option value="([^"]*)" selected>', select).group(1)


def test_offset__of_a_coupon_bought__starts_with_the_purchase_it_was_bought_under(client, officials, new_holder):
    seller, buyer = new_holder(), new_holder("某预填赔偿建设有限公司", "ENTERPRISE")
    listed = api.mint(client, officials, seller, claimed_t="30")
    api.list_coupon(client, officials, seller, listed)
    purchase = api.accepted_purchase(client, officials, buyer, "10", reason="ECO_COMPENSATION",
                                     case_reference="赫环罚〔2026〕17号")
    bought = ok(api.settle_trade(client, officials, listed, purchase, "10"))["coupon"]
    api.apply_to_buy(client, buyer, "5", purpose="年会碳中和", case_reference="HS-2026-EVENT-3")  # later, different
    ok(api.owner_request(client, buyer, bought, "OFFSET"))
    page = _page(client, "EEB", f"/console/coupons/{bought}")
    assert (_value(page, "coupon.offset", "beneficiary"), _chosen(page, "coupon.offset", "purpose"),
            _value(page, "coupon.offset", "case_reference")) == ("某预填赔偿建设有限公司", "ECO_COMPENSATION", "赫环罚〔2026〕17号")
    assert '<dd id="case-reference">赫环罚〔2026〕17号</dd>' in _page(client, "CENTER", f"/console/purchases/{purchase}")


def test_listing__starts_with_the_parcels_area_and_place_and_the_owners_particulars(client, officials, new_holder):
    owner = new_holder("预填测试村股份经济合作社")
    number = api.mint(client, officials, owner)
    api.owner_request(client, owner, number, "LIST")
    page = _page(client, "CENTER", f"/console/coupons/{number}")
    assert _value(page, "coupon.list", "project_area_mu") == "100"
    assert _value(page, "coupon.list", "location") == "泉交河镇"
    assert _value(page, "coupon.list", "entrustment.principal.name") == "预填测试村股份经济合作社"


def test_transfer_form__starts_with_the_owners_particulars_and_its_parcels(client, officials):
    owner = api.register_holder(client, organisation="预填流转村股份经济合作社", legal_representative="王书记",
                                postal_address="赫山区泉交河镇预填村村委会")
    parcel = f"YT-{secrets.token_hex(4)}"
    number = api.mint(client, officials, owner, parcel=parcel)
    page = _page(client, owner.username, f"/console/coupons/{number}")
    values = {name: _value(page, "transfer.form", name)
              for name in ("legal_representative", "address", "parcel_location", "parcel_number", "area_mu")}
    assert values == {"legal_representative": "王书记", "address": "赫山区泉交河镇预填村村委会",
                      "parcel_location": "泉交河镇", "parcel_number": parcel, "area_mu": "100"}


def test_loss_report__starts_with_the_owners_address_and_contacts(client, officials):
    owner = api.register_holder(client, organisation="预填挂失村股份经济合作社", postal_address="赫山区笔架山乡挂失村",
                                contact_person="赵出纳", contact_phone="0737-7654321")
    number = api.mint(client, officials, owner)
    page = _page(client, owner.username, f"/console/coupons/{number}")
    assert {name: _value(page, "coupon.loss_report", name)
            for name in ("location", "address", "contact_person", "contact_phone")} == {
        "location": "泉交河镇", "address": "赫山区笔架山乡挂失村", "contact_person": "赵出纳", "contact_phone": "0737-7654321"}


def test_transfer_form__transferee_address_left_blank__the_transferees_own(client, officials, new_holder):
    owner = new_holder()
    transferee = api.register_holder(client, organisation="益阳某预填受让有限公司", account_type="ENTERPRISE",
                                     postal_address="益阳市赫山区会龙山街道预填路8号")
    number = api.mint(client, officials, owner)
    filed = ok(api.file_transfer_form(client, owner, number, transferee.username, transferee_address=""))
    form = ok(client.get(f"{API}/transfer-forms/{filed['form']}", headers=transferee.headers))
    assert form["transferee_address"] == "益阳市赫山区会龙山街道预填路8号"


def test_counterparty_fields__offer_accounts_by_name_and_masked_number__never_a_typed_username(client, new_holder):
    collective = api.register_holder(client, organisation="选择测试村股份经济合作社")
    company = api.register_holder(client, organisation="选择测试收储有限公司", account_type="ENTERPRISE")
    drc = _page(client, "DRC", "/console")
    assert re.search(r'<input[^>]*name="acquirer"', _form(drc, "redemption.terms")) is None
    acquirers = _options(drc, "redemption.terms", "acquirer")
    assert acquirers[company.username].startswith("选择测试收储有限公司（") and "*" in acquirers[company.username]
    applicant = new_holder()
    apply = _page(client, applicant.username, "/console/apply")
    co_applicants, right_holders = (_options(apply, "application.submit", name) for name in ("co_applicant", "right_holder"))
    assert co_applicants[""] and right_holders[""]  # neither is needed: a blank choice first
    assert collective.username in co_applicants and company.username not in co_applicants  # §8: a collective
    assert {collective.username, company.username} <= set(right_holders) and applicant.username not in right_holders
    assert "*" in co_applicants[collective.username]
