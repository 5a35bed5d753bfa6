"""The gateway tests' old import path of support.http, still used by test_authorization.py
and test_console_forms.py; new tests import support.http."""

from support.http import login, ok

__all__ = ["login", "ok"]
