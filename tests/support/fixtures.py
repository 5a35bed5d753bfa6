"""Fixture factories for the gateway test modules."""

from __future__ import annotations

import pytest

from .api import COOPERATIVE


def holder_fixture(organisation: str | None = COOPERATIVE, account_type: str | None = None):
    """A module-scoped fixture: one holder account of `organisation`, registered once for the module
    (the gateway conftest's `new_holder`). Named by the variable it is assigned to."""

    @pytest.fixture(scope="module")
    def holder(new_holder):
        return new_holder(organisation, account_type)

    return holder
