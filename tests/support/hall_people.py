"""Fixtures shared by the case-layer tests (tests/desktop/cases, tests/services): a clerk and two supervisors of one hall.

A plugin: tests/conftest.py loads it (pytest_plugins), so every test folder has ``people`` and ``signs``.
"""

from __future__ import annotations

import pytest

from desktop.cases import accounts
from desktop.cases.dto import Actor, Countersign

HALL = "郑州市金水区政务服务中心"


@pytest.fixture
def people(db, admin) -> dict[str, Actor]:
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    sup = accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789")
    sup2 = accounts.create_account(db, admin, "zhao", "赵敏", "supervisor", "secret-000", "secret-000")
    return {"clerk": Actor(clerk, "03", HALL), "sup": Actor(sup, "03", HALL), "sup2": Actor(sup2, "05", HALL)}


@pytest.fixture
def signs(people) -> dict[str, Countersign]:
    """Each person's countersign as the dialog hands it on: login name and password."""
    return {"clerk": Countersign("zhang", "secret-456"), "sup": Countersign("li", "secret-789"),
            "sup2": Countersign("zhao", "secret-000")}
