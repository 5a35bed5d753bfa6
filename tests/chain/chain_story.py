"""One coupon's whole story told straight to the contracts on a throw-away
chain (the gateway tells the same story through HTTP in gateway/demo.py):
mint, partial sale, pledge and release, loss and reissue, two offsets."""

from __future__ import annotations

from dataclasses import dataclass, field

from eth_utils import keccak

from chain import Action, OffsetPurpose, Receipt, Role, devnet

ZERO = "0x" + "00" * 20
TONNE = 1000


@dataclass
class Step:
    title: str
    department: str
    tx_hash: str
    block: int


@dataclass
class DemoResult:
    steps: list[Step] = field(default_factory=list)
    coupons: list[dict] = field(default_factory=list)
    offsets: list[dict] = field(default_factory=list)


def run(net: devnet.Devnet, progress=lambda line: None) -> DemoResult:
    reg, dep = net.registry, net.departments
    cooperative = net.new_account()  # 某村股份经济合作社, the holder
    organiser = net.new_account()  # 赛事组委会, a buyer
    developer = net.new_account()  # 建设单位, liable for eco-compensation
    bank = net.new_account()  # 农商银行, the pledgee
    result = DemoResult()
    names = {cooperative.address: "持有人", organiser.address: "购买方", developer.address: "建设单位", bank.address: "质权人"}
    names.update({account.address: role.value for role, account in dep.items()})

    def act(title: str, sender, step, **arguments):
        """Take one typed registry step as `sender` and note it."""
        written = step(sender, **arguments)
        step_row = Step(title, names[sender.address], written.tx_hash, written.block_number)
        result.steps.append(step_row)
        progress(f"{len(result.steps):>2}. {title:<28} {step_row.department:<9} {step_row.tx_hash}")
        return written

    def consent(title: str, owner, coupon: int, action: Action, counterparty=ZERO, amount_kg=None):
        amount_kg = amount_kg or reg.coupon(coupon).amount_kg
        return act(title, owner, reg.request, coupon=coupon, action=action, counterparty=counterparty, amount_kg=amount_kg)

    receipts: dict[str, Receipt] = {}
    coupon = devnet.issue_coupon(
        reg, dep, cooperative, parcels=[keccak(text="430903-108-0012"), keccak(text="430903-108-0013")],
        amount_kg=12_723 * TONNE, receipts=receipts,
    )
    for title, step, department in (("登记申请 submit", "submit", "持有人"), ("制发 mint", "mint", "GOV")):
        result.steps.append(Step(title, department, receipts[step].tx_hash, receipts[step].block_number))

    consent("申请挂牌 request listing", cooperative, coupon, Action.LIST)
    act("挂牌披露 listing", dep[Role.CENTER], reg.list_coupon,
        coupon=coupon, price_fen_per_tonne=3_000, notice_end=2**32, disclosure_hash=bytes.fromhex("ef" * 32))
    sale = act(
        "交易结算 partial sale 2,723 t", dep[Role.CENTER], reg.settle_trade, coupon=coupon, buyer=organiser.address,
        amount_kg=2_723 * TONNE, price_fen_per_tonne=3_000, service_fee_fen=81_690, agreement_hash=bytes.fromhex("12" * 32),
    )
    sold, rest = sale.coupon, sale.receipt.event("CouponSplit").args["rest"]
    act("撤牌 withdraw listing", dep[Role.CENTER], reg.withdraw_listing, coupon=rest)

    consent("申请质押 request pledge", cooperative, rest, Action.PLEDGE, bank.address, 5_000 * TONNE)
    pledged = act("质押登记 pledge", dep[Role.FINANCE], reg.register_pledge,
                  coupon=rest, secured_fen=10_000_000, term_end=1_893_427_200).coupon
    act("解除质押 release", bank, reg.release_pledge, coupon=pledged)

    consent("挂失申请 loss request", cooperative, pledged, Action.LOSS)
    act("挂失公告 loss report", dep[Role.CENTER], reg.report_loss, coupon=pledged)
    act("补发形式审查 reissue formal review", dep[Role.CENTER], reg.pass_reissue_formal_review, coupon=pledged)
    act("补发审查 reissue review", dep[Role.CENTER], reg.pass_reissue_review, coupon=pledged)
    act("补发登记 reissue registration", dep[Role.CENTER], reg.register_reissue, coupon=pledged)
    act("补发备案 reissue filing", dep[Role.EEB], reg.file_reissue, coupon=pledged, filing_number="赫环碳补〔2026〕1号")
    net.evm.time_travel(net.evm.chain.timestamp() + devnet.DEFAULT_LOSS_NOTICE_SECONDS + 1)
    reissued = act("补发 reissue", dep[Role.GOV], reg.reissue, coupon=pledged).coupon

    consent("申请抵销 offset request", organiser, sold, Action.OFFSET)
    event_offset = act(
        "抵销凭证 event neutrality", dep[Role.EEB], reg.retire, coupon=sold, purpose=OffsetPurpose.EVENT_NEUTRALITY,
        beneficiary="2026赫山马拉松组委会", case_reference="HS-EV-2026-001",
    )
    consent("申请转让 transfer consent", cooperative, reissued, Action.TRANSFER, developer.address, 300 * TONNE)
    moved = act("流转登记 transfer", dep[Role.CENTER], reg.register_transfer, coupon=reissued).coupon
    consent("申请抵销 offset request", developer, moved, Action.OFFSET)
    eco_offset = act(
        "抵销凭证 eco-compensation", dep[Role.EEB], reg.retire, coupon=moved, purpose=OffsetPurpose.ECO_COMPENSATION,
        beneficiary="某建设单位", case_reference="赫自然资〔2026〕用地12号",
    )

    for offset in (event_offset, eco_offset):
        retired = offset.receipt.event("CouponRetired").args
        result.offsets.append(
            {"tx_hash": offset.tx_hash, "coupon": reg.number_of(offset.coupon), "amount_kg": retired["amount_kg"],
             "beneficiary": retired["beneficiary"], "case_reference": retired["case_reference"]}
        )
    for coupon_id in range(1, reg.coupon_count() + 1):
        c = reg.coupon(coupon_id)
        result.coupons.append(
            {"number": reg.number_of(coupon_id), "state": c.state.name, "owner": names.get(c.owner, c.owner),
             "serials": [c.first_serial, c.last_serial], "amount_kg": c.amount_kg}
        )
    return result
