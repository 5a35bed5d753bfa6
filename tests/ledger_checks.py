"""DESIGN §4 invariants 1-3, read straight from the contracts."""

from __future__ import annotations

from collections import defaultdict

from chain import CouponState, Registry
from chain.states import LIVE_STATES


def assert_ledger_invariants(registry: Registry) -> None:
    """Every coupon has one state and an owner; per issuance, the coupons live, retired or
    voided as invalid (注销, not replaced) hold the issued amount and tile its serial block."""
    coupons = [registry.coupon(i) for i in range(1, registry.coupon_count() + 1)]
    blocks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    held: dict[int, int] = defaultdict(int)
    for c in coupons:
        assert bin(int(c.state)).count("1") == 1, f"coupon {c.id} has state {c.state!r}"
        assert c.owner != "0x" + "00" * 20
        invalidated = c.state == CouponState.VOIDED and not registry.call("replaced_by", c.id)
        if c.state & (LIVE_STATES | CouponState.RETIRED) or invalidated:
            held[c.issuance] += c.amount_kg
            blocks[c.issuance].append((c.first_serial, c.last_serial))
    for issuance_id in range(1, registry.call("issuance_count") + 1):
        issued = registry.issuance(issuance_id).amount_kg
        assert held[issuance_id] == issued, f"issuance {issuance_id}: {held[issuance_id]} held of {issued}"
        expected_first = 1
        for first, last in sorted(blocks[issuance_id]):
            assert first == expected_first, f"issuance {issuance_id}: gap or overlap at serial {first}"
            expected_first = last + 1
        assert expected_first == issued + 1
