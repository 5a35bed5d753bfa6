"""The scan every browser test's pages pass (support/page_words.py) finds what it is for, and only that."""

from __future__ import annotations

from support.page_words import internal_names

ADDRESS = "0x" + "ab12" * 10
TX = "0x" + "cd34" * 16


def test_internal_names__a_key_left_unsaid_and_a_raw_address__found():
    page = f"<main><p>action.reissue 已完成</p><li>document.upload</li><p>持有人 {ADDRESS}</p></main>"
    assert internal_names(page) == ["internal key 'action.reissue'", "internal key 'document.upload'",
                                    f"raw address {ADDRESS} outside a hash column"]


def test_internal_names__words_hash_columns_scripts_and_attributes__pass():
    page = (f'<main data-step="coupon.transfer"><h1>流转登记</h1><td class="mono hash">{ADDRESS}</td>'
            f'<p>交易 <code>{ADDRESS}</code> <a class="hash" href="/tx/{TX}">{TX}</a></p>'
            f'<script>const step = "action.reissue"; document.querySelector("x")</script>'
            f'<p>Transfer registered. See docs.python.org.</p><br><img src="x"></main>')
    assert internal_names(page) == []


def test_internal_names__a_transaction_hash_outside_a_hash_column__found():
    assert internal_names(f"<p>已上链 {TX}</p>") == [f"raw hash {TX} outside a hash column"]
    assert internal_names(f'<p>已上链 <a class="mono hash" href="/search?q={TX}">{TX}</a></p>') == []


def test_internal_names__mono_is_a_typeface_not_an_exemption():
    assert internal_names(f'<html lang="zh-CN"><dd class="mono">{ADDRESS}</dd><td class="mono">PLEDGED</td></html>') == [
        f"raw address {ADDRESS} outside a hash column", "code 'PLEDGED' on a Chinese page"]


def test_internal_names__a_one_word_state_or_enum_code_on_a_chinese_page__found():
    page = '<html lang="zh-CN"><p>状态 ACTIVE</p><p>OWNERSHIP</p><td>FOREST</td><p>(ACCOUNT_UNVERIFIED)</p></html>'
    assert internal_names(page) == ["code 'ACTIVE' on a Chinese page", "code 'OWNERSHIP' on a Chinese page",
                                    "code 'FOREST' on a Chinese page", "code 'ACCOUNT_UNVERIFIED' on a Chinese page"]


def test_internal_names__an_acronym_the_catalogue_itself_says__passes():
    assert internal_names('<html lang="zh-CN"><p>CCER 项目 · 下载 PDF · JSON · CGCS2000</p></html>') == []


def test_internal_names__a_code_on_a_chinese_page_but_not_in_a_hash_column_nor_on_an_english_page():
    assert internal_names('<html lang="zh-CN"><p>支付方式 BANK_TRANSFER</p><td class="hash">TRANSFER_FORM_OPEN</td>'
                          '<p>CO2e · PDF · HSTQ-2026-0001-0001</p></html>') == ["code 'BANK_TRANSFER' on a Chinese page"]
    assert internal_names('<html lang="en"><p>BANK_TRANSFER</p></html>') == []
