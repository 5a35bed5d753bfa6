"""The registry's users through the HTTP API: a holder registers, uploads its
monitoring report and applies; the departments walk the application to its
coupon (附件1 一); an owner consents to a step on its coupon and CENTER lists it.
`http` is a FastAPI TestClient or an httpx.Client on a served gateway;
`officials` maps each department to its official's Authorization header."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from gateway.demo import DEMO_PASSWORD, OFFICIALS
from gateway.core.identity import make_resident_id, make_uscc
from .http import API, login, ok
from .land import with_boundaries

_serial = itertools.count(1)  # one per process: usernames, parcels and documents never repeat
COOPERATIVE = "赫山区某村股份经济合作社"  # a holder's organisation unless a test names another
PASS = {"decision": "pass"}
CENTRE_CONTACTS = {"contact_person": "刘主任", "phone": "0737-4200000", "address": "益阳市赫山区碳汇交易综合服务中心"}
_PARTY = {"name": "赫山区某村股份经济合作社", "address": "赫山区泉交河镇某村", "contact_person": "李会计", "phone": "0737-1234567"}
_CENTRE = {"name": "赫山区碳汇交易综合服务中心", **CENTRE_CONTACTS}
# 附件5 and 附件4 in full; its documents' hashes are placeholders: listing_form uploads real ones.
LISTING = {"price_yuan_per_t": "30.00", "notice_days": 10, "project_area_mu": "100", "location": "泉交河镇",
           "centre": CENTRE_CONTACTS, "holder_commitment": True, "disclosure_form": "d5" * 32,
           "entrustment": {"principal": _PARTY, "agent": _CENTRE, "signed_on": "2026-06-01", "agreement": "a4" * 32}}


@dataclass(frozen=True)
class Holder:
    """A logged-in custodial account: applicant, owner, buyer or pledgee."""

    username: str
    headers: dict
    http: object = field(repr=False, compare=False)
    identity: str | None = field(default=None, repr=False)  # the number registered, shown at verification

    @property
    def address(self) -> str | None:
        """The account's address, as the account reads it: None until its key is made, when the centre
        verifies the account (or, for an account verified before that was so, at its first transaction)."""
        return ok(self.http.get(f"{API}/auth/me", headers=self.headers))["address"]


@dataclass(frozen=True)
class Application:
    id: int
    report: str  # sha256 of the monitoring report it cites: what the verifier attests
    claimed_t: str


def holder_form(username: str | None = None, *, organisation: str | None = COOPERATIVE, identity: str | None = None,
                display_name: str | None = None, account_type: str | None = None, **changes) -> dict:
    """附件1 三(一)'s registration: a person (`organisation=None`) with a made-up valid resident ID, an
    organisation (a collective unless `account_type` says) with a made-up valid USCC."""
    username = username or f"holder{next(_serial)}"
    person = organisation is None
    account_type = account_type or ("PERSON" if person else "COLLECTIVE")
    if identity is None:
        identity = make_resident_id() if person else make_uscc(prefix="N2" if account_type == "COLLECTIVE" else "91")
    return {"username": username, "password": DEMO_PASSWORD, "display_name": display_name or username,
            "organisation": organisation, "identity": identity, "account_type": account_type,
            "legal_representative": None if person else "张主任", "postal_address": "赫山区泉交河镇某村",
            "contact_person": "李会计", "contact_phone": "0737-1234567", **changes}


_centre_sessions: dict[int, tuple[object, dict]] = {}  # id(http) → (http, the centre official's header)


def centre_session(http) -> dict:
    """The centre official's Authorization header on `http`, logged in once per client."""
    if id(http) not in _centre_sessions:
        _centre_sessions[id(http)] = (http, login(http, OFFICIALS["CENTER"]))
    return _centre_sessions[id(http)][1]


CENTRE_SCAN = b"%PDF the centre's scan of the document shown"


def verify_account(http, username: str, document_number: str, **form) -> dict:
    """The centre's in-person check of the account (附件1 三(一)) against the number on the document
    shown and the centre's scan of it; the answer."""
    body = {"document_type": "BUSINESS_LICENCE", "document_number": document_number,
            "document": upload(http, centre_session(http), CENTRE_SCAN, name="证件扫描件.pdf"), **form}
    response = http.post(f"{API}/auth/accounts/{username}/verification", headers=centre_session(http), json=body)
    if response.status_code == 401:  # the cached session ended (a new gateway on this client): log in again
        _centre_sessions.pop(id(http), None)
        response = http.post(f"{API}/auth/accounts/{username}/verification", headers=centre_session(http), json=body)
    return ok(response)


