"""The `tanquan` command."""

from __future__ import annotations

import argparse
import json
import logging.config
import os
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

from .core.errors import CannotStart
from .core.settings import get_settings


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} blocks")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _print_story(result) -> None:
    print("\n碳券 coupons")
    for number in result.coupons:
        print(f"  {number}")
    print("\n抵销凭证 offset certificates (id = tx hash; verify: tanquan verify TX_HASH)")
    for o in result.offsets:
        print(f"  {o['tx_hash']}  {o['coupon']}  {o['verdict']}  {o['beneficiary']}")
    record = result.provenance
    print(f"\n溯源 provenance of {record['coupon']['number']}: {record['coupon']['state']}, {len(record['history'])} steps")
    for step in record["history"]:
        print(f"  {step['block']:>6}  {step['event']:<18} {step['department'] or '持有人 holder':<14} {step['tx_hash']}")


def _demo(args: argparse.Namespace) -> None:
    from . import demo

    progress = (lambda line: None) if args.json else print
    if args.url:
        import httpx

        with httpx.Client(base_url=args.url, timeout=120) as client:
            result = demo.run(client, progress=progress)
    else:
        import tempfile

        from fastapi.testclient import TestClient

        from .api.app import create_app
        from .runtime.wiring import Gateway
        from .core.security import IDENTITY_KEY_ENV
        from .core.settings import Settings

        with (tempfile.TemporaryDirectory(prefix="tanquan-demo-") as data_dir,
              tempfile.TemporaryDirectory(prefix="tanquan-demo-key-") as key_dir):
            settings = Settings(data_dir=Path(data_dir), loss_notice_days=demo.DEMO_LOSS_NOTICE_DAYS)
            if not (os.environ.get(IDENTITY_KEY_ENV) or settings.identity_key_file):  # a throw-away registry's
                key_file = Path(key_dir) / "identity.key"  # beside the data directory, as an operator keeps it
                key_file.write_text(demo.DEMO_IDENTITY_KEY)
                settings = settings.model_copy(update={"identity_key_file": key_file})
            gateway = Gateway.open(settings, passphrase=demo.DEMO_PASSWORD)
            try:
                demo.seed_officials(gateway)
                with TestClient(create_app(settings, gateway=gateway)) as client:
                    result = demo.run(client, progress=progress)
            finally:
                gateway.close()
    if args.json:
        json.dump({"steps": result.steps, "coupons": result.coupons, "offsets": result.offsets,
                   "provenance": result.provenance}, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_story(result)


def _print_logins(url: str, logins) -> None:
    """The last lines `tanquan serve --demo` prints once it listens: where, and every demo login."""
    from . import demo

    lines = [f"\nTanquan is serving {url}",
             f"public explorer: {url}/   consoles: {url}/console   API docs: {url}/docs",
             f"demo logins (password {demo.DEMO_PASSWORD}):"]
    width = max(len(login.username) for login in logins)
    lines += [f"  {login.username:<{width}}  {login.name} · {login.who}" for login in logins]
    print("\n".join(lines), flush=True)


def _serve(args: argparse.Namespace) -> None:
    import threading
    import time

    import httpx
    import uvicorn

    from . import demo
    from .core import logs
    from .api.app import create_app
    from .runtime.wiring import Gateway

    settings = get_settings()
    log_config = logs.config(settings.log_format, settings.log_level.upper())
    logging.config.dictConfig(log_config)
    if args.demo and demo.claim(settings.data_dir):
        settings = settings.model_copy(update={"loss_notice_days": demo.DEMO_LOSS_NOTICE_DAYS})
        print("demo: a fresh registry whose loss-notice period (§12) is 5 seconds, so the story can reach a reissue",
              flush=True)
    gateway = Gateway.open(settings)
    url = f"http://{args.host}:{args.port}"
    _warn_of_base_url(settings.public_base_url, args.port)
    # An idle kept-alive connection is closed after 75 s, longer than clients (httpx 5 s) and reverse proxies
    # (nginx 60 s) keep theirs: at uvicorn's 5 s a client reusing one as the server closed it got a reset.
    server = uvicorn.Server(uvicorn.Config(create_app(settings, gateway=gateway), host=args.host, port=args.port,
                                           log_config=log_config, server_header=False, proxy_headers=False,
                                           timeout_keep_alive=75))
    if args.demo:
        demo.seed_officials(gateway)
        told = demo.story_told(gateway)  # a second run on the same data directory tells it no more

        def after_startup() -> None:
            """Once uvicorn listens (its startup lines printed): the story, first time only, then the logins last."""
            while not server.started:
                if server.should_exit:
                    return
                time.sleep(0.1)
            if not told:
                try:
                    with httpx.Client(base_url=url, timeout=120) as client:
                        result = demo.run(client, progress=lambda line: print(line, flush=True))
                    _print_story(result)
                except Exception as exc:  # the gateway serves on; say why the story stopped, then the logins
                    print(f"demo: the story stopped: {exc}", file=sys.stderr, flush=True)
            else:
                print("demo: this data directory has the demo story already; not telling it again", flush=True)
            _print_logins(url, demo.logins(gateway))

        threading.Thread(target=after_startup, name="tanquan-demo", daemon=True).start()
    try:
        _run_then_close(server)
    finally:
        gateway.close()  # seals the chain file: the next start reads its tail, not every page


def _run_then_close(server) -> None:
    """uvicorn raises the signal that stopped it (SIGTERM, SIGINT) again once it has shut down, which would
    end the process before the gateway closes; a handler that does nothing takes it instead."""
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _warn_of_base_url(public_base_url: str, port: int) -> None:
    """Certificates' QR codes point at public_base_url, never at a request's Host: one that names another
    port than the one served (behind no proxy) prints codes nobody can open. Said once, at start."""
    base = urlsplit(public_base_url)
    if base.hostname in ("127.0.0.1", "localhost", "::1") and (base.port or 80) != port:
        logging.getLogger("gateway.cli").warning(
            "TANQUAN_PUBLIC_BASE_URL is %s but the gateway serves port %d: certificates' QR codes will point at "
            "the wrong place. Set it to the address the public reaches", public_base_url, port)


def _keys(args: argparse.Namespace) -> None:
    from .runtime.wiring import open_node_for, signing_addresses

    node = open_node_for(get_settings())
    try:
        print(f"{'role':<10} address")
        for name, address in signing_addresses(node).items():
            print(f"{name:<10} {address}")
    finally:
        node.close()


def _index_rebuild(args: argparse.Namespace) -> None:
    from .runtime.wiring import open_node_for, rebuild_index

    settings = get_settings()
    node = open_node_for(settings)
    try:
        applied, cursor = rebuild_index(settings, node, _progress)
        print(f"rebuilt the index from {applied} events up to block {cursor}")
    finally:
        node.close()


def _backup(args: argparse.Namespace) -> int:

    from .backup import BackupError, backup

    data_dir = get_settings().data_dir
    try:
        manifest = backup(data_dir, Path(args.dir))
    except BackupError as exc:
        print(f"tanquan backup: {exc}", file=sys.stderr)
        return 2
    print(f"backed up {data_dir} into {args.dir}: {len(manifest.databases)} databases "
          f"({', '.join(manifest.databases)}) and {len(manifest.files)} files")
    return 0


def _restore(args: argparse.Namespace) -> int:

    from .backup import BackupError, restore

    data_dir = get_settings().data_dir
    try:
        manifest = restore(Path(args.dir), data_dir)
    except BackupError as exc:
        print(f"tanquan restore: {exc}", file=sys.stderr)
        return 2
    print(f"restored the backup of {args.dir} into {data_dir}: {len(manifest.databases)} databases and "
          f"{len(manifest.files)} files; the gateway catches its index up with the chain when it starts")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from .core.errors import DomainError
    from .services import public

    if args.offline:
        from . import witness

        if not (args.policy and args.ledger):
            raise CannotStart("--offline needs --policy (yours) and --ledger (the registry's, from its notice)")
        return witness.verify_offline(Path(args.offline), Path(args.policy), ledger=args.ledger,
                                      signers={"EEB": args.eeb, "CENTER": args.centre})
    if not args.tx_hash:
        raise CannotStart("give the certificate's transaction hash (or --offline BUNDLE)")

    try:
        result = public.verification_without_gateway(
            get_settings().data_dir, args.tx_hash, rpc=args.rpc, ledger=args.ledger
        )
    except DomainError as exc:
        print(f"tanquan verify: {exc.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({key: result[key] for key in ("verdict", "reason", "tx_hash", "certificate")},
                         ensure_ascii=False, indent=2))
    else:
        label = {"valid": "有效 VALID", "invalid": "无效 INVALID", "voided": "已作废 VOIDED", "unknown": "未找到 UNKNOWN"}
        print(f"{label[result['verdict']]}: {result['reason']}")
        for key, value in result["certificate"].items():
            print(f"  {key:<18} {value}")
    return {"valid": 0, "unknown": 2}.get(result["verdict"], 1)


