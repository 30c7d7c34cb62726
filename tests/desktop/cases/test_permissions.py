"""Administrators' settings are refused to supervisors and clerks through the permissions table, in the same words."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.cases import accounts, calendars, permissions
from desktop.cases.errors import ActionRefused
from desktop.cases.services.ebike import plates


def test_every_action_has_a_label():
    assert set(permissions.LABELS) == set(permissions.ALLOWED)


@pytest.mark.parametrize("action", ["plates", "calendar", "accounts"])
def test_only_an_administrator_may(action, admin, people):
    assert permissions.can(admin, action)
    assert not any(permissions.can(people[who].account, action) for who in ("clerk", "sup"))


def test_refusals_keep_their_words(db, people):
    sup = people["sup"].account
    with pytest.raises(ActionRefused, match=r"^只有管理员可以设置号牌号段。$"):
        plates.set_series(db, sup, "郑B", 5)
    with pytest.raises(ActionRefused, match=r"^只有管理员可以调整节假日安排。$"):
        calendars.set_override(db, date(2027, 1, 1), "holiday", "元旦", "通知", sup, "03")
    with pytest.raises(ActionRefused, match=r"^只有管理员可以创建账号。$"):
        accounts.create_account(db, sup, "wang", "王芳", "clerk", "secret-111", "secret-111")
