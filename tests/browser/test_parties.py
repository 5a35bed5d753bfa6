"""Every party of the Measures at its own task in Chromium (issue 22): each logs in, finds what waits on it
from its home page (the inbox of a holder, the queue of a department) and reaches it by links only, takes
the step in the page's form, and sees the new state, which is the one the chain holds.

Each test sets up, through the API, one fresh object that waits on its party, so the tests are independent
and run in any order. The one address typed is the log-in page's (and the site root, for the public)."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from playwright.sync_api import Page, expect

from chain.verify import verify_offset
from gateway.demo import ENFORCEMENT_OFFICIAL, OFFICIALS
from gateway.catalogue.words import MESSAGES
from gateway.services.coupons import coupon_id
from support import api
from support.browser import attach, choose_party, log_in, send
from support.http import API, login, ok

TX = re.compile(r"0x[0-9a-f]{64}")


# -- small helpers ---------------------------------------------------------------------------------------------

def _open_from_home(page: Page, href: str, table: str = "#inbox") -> None:
    """The one row of the home's inbox (or queue) that links to `href`, followed by its link."""
    row = page.locator(f"{table} tr", has=page.locator(f'a[href="{href}"]'))
    expect(row).to_have_count(1)
    row.locator(f'a[href="{href}"]').click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))


def _step(page: Page, step: str):
    return page.locator(f'form.step[data-step="{step}"]')


def _send(form) -> None:
    """Send a step's form and wait for the page to come back saying, in words, which step was done, and
    linking the transaction it made, if any, to its public page."""
    step = form.get_attribute("data-step")
    send(form)
    done = form.page.locator("#done")
    expect(done).to_contain_text(f"已办理：{MESSAGES[f'action.{step}'][0]}")
    for link in done.locator("a").all():
        expect(link).to_have_attribute("href", re.compile(r"^/search\?q=0x[0-9a-f]{64}$"))


def _application(site, application: int):
    return site.gateway.registry.application(application)


def _coupon(site, number: str):
    return site.gateway.registry.coupon(coupon_id(site.gateway, number))


def _walked(site, through: str, holder: api.Holder | None = None) -> api.Application:
    """An application of 500 t (of a fresh holder unless named), taken by the departments through `through`."""
    application = site.submit_application(holder or site.new_holder())
    api.walk(site.api, site.officials, application, through=through)
    return application


def _bank(site) -> api.Holder:
    return api.register_holder(site.api, organisation="湖南益阳某农村商业银行", account_type="FINANCIAL")


def _department_step(page: Page, site, role: str, application: api.Application, step: str):
    """A department logs in, opens the application from its queue, and is offered `step`'s form."""
    log_in(page, OFFICIALS[role])
    _open_from_home(page, f"/console/applications/{application.id}", table="#queue")
    form = _step(page, step)
    expect(form).to_have_count(1)
    return form


def _offset(site, holder: api.Holder, number: str, purpose: str = "EVENT_NEUTRALITY", **fields) -> str:
    """The owner consents to the offset and the EEB retires the coupon (§14); the certificate's tx hash."""
    ok(api.owner_request(site.api, holder, number, "OFFSET"))
    body = {"purpose": purpose, "beneficiary": "赫山区某公司", "case_reference": f"赫碳中和〔2026〕{number[-4:]}号", **fields}
    return site.post(f"{API}/coupons/{number}/offset", site.officials["EEB"], json=body)["tx_hash"]


def _valid_on_chain(site, tx_hash: str):
    certificate = verify_offset(site.gateway.node.reader, tx_hash, ledger_address=site.gateway.registry.ledger.address)
    assert certificate.verdict.value == "valid"
    return certificate


# -- holders ---------------------------------------------------------------------------------------------------

