"""Writes genesis.json for the district's Besu QBFT network from validators.json (four
validators: NRB, FORESTRY, EEB and the centre) and the faucet's address.

    python deploy/besu/make_genesis.py --faucet 0x… [--validators validators.json] [--out genesis.json]

QBFT names its first validators in the genesis block's extraData: the RLP list
[32-byte vanity, [validator addresses], no vote, round 0, no seals]. Besu's own
`besu operator generate-blockchain-config --config-file=qbft-config.json` makes the same
from qbft-config.json when it generates the node keys itself; this script is for keys each
department made on its own machine, so no one else ever holds them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import rlp

HERE = Path(__file__).resolve().parent
CHAIN_ID = 0x7A9D  # the district's network; the embedded chain is 0x7A9C
ORDER = ("NRB", "FORESTRY", "EEB", "CENTER")


def extra_data(validators: list[str]) -> str:
    addresses = [bytes.fromhex(address.removeprefix("0x")) for address in validators]
    return "0x" + rlp.encode([b"\x00" * 32, addresses, [], b"", []]).hex()


def genesis(validators: dict[str, str], faucet: str) -> dict:
    config = json.loads((HERE / "qbft-config.json").read_text())["genesis"]
    config["extraData"] = extra_data([validators[name] for name in ORDER])
    config["alloc"] = {faucet.lower().removeprefix("0x"): {"balance": "0x" + (10**30).to_bytes(13, "big").hex()}}
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faucet", required=True, help="the gateway's faucet address (tanquan keys)")
    parser.add_argument("--validators", type=Path, default=HERE / "validators.json")
    parser.add_argument("--out", type=Path, default=HERE / "genesis.json")
    args = parser.parse_args()
    validators = {k: v for k, v in json.loads(args.validators.read_text()).items() if not k.startswith("_")}
    args.out.write_text(json.dumps(genesis(validators, args.faucet), indent=2) + "\n")
    print(f"wrote {args.out}: QBFT, chain id {CHAIN_ID}, validators {', '.join(ORDER)}")


if __name__ == "__main__":
    main()
