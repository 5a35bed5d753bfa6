"""How a notice reads (services/notices.py): Chinese first, then English, each item with its step, its due
date in working days where the Measures set one, and the address of the page where it is done."""

from __future__ import annotations

from ..core.db import User
from .i18n import LANGUAGES, translator


def _what(t, item: dict) -> str:
    if item["kind"] == "application" or item["kind"] == "prepared":
        return f"{t('console.application')} {item.get('application', '')} {item.get('project_name', '')}".strip()
    if item["kind"] == "account":
        return f"{t('inbox.account')} {item.get('account_name', '')}"
    if item["kind"] == "purchase":
        return f"{t('market.purchases')} #{item['purchase']}"
    if item["kind"] == "calendar":
        return t("calendar.next_year").replace("{year}", str(item.get("year", "")))
    return f"{item.get('coupon', '')}" + (f" · {t('inbox.form')} LZ-{item['form']}" if item.get("form") else "")


def _whose(t, item: dict, role: str) -> str:
    """Whose step it is when not the reader's own (a listing's end is the centre's, a pledge's release the bank's)."""
    if item["department"] not in (role, "HOLDER"):
        return f" · {t('role.' + item['department'])}"
    return f" · {t('pledges.pledgee')} {item['pledgee']}" if item.get("pledgee") else ""


def _lines(t, items: list[dict], base_url: str, role: str) -> list[str]:
    lines = []
    for item in items:
        due = f" · {t('console.due')} {item['due']}" + (f" ({t('console.overdue')})" if item["overdue"] else "") \
            if item.get("due") else ""
        lines.append(f"- {_what(t, item)}: {t('action.' + item['step'])}{_whose(t, item, role)}{due}\n"
                     f"  {base_url}{item['href']}")
    return lines


def compose(base_url: str):
    """The composer of the gateway at `base_url` (its public address: the links in each message)."""
    base_url = base_url.rstrip("/")

    def message(user: User, items: list[dict], kind: str) -> tuple[str, str]:
        zh, en = (translator(language) for language in LANGUAGES)
        head = "digest" if kind == "DIGEST" else "new"
        subject = f"【碳券】{zh('mail.' + head).replace('{n}', str(len(items)))} / " \
                  f"{en('mail.' + head).replace('{n}', str(len(items)))}"
        body = "\n".join([
            f"{user.display_name}：", zh("mail." + head + ".lead"), *_lines(zh, items, base_url, user.role), "",
            f"{user.display_name}:", en("mail." + head + ".lead"), *_lines(en, items, base_url, user.role), "",
            f"{zh('mail.settings')} / {en('mail.settings')}: {base_url}/console/account",
        ])
        return subject, body

    return message