def test_collective__supplement_found_on_home__answered_with_an_extra_document__submitted_again_on_chain(page, site):
    """集体经济组织 (附件1 一(二)): the centre's formal review asks for a 补正 naming the missing 林权证; the
    collective finds it first on its home, opens the application, attaches the 林权证 as a further document
    and resubmits; the application is 已申请 again, on the page and on chain, with the document kept."""
    collective = api.register_holder(site.api, organisation="赫山区泉交河镇某村股份经济合作社", account_type="COLLECTIVE")
    application = site.submit_application(collective)
    site.post(f"{API}/applications/{application.id}/formal-review", site.officials["CENTER"],
              json={"decision": "supplement", "missing_items": ["缺少林权证"]})

    log_in(page, collective.username)
    _open_from_home(page, f"/console/applications#application-{application.id}")
    section = page.locator(f"#application-{application.id}")
    expect(section.locator(".missing-items li")).to_have_text(["缺少林权证"])
    form = section.locator('form.step[data-step="application.resubmit"]')
    certificate = b"%PDF forest right certificate " + str(application.id).encode()
    shown = attach(form, "documents.others", "林权证.pdf", certificate)
    sha = shown.get_attribute("data-sha256")
    _send(form)

    expect(section.locator(".status")).to_have_attribute("data-status", "SUBMITTED")
    expect(section.locator(".missing-items")).to_have_count(0)
    assert _application(site, application.id).status.name == "SUBMITTED"
    documents = ok(site.api.get(f"{API}/applications/{application.id}", headers=collective.headers))["documents"]
    assert documents["others"] == [sha] and documents["report"] == application.report  # the rest kept as sent


def test_agent__supplement_on_the_application_it_made_for_a_right_holder__answered_with_a_new_report(page, site):
    """有资质的第三方 (§8, 附件1 一(二)): an application the agent prepared and the right-holder confirmed is
    returned for a 补正; the 补正 waits on the agent too, which finds it on its home and sends a new monitoring
    report; the page and the chain hold the new report and the status 已申请."""
    agent = api.register_agent(site.api, "赫山区某林业调查规划设计有限公司")
    right_holder = site.new_holder()
    form = api.application_form(api.upload(site.api, agent.headers, name="监测报告.pdf"), claimed_t="300")
    form |= {"right_holder": right_holder.username,
             "entrustment_document": api.upload(site.api, agent.headers, name="委托书.pdf")}
    application = api.confirm(site.api, right_holder, api.prepare(site.api, agent, form))["application"]
    site.post(f"{API}/applications/{application}/formal-review", site.officials["CENTER"],
              json={"decision": "supplement", "missing_items": ["监测报告未盖章"]})

    log_in(page, agent.username)
    _open_from_home(page, f"/console/applications#application-{application}")
    section = page.locator(f"#application-{application}")
    resubmit = section.locator('form.step[data-step="application.resubmit"]')
    report = attach(resubmit, "documents.report", "盖章监测报告.pdf", b"%PDF stamped report " + str(application).encode())
    sha = report.get_attribute("data-sha256")
    _send(resubmit)

    expect(section.locator(".status")).to_have_attribute("data-status", "SUBMITTED")
    on_chain = _application(site, application)
    assert on_chain.status.name == "SUBMITTED" and on_chain.report_hash.hex() == sha
    section.locator("h2 a").click()  # the application's own page names the agent's part
    expect(page.locator('#applicants dd[data-party="agent"]')).to_contain_text("赫山区某林业调查规划设计有限公司")
    expect(page.locator("#app-status")).to_have_attribute("data-status", "SUBMITTED")


def test_buyer__from_home_to_its_purchase__the_offset_certificate_link__verified_valid(page, site):
    """买方 (附件1 三(二)(三), 附件6): the buyer's purchase was settled and the coupon bought retired for it
    (§14); its home and the coupon's console page link the offset certificate and its verification; from
    its home it opens its purchases, the purchase, and its trade's offset certificate, whose verification
    says valid, as the chain does."""
    seller, buyer = site.new_holder(), site.new_holder()
    number = site.mint(seller)
    api.list_coupon(site.api, site.officials, seller, number)
    purchase = api.accepted_purchase(site.api, site.officials, buyer, "100")
    agreement = api.upload(site.api, site.officials["CENTER"], name="附件7.pdf")
    bought = site.post(f"{API}/trades", site.officials["CENTER"], json={
        "coupon": number, "purchase_id": purchase, "amount_t": "100", "price_yuan_per_t": "30",
        "service_fee_yuan": "30.00", "agreement": agreement, "payment_method": "BANK_TRANSFER",
        "payment_status": "PAID"})["coupon"]
    certificate = _offset(site, buyer, bought)

    log_in(page, buyer.username)
    held = page.locator("#holdings tr", has=page.locator(f'a[href="/coupons/{bought}"]'))
    expect(held.locator("a.offset-certificate")).to_have_attribute("href", f"/certificates/offsets/{certificate}.pdf")
    held.locator(f'a[href="/console/coupons/{bought}"]').click()
    expect(page.locator("#offset-certificate a.offset-certificate")).to_have_attribute(
        "href", f"/certificates/offsets/{certificate}.pdf")
    expect(page.locator("#offset-certificate a.offset-verify")).to_have_attribute("href", f"/verify/{certificate}")
    page.go_back()
    page.locator("#market-links a").click()
    page.locator(f'#purchases a[href="/console/purchases/{purchase}"]').click()
    trade = page.locator("#trades tr", has=page.locator(f'a[href="/coupons/{bought}"]'))
    expect(trade.locator("a.offset-certificate")).to_have_attribute("href", f"/certificates/offsets/{certificate}.pdf")
    trade.locator(f'a[href="/verify/{certificate}"]').click()

    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "valid")
    expect(page.locator("#tx-hash")).to_have_text(certificate)
    assert _valid_on_chain(site, certificate).certificate["amount_kg"] == 100_000
    assert (_coupon(site, bought).state.name, _coupon(site, bought).owner) == ("RETIRED", buyer.address)


