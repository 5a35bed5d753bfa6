"""What anyone may read, without logging in (§13, DESIGN §7): provenance,
offset verification, the disclosure board, statistics and CSV exports.
Everything but verification reads the event index, never the chain.
No personal data: addresses and organisation names of holders only."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import ChainError
from chain.backends import connect, open_committed
from chain.errors import ChainDamaged
from chain.node import CHAIN_FILE, DEPLOYMENT_FILE
from chain.verify import STATEMENT_16 as STATEMENT_16  # §16, printed on certificates: not CCER-equivalent
from chain.verify import Verification, verify_offset

from ..core.db import ApplicationRecord, ListingRecord, Trade, User
from ..catalogue.steps import HOLDER
from ..core.errors import DomainError, NotFound
from ..runtime.public_cache import IMMUTABLE, REVALIDATE, Answer
from ..runtime.wiring import Gateway
from ..catalogue.units import china_time, period_last_day, tonnes, tonnes_text, utc, yuan
from . import market, reissues, users

ISSUING_UNIT = "赫山区人民政府"


def holder_names(db: Session, *, persons: bool = False, of: set[str] | None = None) -> dict[str, str]:
    """Organisation names may appear on the disclosure board (DESIGN §2); persons do not, except to the officials
    (`persons`), who know the account behind an address already: a person there by its display name. `of`: only
    these addresses' names."""
    holders = select(User).where(User.role == HOLDER) if persons else select(User).where(User.organisation.is_not(None))
    if of is not None:
        holders = holders.where(User.address.in_(of))
    return {u.address: users.shown_name(u) for u in db.scalars(holders).all() if u.address}


def provenance(gw: Gateway, db: Session, number: str) -> dict:
    record = gw.index.provenance(number)
    if record is None:
        raise NotFound("COUPON_NOT_FOUND", f"no coupon {number}")
    application_id = record["issuance"]["application"]
    application = gw.index.application(application_id)
    form = db.get(ApplicationRecord, application_id)
    record["coupon"]["holder"] = holder_names(db).get(record["coupon"]["owner"])
    record["coupon"]["amount_t"] = tonnes_text(record["coupon"]["amount_kg"])
    record["filing_number"] = application.filing_number or ""
    record["issuing_unit"] = ISSUING_UNIT
    if form is not None:
        record["project_name"] = form.project_name
        record["parcels"] = [{k: p[k] for k in ("number", "location", "land_type", "area_mu")} for p in form.parcels]
        record["bounded"] = all(p.get("boundary") for p in form.parcels)
    # §7: the period and its sink; the last day is the monitoring report's, included.
    record["monitoring_period"] = [application.period_start, period_last_day(application.period_end)]
    record["monitoring_period_end_included"] = True
    record["issued_at"] = _issued_at(gw, record["issuance"]["id"])
    record.update(_since_issuance(number, record["history"]))
    record["offset_tx"] = gw.index.offsets_of([number]).get(number)  # its offset certificate, once retired
    # 附件1 三(三): the trade its owner bought it in, whose voucher's QR leads here (its offline proof offered); a
    # coupon sold whole keeps its number, so the latest sale of it, and none once it changed hands otherwise
    last_move = next((step for step in reversed(record["history"]) if step["coupon"] == number
                      and step["event"] in ("TradeSettled", "CouponTransferred", "PledgeEnforced", "CouponRedeemed")), None)
    record["trade_tx"] = last_move["tx_hash"] if last_move and last_move["event"] == "TradeSettled" else None
    return record


def offsets_of(gw: Gateway, numbers: list[str]) -> dict[str, str]:
    """Each retired coupon's offset certificate (its transaction), for a buyer's pages."""
    return gw.index.offsets_of(numbers) if numbers else {}


def _issued_at(gw: Gateway, issuance: int) -> int:
    """制发日期 (§7): the issuance's, which a split part or a reissued coupon keeps."""
    return min(c["created_at"] for c in gw.index.family(issuance) if c["from"] is None)


