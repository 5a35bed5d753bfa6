"""The `tanquan` command."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict


def _demo(args: argparse.Namespace) -> None:
    from . import demo

    quiet = args.json
    result = demo.run(progress=(lambda line: None) if quiet else print)
    if args.json:
        json.dump(
            {"steps": [asdict(s) for s in result.steps], "coupons": [c["number"] for c in result.coupons],
             "coupon_states": result.coupons, "offsets": result.offsets},
            sys.stdout, ensure_ascii=False, indent=2,
        )
        print()
        return
    print("\n碳券 coupons")
    for c in result.coupons:
        print(f"  {c['number']}  {c['state']:<13} {c['amount_kg'] / 1000:>10,.3f} t  serials {c['serials'][0]}–{c['serials'][1]}  {c['owner']}")
    print("\n抵销凭证 offset certificates (id = tx hash)")
    for o in result.offsets:
        print(f"  {o['tx_hash']}  {o['coupon']}  {o['amount_kg'] / 1000:,.3f} t  {o['beneficiary']}  {o['case_reference']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tanquan", description="Tanquan 碳券 registry")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run one full coupon story on a fresh embedded chain")
    demo.add_argument("--json", action="store_true", help="print the steps, coupons and offsets as JSON")
    demo.set_defaults(run=_demo)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