def test_bank__pledge_near_its_term_on_home__released_from_the_coupon_page(page, site):
    """质权人银行 (§2, §4, 附件8 质押权): a pledge to the bank enters its last thirty days; the bank finds it
    on its home, opens the coupon and releases it; the coupon is the owner's and 正常 again, on chain too."""
    owner = site.new_holder()
    bank = _bank(site)
    term_end = site.gateway.clock.today() + dt.timedelta(days=10)
    pledged = api.pledge(site.api, site.officials, owner, site.mint(owner), bank, secured_yuan="30000.00",
                         term_end=term_end.isoformat())

    log_in(page, bank.username)
    _open_from_home(page, f"/console/coupons/{pledged}")
    _send(_step(page, "coupon.release_pledge"))

    expect(page.locator("h1 .badge")).to_have_class(re.compile(r"\bstate-active\b"))
    expect(_step(page, "coupon.release_pledge")).to_have_count(0)
    on_chain = _coupon(site, pledged)
    assert (on_chain.state.name, on_chain.owner) == ("ACTIVE", owner.address)


# -- the centre and the departments ----------------------------------------------------------------------------

def test_centre__account_waiting_in_its_queue__verified_in_person__its_key_made_on_chain(page, site):
    """碳汇交易综合服务中心 (附件1 三(一)): a new collective's account waits for the centre's in-person check;
    the centre opens it from its queue, records the licence shown (its number and scan) and verifies it; the
    account is verified, and its chain key is made and funded."""
    form = api.holder_form()
    ok(site.api.post(f"{API}/auth/holders", json=form))

    log_in(page, OFFICIALS["CENTER"])
    _open_from_home(page, f"/console/accounts#account-{form['username']}", table="#queue")
    verify = page.locator(f'tr[data-account-actions="{form["username"]}"] form.step[data-step="account.verify"]')
    verify.locator("select[name=document_type]").select_option("BUSINESS_LICENCE")
    verify.locator("input[name=document_number]").fill(form["identity"])
    attach(verify, "document", "营业执照扫描件.pdf", f"%PDF licence {form['username']}".encode())
    _send(verify)

    expect(page.locator(f"#account-{form['username']}")).to_have_count(0)  # no longer waiting
    holder = api.Holder(form["username"], login(site.api, form["username"]), site.api)
    assert holder.address is not None and site.gateway.registry.chain.balance(holder.address) > 0


def test_nrb__validation_from_its_queue__its_signature_on_chain(page, site):
    """自然资源局 (§2, 附件1 一(三)): after the centre's preliminary review and the agency's attestation, the
    application waits on NRB's validation (and FORESTRY's); NRB passes it from its queue; its signature is on
    the page and on chain, FORESTRY's still to come."""
    application = _walked(site, through="attestation")
    validation = _department_step(page, site, "NRB", application, "application.validation")
    validation.locator("select[name=decision]").select_option("pass")
    _send(validation)

    expect(page.locator("#app-status")).to_have_attribute("data-status", "PRELIM_OK")
    expect(_step(page, "application.validation")).to_have_count(0)  # signed once
    on_chain = _application(site, application.id)
    assert (on_chain.status.name, on_chain.nrb_signed, on_chain.forestry_signed) == ("PRELIM_OK", True, False)


