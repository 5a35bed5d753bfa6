"""The `tanquan` command."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from .settings import get_settings


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} blocks")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _open_node():
    from chain.node import open_node

    settings = get_settings()
    return open_node(
        settings.data_dir, chain_url=settings.chain_url, loss_notice_seconds=settings.loss_notice_days * 86400
    )


def _demo(args: argparse.Namespace) -> None:
    from . import demo

    result = demo.run(progress=(lambda line: None) if args.json else print)
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


def _keys(args: argparse.Namespace) -> None:
    from chain import Role

    node = _open_node()
    try:
        print(f"{'role':<10} address")
        for role in Role:
            print(f"{role.value:<10} {node.department(role).address}")
        print(f"{'faucet':<10} {node.keys.address_of('faucet')}")
    finally:
        node.close()


def _index_rebuild(args: argparse.Namespace) -> None:
    from chain.index import EventIndex

    node = _open_node()
    try:
        index = EventIndex(get_settings().index_url)
        applied = index.rebuild(node.registry, from_block=node.deployed_block, progress=_progress)
        print(f"rebuilt the index from {applied} events up to block {index.cursor()}")
    finally:
        node.close()


def _verify(args: argparse.Namespace) -> int:
    from chain.backends import connect, open_embedded
    from chain.errors import ChainError
    from chain.node import CHAIN_FILE, DEPLOYMENT_FILE
    from chain.verify import Verdict, verify_offset

    embedded = None
    if args.rpc:
        chain = connect(args.rpc)
    else:
        try:
            embedded = open_embedded(get_settings().data_dir / CHAIN_FILE)
        except ChainError as exc:
            print(f"tanquan verify: {exc}; give --rpc URL", file=sys.stderr)
            return 2
        chain = embedded.chain
    ledger = args.ledger
    deployment = get_settings().data_dir / DEPLOYMENT_FILE
    if ledger is None and not args.rpc and deployment.exists():
        ledger = json.loads(deployment.read_text())["ledger"]
    try:
        result = verify_offset(chain, args.tx_hash, ledger_address=ledger)
    finally:
        if embedded is not None:
            embedded.close()
    if args.json:
        print(json.dumps({"verdict": result.verdict.value, "reason": result.reason, "tx_hash": result.tx_hash,
                          "certificate": result.certificate}, ensure_ascii=False, indent=2))
    else:
        label = {"valid": "有效 VALID", "invalid": "无效 INVALID", "voided": "已作废 VOIDED", "unknown": "未找到 UNKNOWN"}
        print(f"{label[result.verdict.value]}: {result.reason}")
        for key, value in result.certificate.items():
            print(f"  {key:<18} {value}")
    return {Verdict.VALID: 0, Verdict.UNKNOWN: 2}.get(result.verdict, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tanquan", description="Tanquan 碳券 registry")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run one full coupon story on a fresh throw-away chain")
    demo.add_argument("--json", action="store_true", help="print the steps, coupons and offsets as JSON")
    demo.set_defaults(run=_demo)

    keys = commands.add_parser("keys", help="create (first time) and list the department signing addresses")
    keys.set_defaults(run=_keys)

    index = commands.add_parser("index", help="the event index")
    index_commands = index.add_subparsers(dest="index_command", required=True)
    rebuild = index_commands.add_parser("rebuild", help="rebuild the index from the chain's events")
    rebuild.set_defaults(run=_index_rebuild)

    verify = commands.add_parser("verify", help="verify an offset certificate against the chain, without the gateway")
    verify.add_argument("tx_hash")
    verify.add_argument("--rpc", help="JSON-RPC URL of a node (default: the embedded chain in TANQUAN_DATA_DIR)")
    verify.add_argument("--ledger", help="the registry's CouponLedger address, if known")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=_verify)

    args = parser.parse_args(argv)
    sys.exit(args.run(args) or 0)


if __name__ == "__main__":
    main()