def register_holder(
    http, username: str | None = None, *, organisation: str | None = COOPERATIVE,
    identity: str | None = None, display_name: str | None = None, account_type: str | None = None,
    verified: bool = True, **particulars,
) -> Holder:
    """A new holder account, verified by the centre (unless `verified=False`) and logged in;
    `organisation=None` is a person; `particulars` replace holder_form's (postal_address, contact_person…)."""
    form = holder_form(username, organisation=organisation, identity=identity, display_name=display_name,
                       account_type=account_type, **particulars)
    response = http.post(f"{API}/auth/holders", json=form)
    assert response.status_code == 201, response.text
    if verified:
        verify_account(http, form["username"], form["identity"])
    return Holder(form["username"], login(http, form["username"]), http, form["identity"])


def register_agent(http, organisation: str) -> Holder:
    """A qualified third party (有资质的第三方, §8): an enterprise the centre verified with its 资质 recorded."""
    form = holder_form(None, organisation=organisation, account_type="ENTERPRISE")
    assert http.post(f"{API}/auth/holders", json=form).status_code == 201
    certificate = upload(http, centre_session(http), name="资质证书扫描件.pdf")
    verify_account(http, form["username"], form["identity"], qualification="林业调查规划设计乙级资质",
                   qualification_document=certificate)
    return Holder(form["username"], login(http, form["username"]), http, form["identity"])


def prepare(http, preparer: Holder, form: dict) -> int:
    """An application that waits for its parties (§8): the prepared application's id."""
    response = http.post(f"{API}/applications", headers=preparer.headers, json=form)
    assert response.status_code == 202, response.text
    return response.json()["prepared"]


def confirm(http, party: Holder, prepared: int) -> dict:
    """A party's confirmation of a prepared application; the last one answers with the application sent."""
    return ok(http.post(f"{API}/applications/prepared/{prepared}/confirmation", headers=party.headers))


def upload(http, headers: dict, content: bytes | None = None, name: str = "doc.pdf") -> str:
    """Uploads a PDF (a new one unless `content` is given); returns its sha256."""
    content = content or f"%PDF document {next(_serial)}".encode()
    response = http.post(f"{API}/documents", headers=headers, files={"file": (name, content, "application/pdf")})
    return ok(response)["sha256"]


def application_form(
    report: str | None, *, claimed_t: str = "1000", parcel: str | None = None, land_type: str = "FOREST",
    start: str = "2022-01-01", end: str = "2024-01-01", **changes,
) -> dict:
    """An application for one parcel (a new one unless named) citing `report`; `changes` replace whole fields."""
    form = {
        "project_name": "测试项目", "methodology": "HS-01", "claimed_t": claimed_t,
        "parcels": [{"number": parcel or f"T-{next(_serial)}", "location": "泉交河镇", "land_type": land_type,
                     "area_mu": "100"}],
        "monitoring_period": {"start": start, "end": end}, "documents": {"report": report},
    }
    return with_boundaries({**form, **changes})


def submit(http, holder: Holder, form: dict) -> Application:
    answer = ok(http.post(f"{API}/applications", headers=holder.headers, json=form))
    return Application(answer["application"], form["documents"]["report"], form["claimed_t"])


# The departments' steps from a submitted application to its coupon, in order (附件1 一).
WALK = ("formal_review", "preliminary_review", "attestation", "nrb_validation", "forestry_validation", "opinion",
        "eeb_review", "filing", "mint")


def walk_step(
    http, officials: dict, application: Application, step: str, *, filing_number: str | None = None
) -> dict:
    """One step of WALK, passed by its department (the verifier attests the claim in full); the answer."""
    calls = {
        "formal_review": ("formal-review", "CENTER", PASS),
        "preliminary_review": ("preliminary-review", "CENTER", PASS),
        "attestation": ("attestation", "VERIFIER", {"report": application.report, "attested_t": application.claimed_t}),
        "nrb_validation": ("validation", "NRB", PASS),
        "forestry_validation": ("validation", "FORESTRY", PASS),
        "opinion": ("validation-opinion", "CENTER", None),  # the centre's opinion document, uploaded on the way
        "eeb_review": ("eeb-review", "EEB", PASS),
        "filing": ("filing", "EEB",
                   {"decision": "file", "filing_number": filing_number or f"赫环碳备〔2026〕{application.id}号"}),
        "mint": ("mint", "GOV", None),
    }
    route, department, body = calls[step]
    if step == "opinion":
        body = {"opinion_number": f"赫碳审〔2026〕{application.id}号",
                "opinion_document": upload(http, officials["CENTER"], name="审定意见.pdf")}
    return ok(http.post(f"{API}/applications/{application.id}/{route}", headers=officials[department], json=body))


def walk(
    http, officials: dict, application: Application, *, through: str = "mint", filing_number: str | None = None
) -> str | None:
    """Take the application through the steps of WALK up to and including `through`, each passed by
    its department. Returns the coupon number after the mint."""
    for step in WALK[: WALK.index(through) + 1]:
        answer = walk_step(http, officials, application, step, filing_number=filing_number)
    return answer["coupon"] if through == "mint" else None


