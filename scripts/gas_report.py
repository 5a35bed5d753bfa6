"""Gas used by each registry operation on eth-tester (py-evm, cancun).

Prints a table and, with --json PATH, writes one flat object mapping each
operation to its gas. Goals (issue: the coupon ledger): transfer ≤ 46,000 and
offset ≤ 50,000 (OpenZeppelin ERC-721 transferFrom to a new holder: 46,004),
mint ≤ 150,000.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eth_utils import keccak  # noqa: E402

from chain import Action, OffsetPurpose, Role  # noqa: E402
from chain import devnet  # noqa: E402

GOALS = {"transfer": 46_000, "offset_full": 50_000, "mint": 150_000}
ZERO = "0x" + "00" * 20
REPORT = devnet.REPORT_HASH
TERM_END = 1_893_427_200
INSPECTION = keccak(text="inspection record")
NOTES = {
    "mint_first": "first mint of a fresh ledger also initialises the issuance and coupon counters",
    "mint": "a later mint, counters already set",
    "request": "owner's consent (one storage word); every department step below consumes one",
    "transfer": "CENTER's transfer registration of a whole coupon",
    "redeem": "CENTER's 兑现 of a whole coupon to the designated acquirer",
    "trade_partial": "partial amounts create two child coupons (two words each)",
    "offset_partial": "as trade_partial",
    "freeze": "stores the state to restore",
    "voiding": "the second signature: stores the reason and inspection record",
}


def measure() -> dict[str, int]:
    net, deploy_gas = devnet.start()
    reg, dep = net.registry, net.departments
    holder, buyer, pledgee = net.new_account(), net.new_account(), net.new_account()
    gas: dict[str, int] = {"deploy": deploy_gas}
    parcels = iter(range(1, 100))

    def mint(name: str | None = None) -> int:
        steps = {}
        coupon = devnet.issue_coupon(
            reg, dep, holder, parcels=[keccak(text=f"HS-{next(parcels)}")], amount_kg=10_000_000, receipts=steps
        )
        if name:
            gas.update({step: receipt.gas_used for step, receipt in steps.items() if step != "mint"})
            gas[name] = steps["mint"].gas_used
        return coupon

    def request(coupon: int, action: Action, owner, counterparty=ZERO, amount=None) -> int:
        amount = amount or reg.coupon(coupon).amount_kg
        return reg.send(owner, "request", coupon, int(action), counterparty, amount).gas_used

    def step(name: str, sender, function: str, *args):
        receipt = reg.send(sender, function, *args)
        gas[name] = receipt.gas_used
        return receipt

    mint("mint_first")
    coupon = mint("mint")

    gas["request"] = request(coupon, Action.LIST, holder)
    step("list", dep[Role.CENTER], "list_coupon", coupon, 3_000, 2**32, REPORT)  # a notice end ahead
    sold = step("trade_partial", dep[Role.CENTER], "settle_trade", coupon, buyer.address, 2_000_000, 3_000, 600, REPORT)
    rest = sold.event("CouponSplit").args["rest"]
    step("trade_full", dep[Role.CENTER], "settle_trade", rest, buyer.address, reg.coupon(rest).amount_kg, 3_000, 600, REPORT)

    whole = mint()
    request(whole, Action.TRANSFER, holder, buyer.address)
    step("transfer", dep[Role.CENTER], "register_transfer", whole)
    request(whole, Action.TRANSFER, buyer, holder.address, 1_000_000)
    step("transfer_partial", dep[Role.CENTER], "register_transfer", whole)

    pledged = mint()
    request(pledged, Action.PLEDGE, holder, pledgee.address)
    step("pledge", dep[Role.FINANCE], "register_pledge", pledged, 30_000_000, TERM_END)
    step("freeze_pledged", dep[Role.NRB], "freeze", pledged, "抽查")
    step("unfreeze_pledged", dep[Role.NRB], "unfreeze", pledged)
    step("release", pledgee, "release_pledge", pledged)
    step("freeze", dep[Role.NRB], "freeze", pledged, "抽查")
    step("unfreeze", dep[Role.NRB], "unfreeze", pledged)

    request(pledged, Action.LOSS, holder)
    step("loss_report", dep[Role.CENTER], "report_loss", pledged)
    step("reissue_supplement", dep[Role.CENTER], "require_reissue_supplement", pledged, ["挂失公告报纸版面"])
    step("reissue_resubmit", holder, "resubmit_reissue", pledged)
    step("reissue_formal_review", dep[Role.CENTER], "pass_reissue_formal_review", pledged)
    step("reissue_survey_pause", dep[Role.CENTER], "pause_reissue_survey", pledged)
    step("reissue_survey_resume", dep[Role.CENTER], "resume_reissue_survey", pledged)
    step("reissue_review", dep[Role.CENTER], "pass_reissue_review", pledged)
    step("reissue_registration", dep[Role.CENTER], "register_reissue", pledged)
    step("reissue_filing", dep[Role.EEB], "file_reissue", pledged, "赫环碳补〔2026〕1号")
    net.evm.time_travel(net.evm.chain.timestamp() + devnet.DEFAULT_LOSS_NOTICE_SECONDS + 1)
    reissued = step("reissue", dep[Role.GOV], "reissue", pledged).event("CouponVoided").args["replaced_by"]

    request(reissued, Action.OFFSET, holder)
    step("offset_full", dep[Role.EEB], "retire", reissued, int(OffsetPurpose.EVENT_NEUTRALITY), "赫山马拉松组委会", "HS-2026-EV-01")
    partial = mint()
    request(partial, Action.OFFSET, holder, amount=1_000)
    step("offset_partial", dep[Role.EEB], "retire", partial, int(OffsetPurpose.GREEN_POINTS), "低碳积分用户", "GP-0001")

    redeemed = mint()  # 兑现 (§2): DRC's terms, then the owner's consent and the centre's sale to the acquirer
    step("redemption_terms", dep[Role.DRC], "set_redemption", pledgee.address, 2_800)
    request(redeemed, Action.REDEEM, holder)
    step("redeem", dep[Role.CENTER], "redeem", redeemed, REPORT)

    invalid = mint()
    step("voiding_first", dep[Role.NRB], "sign_voiding", invalid, "抽查发现宗地重复登记", INSPECTION)
    step("voiding", dep[Role.FORESTRY], "sign_voiding", invalid, "抽查发现宗地重复登记", INSPECTION)
    return gas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the operation → gas object here")
    args = parser.parse_args()
    gas = measure()
    print(f"{'operation':<22} {'gas':>10} {'goal':>10}  note")
    for name, used in gas.items():
        goal = GOALS.get(name)
        mark = "" if goal is None else (" ok" if used <= goal else " OVER")
        print(f"{name:<22} {used:>10,} {goal or '':>10}{mark}  {NOTES.get(name, '')}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(gas, indent=2) + "\n")
    if any(gas[name] > goal for name, goal in GOALS.items()):
        sys.exit(1)


if __name__ == "__main__":
    main()
