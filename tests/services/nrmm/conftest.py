"""A clerk and a supervisor (the 区县 department's registrar) of one hall, for the 非道路移动机械 tests."""

from __future__ import annotations

import pytest

from desktop.cases import accounts
from desktop.cases.dto import Actor, Countersign

HALL = "郑州市金水区政务服务中心"


@pytest.fixture
def people(db, admin) -> dict[str, Actor]:
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    sup = accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789")
    return {"clerk": Actor(clerk, "03", HALL), "sup": Actor(sup, "03", HALL)}


@pytest.fixture
def signs(people) -> dict[str, Countersign]:
    return {"sup": Countersign("li", "secret-789")}