def mint(http, officials: dict, holder: Holder, *, claimed_t: str = "1000", **form) -> str:
    """A new application of `holder` walked to its coupon; returns the coupon number."""
    application = submit(http, holder, application_form(upload(http, holder.headers), claimed_t=claimed_t, **form))
    return walk(http, officials, application)


def owner_request(http, holder: Holder, number: str, action: str, **extra):
    """The owner's consent (RequestMade) to a step on its coupon; the raw response."""
    return http.post(f"{API}/coupons/{number}/requests", headers=holder.headers, json={"action": action, **extra})


def listing_form(http, officials: dict, _holder: Holder | None = None, **changes) -> dict:
    """附件5 and 附件4 in full, the signed disclosure form and entrustment agreement uploaded by the centre."""
    form = {**LISTING, "disclosure_form": upload(http, officials["CENTER"], name="信息披露表.pdf"),
            "attachments": [upload(http, officials["CENTER"], name="其他附件.pdf")],
            "entrustment": {**LISTING["entrustment"],
                            "agreement": upload(http, officials["CENTER"], name="委托服务协议.pdf")}}
    return {**form, **changes}


def list_coupon(http, officials: dict, holder: Holder, number: str, **listing) -> dict:
    """The owner asks for the listing and CENTER lists with its disclosure (附件5) and entrustment (附件4);
    returns CENTER's answer."""
    ok(owner_request(http, holder, number, "LIST"))
    form = listing_form(http, officials, holder, **listing)
    return ok(http.post(f"{API}/coupons/{number}/listing", headers=officials["CENTER"], json=form))


def purchase_form(http, buyer: Holder, amount_t: str, *, reason: str = "VOLUNTARY", **changes) -> dict:
    """附件6: the reason, amount, commitment and the signed form (uploaded by the buyer); 生态赔偿 with the
    authority's document."""
    form = {"amount_t": amount_t, "reason": reason, "commitment": True,
            "signed_form": upload(http, buyer.headers, name="购买申请书.pdf")}
    if reason == "ECO_COMPENSATION":
        form["authority_document"] = upload(http, buyer.headers, name="主管部门同意文件.pdf")
    return {**form, **changes}


def apply_to_buy(http, buyer: Holder, amount_t: str, **changes) -> int:
    """A purchase application (附件6) submitted; its id."""
    return ok(http.post(f"{API}/purchases", headers=buyer.headers, json=purchase_form(http, buyer, amount_t, **changes)))[
        "purchase"]


def accepted_purchase(http, officials: dict, buyer: Holder, amount_t: str, **changes) -> int:
    """A purchase application the centre accepted (交易受理通知书): ready to be settled; its id."""
    purchase = apply_to_buy(http, buyer, amount_t, **changes)
    ok(http.post(f"{API}/purchases/{purchase}/acceptance", headers=officials["CENTER"], json={"decision": "accept"}))
    return purchase


def settle_trade(http, officials: dict, number: str, purchase: int, amount_t: str, **changes):
    """The centre settles a trade of the listed coupon for the accepted purchase (附件7): the raw response."""
    return http.post(f"{API}/trades", headers=officials["CENTER"], json={
        "coupon": number, "purchase_id": purchase, "amount_t": amount_t, "price_yuan_per_t": "30.00",
        "service_fee_yuan": "12.00", "agreement": upload(http, officials["CENTER"], name="交易协议.pdf"),
        "payment_method": "BANK_TRANSFER", "payment_term": "2026-12-31", "payment_status": "UNPAID", **changes})


def loss_report_form(written_report: str, **changes) -> dict:
    """附件3: a loss report's fields, citing the owner's uploaded written report."""
    return {"cause": "LOST", "statement": "碳券原件遗失，申请补发", "registration_type": "林地",
            "location": "泉交河镇", "address": "赫山区泉交河镇某村", "contact_person": "李会计",
            "contact_phone": "0737-1234567", "documents": {"written_report": written_report}, **changes}


def report_lost(http, holder: Holder, number: str, **changes):
    """The owner reports the coupon lost with 附件3's fields (its consent to the loss report); the raw response."""
    form = loss_report_form(upload(http, holder.headers, name="遗失书面报告.pdf"), **changes)
    return http.post(f"{API}/coupons/{number}/loss-report", headers=holder.headers, json=form)


# The reissue procedure's steps after the owner's loss report (附件1 二), in order.
REISSUE_WALK = ("record", "formal_review", "review", "registration", "filing", "reissue")