def test_forestry__validation_after_nrb__application_validated_on_chain(page, site):
    """林业局 (§2, 附件1 一(三)): NRB has signed; FORESTRY finds the validation in its queue and passes it;
    the application is 已审定 on the page and on chain."""
    application = _walked(site, through="nrb_validation")
    validation = _department_step(page, site, "FORESTRY", application, "application.validation")
    validation.locator("select[name=decision]").select_option("pass")
    _send(validation)

    expect(page.locator("#app-status")).to_have_attribute("data-status", "VALIDATED")
    on_chain = _application(site, application.id)
    assert (on_chain.status.name, on_chain.nrb_signed, on_chain.forestry_signed) == ("VALIDATED", True, True)


def test_verifier__attestation_from_its_queue__report_picked_from_the_list__attested_on_chain(page, site):
    """第三方监测机构 (附件1 一(一)): once the formal review passes, the application waits on the agency's
    attestation of its monitoring report; the agency opens it from its queue, picks the report among the
    application's documents (no hash typed), attests 480 t; the chain holds 480 t for that report."""
    application = _walked(site, through="formal_review")
    attest = _department_step(page, site, "VERIFIER", application, "application.attestation")
    attest.locator("select[name=report]").select_option(label="report.pdf")
    attest.locator("input[name=attested_t]").fill("480")
    _send(attest)

    expect(_step(page, "application.attestation")).to_have_count(0)  # attested once
    on_chain = _application(site, application.id)
    assert (on_chain.attested_kg, on_chain.report_hash.hex()) == (480_000, application.report)


def test_eeb__filing_from_its_queue__filed_with_its_number_on_chain(page, site):
    """生态环境局 (附件1 一(四)): after its own review the application waits on the EEB's filing; the EEB
    files it with its 备案号 from its queue; the page and the chain say 已备案."""
    application = _walked(site, through="eeb_review")
    filing_number = f"赫环碳备〔2026〕{application.id}号"
    filing = _department_step(page, site, "EEB", application, "application.filing")
    filing.locator("select[name=decision]").select_option("file")
    filing.locator("input[name=filing_number]").fill(filing_number)
    _send(filing)

    expect(page.locator("#app-status")).to_have_attribute("data-status", "FILED")
    expect(page.locator("dl.facts", has_text=filing_number)).to_have_count(1)
    assert _application(site, application.id).status.name == "FILED"


def test_gov__mint_from_its_queue__the_coupon_on_chain_is_the_applicants(page, site):
    """区人民政府 (§10, 附件1 一(五)): a filed application waits on the government's issuing; it issues the
    coupon from its queue; the page links the new coupon, which the chain holds, 正常, for the applicant."""
    holder = site.new_holder()
    application = _walked(site, through="filing", holder=holder)
    mint = _department_step(page, site, "GOV", application, "application.mint")
    _send(mint)

    expect(page.locator("#app-status")).to_have_attribute("data-status", "ISSUED")
    number = page.locator('dl.facts a[href^="/coupons/"]').inner_text()
    on_chain = _coupon(site, number)
    assert (on_chain.state.name, on_chain.owner, on_chain.amount_kg) == ("ACTIVE", holder.address, 500_000)
    assert _application(site, application.id).status.name == "ISSUED"


def test_finance__pledge_the_centre_accepted__registered_from_its_queue__pledged_on_chain(page, site):
    """金融办 (§2, §4, 附件8 质押权): the owner's pledge form, accepted by the centre, waits on FINANCE's
    registration; FINANCE opens the coupon from its queue, where the form's terms are filled in, and registers
    the pledge; the coupon is 已质押 to the bank, on the page and on chain."""
    owner = site.new_holder()
    bank = _bank(site)
    number = site.mint(owner)
    api.accept_pledge(site.api, site.officials, owner, number, bank, secured_yuan="45000.00", term_end="2028-06-30")

    log_in(page, OFFICIALS["FINANCE"])
    _open_from_home(page, f"/console/coupons/{number}", table="#queue")
    form = _step(page, "coupon.pledge")
    expect(form.locator("input[name=secured_yuan]")).to_have_value("45000.00")
    expect(form.locator("input[name=term_end]")).to_have_value("2028-06-30")
    _send(form)

    expect(page.locator("h1 .badge")).to_have_class(re.compile(r"\bstate-pledged\b"))
    assert _coupon(site, number).state.name == "PLEDGED"
    [row] = [c for c in site.gateway.index.coupons(states=["PLEDGED"]) if c.number == number]
    assert row.pledgee == bank.address


