"""What one accept sends to the database: one transaction, no UPDATE of the case it just inserted (issue 15)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import event, select

from desktop.cases import intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.store import audit
from desktop.store.models import Case, Document
from forms import registry

NOW = datetime(2026, 11, 25, 10, 30)


@pytest.fixture
def actor(admin):
    return Actor(admin, "03", "郑州市金水区政务服务中心")


def _statements(db, action) -> list[str]:
    sent: list[str] = []

    def keep(_conn, _cursor, statement, _params, _context, _many):
        sent.append(" ".join(statement.split()).upper())

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return sent


def test_a_new_case_is_inserted_whole_in_one_transaction(db, actor, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    # warm: the first accept of a file creates its counters
    intake.accept(HallContext(db, actor, tmp_path), "residence_permit", case["answers"], case["materials"], now=NOW)
    sent = _statements(db, lambda: intake.accept(HallContext(db, actor, tmp_path), "residence_permit", case["answers"],
                                                 case["materials"], now=NOW))
    # NOTE: SQLite's write unit begins with BEGIN IMMEDIATE: one of them is one transaction (the
    # permission check used to run in a unit of its own before it).
    assert sum(1 for s in sent if s.startswith("BEGIN")) == 1, sent
    assert not [s for s in sent if s.startswith("UPDATE CASES")], sent  # case_no and due_on in the INSERT
    assert not [s for s in sent if "MAX(DOCUMENTS.COPY_NO)" in s], sent  # a new case's copies are counted
    with db.read() as s:
        rows = s.scalars(select(Case).order_by(Case.id)).all()
        assert [r.case_no[-5:-1] for r in rows] == ["0001", "0002"]
        assert rows[1].due_on == rows[0].due_on is not None
        assert [d.copy_no for d in s.scalars(select(Document).where(Document.case_id == rows[1].id))] == [1]
        assert audit.verify(s)[0]


def test_a_resumed_draft_still_reads_its_copy_numbers(db, actor, tmp_path):
    """A draft may have a 一次性告知书 already; the accept's receipt counts from what is stored."""
    service = registry.get("residence_permit")
    case = service.example(NOW.date())
    lacking = {k: v for k, v in case["materials"].items() if k != "photo"}
    notice = intake.give_notice(HallContext(db, actor, tmp_path), "residence_permit", case["answers"], lacking, now=NOW)
    got = intake.accept(HallContext(db, actor, tmp_path),
                        "residence_permit", case["answers"], case["materials"], now=NOW, case_id=notice.case.id)
    assert got.case.case_no == notice.case.case_no  # the number it got with its notice
    with db.read() as s:
        kinds = [(d.kind, d.copy_no) for d in s.scalars(select(Document).order_by(Document.id))]
        assert kinds == [("incomplete_notice", 1), ("receipt", 1)]
        assert audit.verify(s)[0]
