"""非道路移动机械编码登记 raced by real processes, on one SQLite file in WAL and on PostgreSQL.

Every window accepts the same machine at once: one case, the others a clear refusal, one register row.
Then the department's registrars approve different machines of one window's series at once: every code
is different, the counter counts each once, and none is issued twice."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from races import PROCS, ROUNDS
from sqlalchemy import func, select

from desktop.cases import intake
from desktop.cases.hall_context import HallContext
from desktop.cases.services.nrmm.models import NrmmCodeCounter, NrmmRegistration
from forms import registry
from forms.services.nrmm import code as codes

pytestmark = pytest.mark.concurrency
SERVICE_ID = "nrmm_registration"
NOW = datetime(2026, 12, 1, 10, 0)


def _answers(product: str) -> tuple[dict, dict]:
    example = registry.get(SERVICE_ID).example(NOW.date())
    return dict(example["answers"], product_no=product), example["materials"]


def _no_errors(results) -> None:
    errors = [r[1] for r in results if r[0] not in ("ok", "refused")]
    assert not errors, "a window got an error instead of an answer:\n" + "\n".join(map(str, errors))


def test_one_machine_accepted_once(hall, pool):
    for round_no in range(ROUNDS):
        product = f"RACE-{round_no}-{hall.db.engine.dialect.name}"
        answers, materials = _answers(product)
        results = pool.race("accept_new", hall.url, [
            dict(actor=clerk, service_id=SERVICE_ID, answers=answers, materials=materials, now=NOW,
                 papers_dir=hall.papers) for clerk in hall.clerks])
        _no_errors(results)
        won = [r for r in results if r[0] == "ok"]
        refused = [r[1] for r in results if r[0] == "refused"]
        assert len(won) == 1 and len(refused) == PROCS - 1, results
        # the losers' own assessment, inside their write unit, already sees the winner's pending row (nr.once)
        assert all("不能重复受理" in m or "材料或信息不全" in m for m in refused), refused
        with hall.db.read() as s:
            rows = s.scalars(select(NrmmRegistration).where(NrmmRegistration.product_no == codes.normalize(product))).all()
        assert [r.case_id for r in rows] == [won[0][1]["case_id"]] and rows[0].status == "pending"


def test_codes_of_one_series_issued_at_once_are_all_different(hall, pool):
    window = "42"  # every registrar approves in one window's series, so they race for one counter row
    for round_no in range(ROUNDS):
        cases = []
        for i, clerk in enumerate(hall.clerks):
            answers, materials = _answers(f"SERIES-{round_no}-{i}")
            cases.append(intake.accept(HallContext(hall.db, clerk, hall.papers),
                                       SERVICE_ID, answers, materials, now=NOW).case.id)
        results = pool.race("approve", hall.url, [
            dict(actor=dataclasses.replace(sup, window=window), case_id=case_id, now=NOW, papers_dir=hall.papers)
            for sup, case_id in zip(hall.supervisors, cases, strict=True)])
        _no_errors(results)
        assert all(r[0] == "ok" and r[1]["papers"] == ["nrmm_certificate"] for r in results), results
    with hall.db.read() as s:
        issued = s.scalars(select(NrmmRegistration.code).where(NrmmRegistration.code.like("41010542%"))).all()
        counter = s.scalar(select(NrmmCodeCounter.last).where(NrmmCodeCounter.prefix == "41010542"))
        total = s.scalar(select(func.count()).select_from(NrmmRegistration).where(NrmmRegistration.status == "registered"))
    assert len(issued) == len(set(issued)) == PROCS * ROUNDS == counter
    assert sorted(int(c[8:14]) for c in issued) == list(range(1, PROCS * ROUNDS + 1))
    assert total >= PROCS * ROUNDS and all(codes.is_valid(c) for c in issued)