def _since_issuance(number: str, history: list[dict]) -> dict:
    """What the coupon's own steps and its ancestors' add to §7's contents: the reissue it descends from
    (filing number and day), its loss notice, a freeze, and a voiding as invalid with its reason."""
    reissue, notice, frozen, invalidated = None, None, None, None
    for step in history:
        own, event, details = step["coupon"] == number, step["event"], step["details"]
        if event == "ReissueFiled" and not own:
            reissue = {"filing_number": details["filing_number"], "filed_at": step["timestamp"]}
        elif event == "CouponVoided" and reissue is not None and not own:
            reissue["reissued_at"] = step["timestamp"]
        elif event == "LossReported" and own:
            notice = {"start": step["timestamp"], "end": details["notice_end"], "ended": None}
        elif event in ("LossWithdrawn", "ReissueRefused") and own and notice is not None:
            notice["ended"] = event
        elif event == "CouponFrozen" and own:
            frozen = {"department": step["department"], "since": step["timestamp"], "reason": details["reason"]}
        elif event == "CouponUnfrozen" and own:
            frozen = None
        elif event == "CouponInvalidated" and own:
            frozen, invalidated = None, {"reason": details["reason"], "at": step["timestamp"],
                                         "inspection_sha256": details["inspection_hash"].removeprefix("0x")}
    return {"reissue": reissue, "loss_notice": notice, "frozen": frozen, "invalidated": invalidated}


def loss_notices(gw: Gateway) -> list[dict]:
    """The public board of loss notices (§12)."""
    return reissues.notices(gw)


def coupon_exists(gw: Gateway, number: str) -> bool:
    return gw.index.numbers.id_of(number) is not None


def family(gw: Gateway, issuance: int) -> list[dict]:
    """Every coupon of an issuance, each naming the coupon it came from: the lineage tree."""
    return gw.index.family(issuance)


def coupon_touched_by(gw: Gateway, tx_hash: str) -> str | None:
    """The number of the coupon a transaction touched, unless it is an offset certificate
    (whose page is its verification); None for a transaction the index does not know."""
    if gw.index.offset(tx_hash) is not None:
        return None
    return gw.index.coupon_of_tx(tx_hash)


def verification(gw: Gateway, tx_hash: str) -> dict:
    """From the chain's committed blocks, never waiting for the block producer: the
    transaction's block is found through the chain's own hash → block table, so a lookup
    costs the same at any chain length (scripts/bench_public.py)."""
    return verification_answer(gw, tx_hash).data()


def settled_verification(gw: Gateway, tx_hash: str) -> Answer | None:
    """The verdict already kept for good, if it is: a lookup, safe on the event loop."""
    return gw.public_answers.verdicts.get(tx_hash.lower())


def verification_answer(gw: Gateway, tx_hash: str) -> Answer:
    """The verification as sent. A verdict that no later block can change (chain.verify.SETTLED) of a
    transaction in a final block is kept and served from memory, to be cached by clients for good;
    any other (an unknown transaction, which may be mined later; a coupon transaction that is not an
    offset, whose live coupon may yet be voided) is verified again on every request."""
    key = tx_hash.lower()
    kept = gw.public_answers.verdicts

    def verify() -> Answer:
        result = verify_offset(gw.node.reader, key, ledger_address=gw.registry.ledger.address)
        final = result.settled and _final(gw, result.block)
        answer = Answer.of(_shaped(result), IMMUTABLE if final else REVALIDATE)
        if final:
            kept.put(key, answer)
        return answer

    return kept.get(key) or kept.once(key, verify, usable=lambda _: True)


def _final(gw: Gateway, block: int | None) -> bool:
    """Whether `block` can no longer be replaced: on the embedded chain every committed block
    (one producer, no forks); on a JSON-RPC node once `final_after_blocks` blocks follow it."""
    if block is None:
        return False
    depth = gw.settings.final_after_blocks
    return gw.node.embedded is not None or depth <= 0 or gw.node.reader.head() - block >= depth


# A coupon's record also shows the gateway's own records (a holder's organisation, the application's
# form), which change without a step: a kept record older than this is made again (its readers meanwhile
# get the kept one).
RECORD_MAX_AGE_S = 10.0


def kept_provenance(gw: Gateway, number: str) -> Answer | None:
    """The coupon's kept record: current, since the index follower forgets it before it publishes a
    step of the coupon, an ancestor or a child (PublicAnswers.index_moved). A lookup, safe on the
    event loop."""
    return gw.public_answers.coupons.get(number)


