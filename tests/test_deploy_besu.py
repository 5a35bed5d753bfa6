"""The production network's files (deploy/besu), checked without Besu, which is not tested
here: the genesis names the four validators in QBFT's extraData, its consensus and fork
settings are the ones the README gives, and every file parses."""

from __future__ import annotations

import json
import runpy
import tomllib
from pathlib import Path

import rlp

BESU = Path(__file__).resolve().parents[1] / "deploy" / "besu"
FAUCET = "0x" + "fa" * 20


def _make_genesis(tmp_path: Path) -> tuple[dict, dict]:
    made = runpy.run_path(str(BESU / "make_genesis.py"))
    validators = {k: v for k, v in json.loads((BESU / "validators.json").read_text()).items() if not k.startswith("_")}
    return made["genesis"](validators, FAUCET), validators


def test_genesis__extra_data__the_four_validators_in_order_round_zero_no_vote_no_seals(tmp_path):
    genesis, validators = _make_genesis(tmp_path)
    vanity, listed, vote, round_, seals = rlp.decode(bytes.fromhex(genesis["extraData"][2:]))
    assert vanity == b"\x00" * 32
    assert ["0x" + a.hex() for a in listed] == [validators[n].lower() for n in ("NRB", "FORESTRY", "EEB", "CENTER")]
    assert (vote, round_, seals) == ([], b"", [])


def test_genesis__consensus_and_forks__one_second_blocks_no_fees_cancun(tmp_path):
    genesis, _ = _make_genesis(tmp_path)
    config = genesis["config"]
    assert config["chainId"] == 0x7A9D
    assert config["qbft"]["blockperiodseconds"] == 1
    assert config["zeroBaseFee"] is True and config["cancunTime"] == 0 and config["contractSizeLimit"] == 24_576
    assert int(genesis["alloc"][FAUCET[2:]]["balance"], 16) > 0


def test_committed_genesis__made_by_the_script_from_the_examples():
    genesis = json.loads((BESU / "genesis.json").read_text())
    made = runpy.run_path(str(BESU / "make_genesis.py"))
    validators = {k: v for k, v in json.loads((BESU / "validators.json").read_text()).items() if not k.startswith("_")}
    assert genesis["extraData"] == made["extra_data"]([validators[n] for n in ("NRB", "FORESTRY", "EEB", "CENTER")])


def test_node_files__parse__permissioning_on_and_rpc_private():
    validator = tomllib.loads((BESU / "validator.toml").read_text())
    assert validator["permissions-nodes-config-file-enabled"] and validator["discovery-enabled"] is False
    assert "ADMIN" not in validator["rpc-http-api"] and validator["min-gas-price"] == 0
    permissions = tomllib.loads((BESU / "permissions_config.toml").read_text())
    assert len(permissions["nodes-allowlist"]) == 4
    assert len(json.loads((BESU / "static-nodes.json").read_text())) == 4