def test_drc__publishes_the_redemption_terms_from_its_home__on_chain_for_the_ledger(page, site):
    """发展和改革局 (§2 兑现): DRC's own step on its home is the redemption terms: it names the designated
    acquirer and the price; the chain's ledger holds that acquirer and price, and the public board shows them."""
    name = f"赫山区生态资源收储运营有限公司{secrets.token_hex(2)}"
    acquirer = api.register_holder(site.api, organisation=name, account_type="ENTERPRISE")

    log_in(page, OFFICIALS["DRC"])
    terms = _step(page, "redemption.terms")
    choose_party(terms, "acquirer", name)  # by its name and masked ID number, not its login name
    terms.locator("input[name=redemption_price_yuan_per_t]").fill("27.50")
    terms.locator("input[name=price_notice]").fill("赫发改〔2026〕22号")
    _send(terms)

    expect(page.locator("#done")).to_contain_text(TX)
    registry = site.gateway.registry
    assert registry.chain.call(registry.ledger, "acquirer") == acquirer.address
    assert registry.chain.call(registry.ledger, "redemption_price_fen") == 2750
    page.locator('nav a[href="/listings"]').click()
    expect(page.locator("#redemption-terms")).to_contain_text("27.50")


def test_enforcement__certificate_of_its_case_from_its_home__verified_valid(page, site):
    """执法机关 (附件1 三(三), §15(1)): the EEB retired a coupon for an eco-compensation case; the enforcement
    official's console opens on its case search, finds the certificate by the case number, and opens it; the
    verification says valid, for the case and the amount the chain holds."""
    holder = site.new_holder()
    number = site.mint(holder)
    case = f"赫林执〔2026〕{number[-6:]}号"
    certificate = _offset(site, holder, number, purpose="ECO_COMPENSATION", case_reference=case)

    log_in(page, ENFORCEMENT_OFFICIAL, lands_on="/console/offsets")
    page.fill("#case-search input[name=case_reference]", case)
    page.click("#case-search button[type=submit]")
    row = page.locator(f'#offsets tr[data-certificate="{certificate}"]')
    expect(row.locator("td.case")).to_have_text(case)
    row.locator("a.open-certificate").click()

    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "valid")
    expect(page.locator("#certificate")).to_contain_text(case)
    on_chain = _valid_on_chain(site, certificate)
    assert (on_chain.certificate["case_reference"], on_chain.certificate["amount_kg"]) == (case, 500_000)


# -- the public ------------------------------------------------------------------------------------------------

def _fits(phone: Page, path: str) -> None:
    """The page at `path` (waited for: a click only starts the navigation) is no wider than the phone."""
    expect(phone).to_have_url(re.compile(re.escape(path) + "$"))
    phone.wait_for_load_state()
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390, phone.url


def test_public__on_a_phone__from_the_root_to_a_project_its_retired_coupon_and_the_certificate_verified(phone, site):
    """公众 (§7, 附件1 三(三)) on a 390 px phone: from the site root it opens the projects, the project, its
    coupon retired for an offset, and the certificate's verification; then, back at the root, it verifies the
    certificate by its transaction hash in the search form; each page fits the screen and says valid, as the
    chain does."""
    holder = site.new_holder()
    application = site.submit_application(holder)
    number = api.walk(site.api, site.officials, application)
    certificate = _offset(site, holder, number)

    phone.goto("/")
    _fits(phone, "/")
    phone.locator('nav a[href="/projects"]').click()
    _fits(phone, "/projects")
    phone.locator(f'a[href="/projects/{application.id}"]').first.click()
    _fits(phone, f"/projects/{application.id}")
    phone.locator(f'a[href="/coupons/{number}"]').first.click()
    expect(phone.locator("#coupon-state")).to_have_attribute("data-state", "RETIRED")
    _fits(phone, f"/coupons/{number}")
    phone.locator(f'#offset-certificate a[href="/verify/{certificate}"]').click()
    expect(phone.locator("#verdict")).to_have_attribute("data-verdict", "valid")
    _fits(phone, f"/verify/{certificate}")

    phone.locator("a.brand").click()
    expect(phone).to_have_url(re.compile(r"/$"))
    phone.locator("form.search input[name=q]").fill(certificate)
    phone.locator("form.search button[type=submit]").click()
    expect(phone.locator("#verdict")).to_have_attribute("data-verdict", "valid")
    expect(phone.locator("#tx-hash")).to_have_text(certificate)
    _fits(phone, f"/verify/{certificate}")
    assert _valid_on_chain(site, certificate).certificate["amount_kg"] == _coupon(site, number).amount_kg