def provenance_answer(gw: Gateway, number: str) -> Answer:
    """The coupon's public record as sent, with an ETag that changes when the record does; kept
    unless a step of its coupons was indexed while it was made."""
    version = gw.public_answers.last_step()  # read before the record: it holds at least these steps
    with gw.db.sessions() as db:
        record = provenance(gw, db, number)
    numbers = [record["coupon"]["number"], *(c["number"] for part in ("ancestors", "children")
                                             for c in record["lineage"][part])]
    watched = frozenset(i for n in numbers if (i := gw.index.numbers.id_of(n)) is not None)
    answer = Answer.of(record, REVALIDATE, version=version, watched=watched, made_at=time.monotonic())
    gw.public_answers.keep_record(number, answer)
    return answer


def verification_without_gateway(data_dir: Path, tx_hash: str, *, rpc: str | None = None,
                                 ledger: str | None = None) -> dict:
    """`tanquan verify`: the same verification straight against a chain: a JSON-RPC node, or
    the data directory's embedded chain (whose deployment record names the ledger), opened
    read-only, so it may run beside a serving gateway and changes nothing."""
    if not rpc and not (data_dir / CHAIN_FILE).is_file():  # say what is needed; create nothing
        raise DomainError("NO_CHAIN", f"no Tanquan chain in {data_dir.resolve()}: set TANQUAN_DATA_DIR to a data "
                          "directory, or give --rpc URL (a node, or a gateway's /rpc)", status=503)
    embedded = None
    if rpc:
        chain = connect(rpc)
    else:
        try:
            embedded = open_committed(data_dir / CHAIN_FILE)
        except ChainDamaged as exc:
            raise DomainError("CHAIN_DAMAGED", str(exc), status=503) from exc
        except ChainError as exc:
            raise DomainError("CHAIN_UNAVAILABLE", f"{exc}; give --rpc URL", status=503) from exc
        chain = embedded.chain
        deployment = data_dir / DEPLOYMENT_FILE
        if ledger is None and deployment.exists():
            ledger = json.loads(deployment.read_text())["ledger"]
    try:
        return _shaped(verify_offset(chain, tx_hash, ledger_address=ledger))
    finally:
        if embedded is not None:
            embedded.close()


def _shaped(result: Verification) -> dict:
    return {"verdict": result.verdict.value, "reason": result.reason, "reason_zh": result.explain("zh"),
            "tx_hash": result.tx_hash, "certificate": result.certificate}


def listings(gw: Gateway, db: Session) -> list[dict]:
    names = holder_names(db)
    listed = gw.index.listed()
    forms = {row.coupon_id: row for row in db.scalars(
        select(ListingRecord).where(ListingRecord.coupon_id.in_({i for entry in listed for i in entry.origins}))
    )}
    board, now = [], market.chain_now(gw)
    for entry in listed:
        # The remainder of a partly sold listing shows its origin's disclosure form.
        listing = next((forms[i] for i in entry.origins if i in forms), None)
        if listing is None:
            continue
        coupon, application = entry.coupon, entry.application
        # 附件5 in full, 附件4's parties without a person's particulars; expired once the chain passed its end.
        form = market.listing_view(gw, listing, public=True, holder_name=names.get(coupon.owner), now=now)
        board.append({
            **form, "number": coupon.number, "amount_t": tonnes_text(coupon.amount_kg), "holder": names.get(coupon.owner),
            "issuing_unit": ISSUING_UNIT, "issued_at": entry.issued_at,
            "monitoring_period": [application.period_start, period_last_day(application.period_end)],
            "monitoring_amount_t": tonnes_text(entry.issuance.amount_kg),
            "filing_number": application.filing_number or "",
            "disclosure": {key: listing.disclosure.get(key) for key in PUBLIC_DISCLOSURE if key in listing.disclosure},
        })
    return board


def listing_entry(gw: Gateway, db: Session, number: str) -> dict | None:
    """A listed coupon's entry of the disclosure board (附件5, 附件4), None when it is not listed."""
    return next((item for item in listings(gw, db) if item["number"] == number), None)


# 附件5's own fields; the entrustment (附件4) is shown as listing_view shapes it.
PUBLIC_DISCLOSURE = ("price_yuan_per_t", "notice_start", "notice_days", "project_area_mu", "location", "remarks",
                     "centre", "holder_commitment", "disclosure_form", "coupon_original", "attachments")