def reissue_step(http, officials: dict, number: str, step: str, *, filing_number: str | None = None):
    """One step of REISSUE_WALK, passed by its department; the raw response (the reissue waits for the notice)."""
    calls = {
        "record": ("POST", "loss", "CENTER", None),
        "formal_review": ("POST", "reissue/formal-review", "CENTER", PASS),
        "review": ("POST", "reissue/review", "CENTER", PASS),
        "registration": ("POST", "reissue/registration", "CENTER",
                         {"decision": "agree", "opinion": "材料齐全，同意补发"}),
        "filing": ("POST", "reissue-filing", "EEB", {"filing_number": filing_number or f"赫环补〔2026〕{number}"}),
        "reissue": ("POST", "reissue", "GOV", None),
    }
    method, route, department, body = calls[step]
    return http.request(method, f"{API}/coupons/{number}/{route}", headers=officials[department], json=body)


def lose(http, officials: dict, holder: Holder, number: str, *, through: str = "record",
         filing_number: str | None = None) -> None:
    """The owner reports the loss, then the departments take the reissue through REISSUE_WALK up to and
    including `through` (not the reissue itself, which waits for the notice to end)."""
    ok(report_lost(http, holder, number))
    for step in REISSUE_WALK[: REISSUE_WALK.index(through) + 1]:
        ok(reissue_step(http, officials, number, step, filing_number=filing_number))


def transfer_form(signed_form: str, transferee: str, *, kind: str = "OWNERSHIP", **changes) -> dict:
    """附件8 流转申请表: a transfer of ownership, or with kind PLEDGE a pledge (secured amount and term end)."""
    form = {"kind": kind, "transferee": transferee, "legal_representative": "张主任", "address": "赫山区泉交河镇某村村委会",
            "parcel_location": "泉交河镇某村", "transfer_method": "协议转让" if kind == "OWNERSHIP" else "质押融资",
            "term": "长期" if kind == "OWNERSHIP" else "两年", "transferee_address": "益阳市赫山区金银山路1号",
            "transfer_reason": "经村民代表大会决议，协议转让" if kind == "OWNERSHIP" else "以碳券质押向银行融资",
            "owner_opinion": "同意", "signed_transfer_form": signed_form}
    if kind == "PLEDGE":
        form |= {"secured_yuan": "20000.00", "term_end": "2027-06-30"}
    return {**form, **changes}


def file_transfer_form(http, holder: Holder, number: str, transferee: str, **changes):
    """The owner files 附件8 with its signed form uploaded; the raw response."""
    form = transfer_form(upload(http, holder.headers, name="流转申请表.pdf"), transferee, **changes)
    return http.post(f"{API}/coupons/{number}/transfer-forms", headers=holder.headers, json=form)


def accept_form(http, officials: dict, form_id: int, *, kind: str = "OWNERSHIP", decision: str = "accept"):
    """The centre's 受理意见 on a form; the raw response."""
    route = "acceptance" if kind == "OWNERSHIP" else "pledge-acceptance"
    return http.post(f"{API}/transfer-forms/{form_id}/{route}", headers=officials["CENTER"],
                     json={"decision": decision, "opinion": "材料齐全，同意受理" if decision == "accept" else "材料不全"})


def transfer(http, officials: dict, holder: Holder, number: str, transferee: Holder, *, amount_t: str | None = None) -> str:
    """A transfer of ownership the whole way (附件8): the form (the owner's consent), the transferee's confirmation,
    the centre's acceptance and registration; returns the number of the coupon moved."""
    amount = {"amount_t": amount_t} if amount_t is not None else {}
    form = ok(file_transfer_form(http, holder, number, transferee.username, **amount))["form"]
    ok(http.post(f"{API}/transfer-forms/{form}/confirmation", headers=transferee.headers))
    ok(accept_form(http, officials, form))
    return ok(http.post(f"{API}/coupons/{number}/transfer", headers=officials["CENTER"]))["coupon"]


def accept_pledge(http, officials: dict, holder: Holder, number: str, pledgee: Holder, **changes) -> int:
    """A pledge form (the owner's consent on-chain) the centre accepted: FINANCE may register it next."""
    form = ok(file_transfer_form(http, holder, number, pledgee.username, kind="PLEDGE", **changes))["form"]
    ok(accept_form(http, officials, form, kind="PLEDGE"))
    return form


def pledge(http, officials: dict, holder: Holder, number: str, pledgee: Holder, **changes) -> str:
    """A pledge the whole way (§2, §4, 附件8 质押权); returns the number of the coupon pledged."""
    accept_pledge(http, officials, holder, number, pledgee, **changes)
    terms = transfer_form("", "", kind="PLEDGE", **changes)
    return ok(http.post(f"{API}/coupons/{number}/pledge", headers=officials["FINANCE"],
                        json={"secured_yuan": terms["secured_yuan"], "term_end": terms["term_end"]}))["coupon"]