def _witness(args) -> int:
    """A witness of one or more transparency logs (gateway/witness.py), on its own state directory."""
    from . import witness

    return witness.serve(args.name, args.log, Path(args.state), host=args.host, port=args.port)


def _log_check(args) -> int:
    """Check the registry's transparency log against the reader's own policy (gateway/witness.py)."""
    from . import witness

    return witness.log_check(Path(args.policy), Path(args.state), url=args.url, block=args.block)


def _make_private(data_dir: Path) -> None:
    """0700 for the data directory and its folders, 0600 for its files, whatever made them."""
    if not data_dir.is_dir():
        return
    for path in [data_dir, *data_dir.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o700 if path.is_dir() else 0o600)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tanquan", description="Tanquan 碳券 registry")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the gateway on the data directory's chain")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="seed demo officials and tell the demo story once served")
    serve.set_defaults(run=_serve)

    demo = commands.add_parser("demo", help="tell one full coupon story through the HTTP API")
    demo.add_argument("--url", help="drive the gateway at this URL (default: start one on a throw-away data directory)")
    demo.add_argument("--json", action="store_true", help="print the steps, coupons, offsets and provenance as JSON")
    demo.set_defaults(run=_demo)

    keys = commands.add_parser("keys", help="create (first time) and list the department signing addresses")
    keys.set_defaults(run=_keys)

    index = commands.add_parser("index", help="the event index")
    index_commands = index.add_subparsers(dest="index_command", required=True)
    rebuild = index_commands.add_parser("rebuild", help="rebuild the index from the chain's events")
    rebuild.set_defaults(run=_index_rebuild)

    verify = commands.add_parser("verify", help="verify an offset certificate against the chain, without the gateway "
                                 "(reads the chain file read-only: may run beside a serving gateway); with --offline, "
                                 "an offset certificate's or a trade voucher's bundle with no network")
    verify.add_argument("tx_hash", nargs="?")
    verify.add_argument("--rpc", help="JSON-RPC URL of a node (default: the embedded chain in TANQUAN_DATA_DIR)")
    verify.add_argument("--ledger", help="the registry's CouponLedger address, if known (pinned: with --offline)")
    verify.add_argument("--offline", metavar="BUNDLE", help="verify a certificate's bundle (GET /log/bundles/TX.json, "
                        "or the offset certificate or trade voucher PDF carrying it) with no network, against "
                        "--policy and --ledger")
    verify.add_argument("--policy", help="with --offline: your trust policy (c2sp.org/tlog-policy)")
    verify.add_argument("--eeb", help="with --offline: the EEB's signing address, from the district's notice (an "
                        "offset certificate's statement is the EEB's)")
    verify.add_argument("--centre", help="with --offline: the centre's (CENTER's) signing address, from the district's "
                        "notice (a trade voucher's statement is the centre's)")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=_verify)

    watch = commands.add_parser("witness", help="cosign a transparency log's checkpoints once each is consistent with "
                                "the last one cosigned (c2sp.org/tlog-witness)")
    watch.add_argument("--name", required=True, help="the witness's name, e.g. audit.example.org/witness")
    watch.add_argument("--log", action="append", required=True, help="a log's verifier key (GET /log/key); repeatable")
    watch.add_argument("--state", required=True, help="the witness's own folder: its key and what it cosigned")
    watch.add_argument("--host", default="127.0.0.1")
    watch.add_argument("--port", type=int, default=8090)
    watch.set_defaults(run=_witness)

    check = commands.add_parser("log-check", help="check the transparency log against your own trust policy "
                                "(c2sp.org/tlog-policy), and that it never rewrote what it showed you before")
    check.add_argument("--policy", required=True, help="your policy file: the log's key, witnesses and quorum")
    check.add_argument("--state", required=True, help="a file of yours: the last checkpoint you accepted")
    check.add_argument("--url", help="the gateway (default: the URL on the policy's log line)")
    check.add_argument("--block", type=int, help="also prove this block is in the checkpoint")
    check.set_defaults(run=_log_check)

    backup = commands.add_parser("backup", help="copy the data directory consistently into DIR, while the gateway serves")
    backup.add_argument("dir", help="a new, empty folder")
    backup.set_defaults(run=_backup)

    restore = commands.add_parser("restore", help="bring a backup into a new, empty data directory")
    restore.add_argument("dir", help="a folder `tanquan backup` made")
    restore.set_defaults(run=_restore)

    args = parser.parse_args(argv)
    # The data directory holds password hashes, keys and ID scans: private to the service account (DESIGN §9).
    os.umask(0o077)
    _make_private(get_settings().data_dir)
    try:
        status = args.run(args) or 0
    except CannotStart as exc:  # expected: one line for the operator, no traceback
        print(f"tanquan {args.command}: {exc}", file=sys.stderr)
        status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