def stats(gw: Gateway) -> dict:
    amounts = gw.index.amounts()
    return {
        "issued_t": tonnes_text(amounts["issued_kg"]),
        "by_state_t": {state: tonnes_text(kg) for state, kg in sorted(amounts["by_state_kg"].items())},
        "offsets": amounts["offsets"],
        "retired_by_purpose_t": {p: tonnes_text(kg) for p, kg in sorted(amounts["retired_by_purpose_kg"].items())},
    }


def registrations(gw: Gateway, db: Session) -> list[list]:
    """The register, a row a coupon (the export's columns: api/routes/public.py): holders by organisation,
    else by address, never a person's name."""
    names = holder_names(db)
    coupons = gw.index.coupons()
    numbers = {c.id: c.number for c in coupons}
    return [[c.number, c.state, tonnes_text(c.amount_kg), c.first_serial, c.last_serial, names.get(c.owner, c.owner),
             numbers.get(c.parent, ""), numbers.get(c.replaces, ""), utc(c.created_at)]
            for c in coupons]


def trades(gw: Gateway, db: Session) -> list[list]:
    """Every settled trade (附件7), a row each: when, what, how much, the service fee, and the parties — seller
    and buyer as their organisations (an account of a person shows its address only: no person's name)."""
    names = holder_names(db)
    numbers = {c.id: c.number for c in gw.index.coupons()}
    agreed = {t.tx_hash: t for t in db.scalars(select(Trade))}  # 附件7's payment terms, as the centre recorded them
    rows = []
    for step in gw.index.steps(["TradeSettled"]):
        d = step.details
        trade = agreed.get(step.tx_hash)
        price = yuan(d["price_fen_per_tonne"])
        rows.append([step.tx_hash, step.block_number, utc(step.timestamp), numbers.get(step.coupon_id),
                     tonnes_text(d["amount_kg"]), str(price), str((tonnes(d["amount_kg"]) * price).quantize(Decimal("0.01"))),
                     str(yuan(d.get("service_fee_fen", 0))), names.get(d["seller"], d["seller"]),
                     names.get(d["buyer"], d["buyer"]),
                     *((trade.payment_method, trade.payment_term.isoformat(), trade.payment_status) if trade else ("",) * 3)])
    return rows


# What the statistics page charts: amounts by month and by land type. A coupon
# created with neither parent nor predecessor is newly issued.
CHARTED_EVENTS = {"CouponCreated": "issued", "CouponListed": "listed", "CouponPledged": "pledged", "CouponRetired": "retired"}


def activity(gw: Gateway, db: Session) -> dict:
    """Tonnes issued, listed, pledged and retired per month (China time), and
    issued and still-live amounts by land type, split over an issuance's parcels by area."""
    by_month: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_land: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    coupons = gw.index.coupons()
    amounts = {c.id: c.amount_kg for c in coupons}
    for step in gw.index.steps(CHARTED_EVENTS):
        if step.event == "CouponCreated" and (step.details["parent"] or step.details["replaces"]):
            continue
        kg = step.details.get("amount_kg") or amounts.get(step.coupon_id, 0)
        by_month[china_time(step.timestamp, "%Y-%m")][CHARTED_EVENTS[step.event]] += tonnes(kg)
    applications = gw.index.issuance_applications()
    forms = {r.application_id: r for r in db.scalars(select(ApplicationRecord))}
    for coupon in coupons:
        if coupon.state in ("SPLIT", "VOIDED"):
            continue
        form = forms.get(applications[coupon.issuance])
        parcels = form.parcels if form else []
        total_area = sum(Decimal(p["area_mu"]) for p in parcels)
        for parcel in parcels:
            share = tonnes(coupon.amount_kg) * Decimal(parcel["area_mu"]) / total_area
            by_land[parcel["land_type"]]["issued"] += share
            if coupon.state != "RETIRED":
                by_land[parcel["land_type"]]["live"] += share
    return {
        "by_month": {month: dict(series) for month, series in sorted(by_month.items())},
        "by_land_type": {land: dict(series) for land, series in sorted(by_land.items())},
    }
