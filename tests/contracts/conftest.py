"""Contract-test fixtures: the story that walks the Measures' steps, and prepared
starting points restored from chain snapshots. Shared values and helpers are in
contract_story.py."""

from __future__ import annotations

import pytest
from contract_story import Story

from chain import Registry

# (head block hash, builder) → (snapshot, what the builder returned)
_SNAPSHOTS: dict[tuple[bytes, object], tuple[int, object]] = {}


@pytest.fixture
def story(registry: Registry, actors) -> Story:
    return Story(registry, actors)


@pytest.fixture
def prepared(request, registry, story, evm):
    """`prepared(start)` puts the chain in a starting point and returns what its builder
    returned (a coupon or application id). `start` is a builder `build(story, evm)` or
    the name of one in the test module's BUILDERS. Each starting point is built once on
    the freshly deployed registry, snapshotted, and restored from that snapshot; the
    `registry` fixture rolls the chain back after the test."""
    builders = getattr(request.module, "BUILDERS", {})

    def restore(start):
        build = builders[start] if isinstance(start, str) else start
        key = (bytes(registry.chain.w3.eth.get_block("latest")["hash"]), build)
        if key in _SNAPSHOTS:
            snapshot, result = _SNAPSHOTS[key]
            evm.revert(snapshot)
            return result
        result = build(story, evm)
        _SNAPSHOTS[key] = (evm.snapshot(), result)
        return result

    return restore
