"""A registry writer for the crash test: prints each acknowledged transaction, then
keeps going until it is killed.

    python crash_writer.py DATA_DIR setup   # mint one coupon per worker
    python crash_writer.py DATA_DIR stream  # workers split 1 kg off, forever

Both run the served (wall-clock) chain, as the gateway does.
"""

import json
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from eth_utils import keccak  # noqa: E402

from chain import Action, Role, devnet  # noqa: E402
from chain.node import open_node  # noqa: E402

WORKERS = 6
PASSPHRASE = "crash-test"


_print_lock = threading.Lock()


def ack(kind: str, tx_hash: str) -> None:
    with _print_lock:
        print(json.dumps({"kind": kind, "tx": tx_hash}), flush=True)


def setup(node) -> None:
    threads = [threading.Thread(target=mint_for, args=(node, w)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def mint_for(node, worker: int) -> None:
    departments = {role: node.department(role) for role in Role}
    holder = node.custodial(f"holder{worker}")
    coupon = devnet.issue_coupon(node.registry, departments, holder, parcels=[keccak(text=f"P{worker}")], amount_kg=10_000)
    with _print_lock:
        print(json.dumps({"kind": "mint", "coupon": coupon}), flush=True)


def stream(node) -> None:
    reg = node.registry
    buyer = node.custodial("buyer")
    center = node.department(Role.CENTER)

    def work(worker: int) -> None:
        holder = node.custodial(f"holder{worker}")
        coupon = node.registry.call("coupon_count")
        while node.registry.coupon(coupon).owner != holder.address:
            coupon -= 1
        while True:
            requested = reg.request(holder, coupon=coupon, action=Action.TRANSFER, counterparty=buyer.address, amount_kg=1)
            ack("request", requested.tx_hash)
            moved = reg.register_transfer(center, coupon=coupon)
            ack("transfer", moved.tx_hash)
            coupon = moved.receipt.event("CouponSplit").args["rest"]

    threads = [threading.Thread(target=work, args=(w,), daemon=True) for w in range(WORKERS)]
    for t in threads:
        t.start()
    print(json.dumps({"kind": "streaming"}), flush=True)
    for t in threads:
        t.join()


if __name__ == "__main__":
    data_dir, mode = Path(sys.argv[1]), sys.argv[2]
    node = open_node(data_dir, passphrase=PASSPHRASE, scrypt_n=2**14, served=True)
    (setup if mode == "setup" else stream)(node)
    node.close()
