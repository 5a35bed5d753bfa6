"""The public pages name the centre as the Measures do: 区碳汇交易综合服务中心 (§4, 附件1), in English
the Carbon Sink Trading Service Centre — never a shortened or other name."""

from __future__ import annotations

import pytest

CENTRE = {"zh": "赫山区碳汇交易综合服务中心", "en": "Carbon Sink Trading Service Centre"}


@pytest.fixture(scope="module")
def public_pages(new_holder, mint) -> list[str]:
    return ["/", "/listings", "/loss-notices", "/stats", f"/coupons/{mint(new_holder())}"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_public_pages__any__name_the_centre_as_the_measures_do(client, public_pages, lang):
    for path in public_pages:
        page = client.get(path, params={"lang": lang})
        assert page.status_code == 200, path
        assert CENTRE[lang] in page.text, path
        assert 'id="operator"' in page.text


def test_loss_notices__intro__the_centre_registers_the_loss(client):
    page = client.get("/loss-notices", params={"lang": "zh"})
    assert "经区碳汇交易综合服务中心登记后公告" in page.text
