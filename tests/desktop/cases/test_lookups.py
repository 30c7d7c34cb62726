"""Every lookup the clerk has uses an index (EXPLAIN QUERY PLAN on a real SQLite file); name substrings."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import event, select

from desktop.cases import intake, queries, worklists
from desktop.cases.dto import Actor
from desktop.cases.queries import CaseFilter
from desktop.store.models import CaseNameBigram

NOW = datetime(2026, 11, 25, 10, 30)
TODAY = NOW.date()


@pytest.fixture
def actor(admin):
    return Actor(admin, "03", "郑州市金水区政务服务中心")


def _plans(db, call) -> list[str]:
    """Run ``call`` and return the query plan of each statement it sent that reads cases."""
    sent: list[tuple[str, object]] = []

    def seen(statement, parameters):
        if statement.lstrip().upper().startswith("SELECT") and " cases" in statement:
            sent.append((statement, parameters))

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        seen(statement, parameters)

    # NOTE: the ORM path (engine events) and the lookups' own read path (desktop.store.reader) alike.
    event.listen(db.engine, "before_cursor_execute", capture)
    db.reader.watchers.append(seen)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
        db.reader.watchers.remove(seen)
    assert sent, "the call sent no query on cases"
    plans = []
    raw = db.engine.raw_connection()
    try:
        for statement, parameters in sent:
            rows = raw.cursor().execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            plans.append("\n".join(row[-1] for row in rows))
    finally:
        raw.close()
    return plans


def _list(**kw):
    return lambda db: queries.list_cases(db, CaseFilter(**kw))


# NOTE: planner statistics do not exist on a clerk's PC (nothing runs ANALYZE), so the plans are
# checked on a fresh file without them, as they will be chosen in the hall.
LOOKUPS = {
    "main list": (_list(), "ix_cases_received_on"),
    "case number": (_list(case_no="JZ032611250001X"), "sqlite_autoindex_cases_1"),
    "ID number": (_list(id_number="410105199001011234"), "ix_cases_id_number"),
    "name prefix": (_list(name_prefix="王娜"), "COVERING INDEX ix_cases_name_received"),
    "phone": (_list(phone="13800138000"), "ix_cases_phone"),
    # NOTE (issue 16): the services' search identifiers, one (kind, value) index for all of them; the
    # e-bike plate's own matcher (a voided or replacing plate) reads the voided plates' unique indexes.
    "plate": (_list(identifiers={"plate_no": "郑A00001"}), "ix_case_identifiers_kind_value"),
    "frame number": (_list(identifiers={"frame_no": "ABC0100000001"}), "ix_case_identifiers_kind_value"),
    "status list by date": (_list(status="accepted"), "ix_cases_status_received"),
    "service list by date": (_list(service_id="ebike_theft"), "ix_cases_service_received"),
    "name substring": (_list(name_contains="娜娜"), "case_name_bigrams USING PRIMARY KEY"),
    "overdue": (lambda db: worklists.overdue(db, TODAY), "ix_case_deadlines_state_due"),
    "due soon": (lambda db: worklists.due_soon(db, TODAY), "ix_case_deadlines_state_due"),
    "review queue": (lambda db: worklists.review_queue(db), "ix_cases_review"),
}
# Lists read in index order: a sort of every match would grow with the hall.
SORTED_BY_INDEX = {"main list", "status list by date", "service list by date", "overdue", "due soon",
                   "review queue"}


@pytest.mark.parametrize("name", LOOKUPS)
def test_lookup_uses_its_index(db, name):
    call, index = LOOKUPS[name]
    for plan in _plans(db, lambda: call(db)):
        assert index in plan, plan
        assert "SCAN cases\n" not in plan + "\n", plan  # a table scan; "SCAN cases USING INDEX" walks an index
        if name in SORTED_BY_INDEX:
            assert "TEMP B-TREE" not in plan, plan
        if name in ("overdue", "due soon"):  # each deadline's case is read by its primary key
            assert "SEARCH cases USING INTEGER PRIMARY KEY" in plan, plan


def _program(db, statement: str, parameters) -> list[tuple]:
    """SQLite's bytecode of one statement (EXPLAIN): (addr, opcode, p1, p2, p3, p4, …) rows."""
    raw = db.engine.raw_connection()
    try:
        return raw.cursor().execute(f"EXPLAIN {statement}", parameters).fetchall()
    finally:
        raw.close()


def test_review_queue_skips_procedures_decided_at_the_window_on_the_index(db):
    """Migration 0018: the service filter is read from ix_cases_review, before the case's row is read.

    NOTE (issue 15): at a million cases, thousands of accepted cases of procedures decided at the
    window stood in (status, due_on) and each had its table row read only to be skipped. The
    bytecode shows who reads ``service_id``: with it in the index, the first column read is the
    index cursor's, and the table's row is read (a deferred seek) only for a case the queue shows.
    """
    sent: list[tuple[str, object]] = []

    def seen(statement, parameters):
        sent.append((statement, parameters))

    db.reader.watchers.append(seen)
    try:
        worklists.review_queue(db)
    finally:
        db.reader.watchers.remove(seen)
    ((statement, parameters),) = sent
    program = _program(db, statement, parameters)
    opened = {row[2]: row[5] for row in program if row[1] == "OpenRead"}  # cursor -> KeyInfo (an index) or not
    index_cursors = {cursor for cursor, p4 in opened.items() if str(p4).startswith("k(")}
    assert len(index_cursors) == 1 and len(opened) == 2, program  # the table and one index
    # NOTE: the NOT IN list of six services is an ephemeral table of its own (OpenEphemeral), not a read of cases.
    columns = [row for row in program if row[1] == "Column" and row[2] in opened]
    assert columns and columns[0][2] in index_cursors, program  # service_id, from the index entry
    table_reads = [row[0] for row in columns if row[2] not in index_cursors]
    compares = [row[0] for row in program if row[1] in ("Eq", "Ne", "Found", "NotFound")]
    assert compares and table_reads and min(compares) < min(table_reads), program  # filtered before the row


def test_count_reads_an_index_not_the_table(db):
    (plan,) = _plans(db, lambda: queries.count_cases(db))
    assert "COVERING INDEX" in plan, plan


def _draft(db, actor, name: str, case_id: int | None = None):
    return intake.save_draft(db, actor, "residence_permit", {"name": name}, {}, case_id=case_id, now=NOW)


def test_name_substring_finds_a_pair_anywhere_in_the_name(db, actor):
    for name in ("欧阳娜娜", "李娜娜", "娜娜", "王娜", "张丽娜", "陈娜丽娜"):
        _draft(db, actor, name)
    found = {c.applicant_name for c in queries.list_cases(db, CaseFilter(name_contains="娜娜"))}
    assert found == {"欧阳娜娜", "李娜娜", "娜娜"}
    assert {c.applicant_name for c in queries.list_cases(db, CaseFilter(name_contains="丽娜"))} == {"张丽娜", "陈娜丽娜"}
    assert {c.applicant_name for c in queries.list_cases(db, CaseFilter(name_contains="欧阳娜"))} == {"欧阳娜娜"}
    # Both windows present but not in this order: the LIKE check drops it.
    assert queries.list_cases(db, CaseFilter(name_contains="娜丽娜娜")) == []
    assert queries.count_cases(db, CaseFilter(name_contains="娜娜")) == 3


def test_bigrams_follow_a_renamed_draft(db, actor):
    first = _draft(db, actor, "王娜娜")
    _draft(db, actor, "王丽", case_id=first.id)
    with db.unit() as s:
        assert set(s.scalars(select(CaseNameBigram.bigram).where(CaseNameBigram.case_id == first.id))) == {"王丽"}
    assert queries.list_cases(db, CaseFilter(name_contains="娜娜")) == []
    assert [c.id for c in queries.list_cases(db, CaseFilter(name_contains="王丽"))] == [first.id]


def test_one_character_is_a_surname_prefix(db, actor):
    for name in ("王娜", "李王"):
        _draft(db, actor, name)
    assert [c.applicant_name for c in queries.list_cases(db, CaseFilter(name_contains="王"))] == ["王娜"]


def test_overdue_lists_running_deadlines_by_due_date(db, actor, tmp_path):
    from desktop.store.deadline_models import CaseDeadline
    from desktop.store.models import Case

    ids = [_draft(db, actor, f"申请人{i}").id for i in range(4)]
    with db.unit() as s:
        for case_id, (case_state, state, due) in zip(ids, [
                ("approved", "running", date(2026, 11, 2)), ("accepted", "running", date(2026, 11, 3)),
                ("approved", "running", date(2026, 11, 1)), ("accepted", "running", date(2026, 12, 1))], strict=True):
            s.get(Case, case_id).status = case_state
            s.add(CaseDeadline(case_id=case_id, key="promised", label="承诺办结", stage="completion", count=1,
                               unit="working_days", extended_days=0, basis="x", explanation="", due_on=due,
                               provisional=False, state=state))
        # Met, stopped or ended deadlines are not overdue, however old.
        for state in ("met", "stopped", "ended"):
            s.add(CaseDeadline(case_id=ids[3], key=state, label=state, stage="decision", count=1,
                               unit="working_days", extended_days=0, basis="x", explanation="",
                               due_on=date(2026, 10, 1), provisional=False, state=state))
    assert [d.case.id for d in worklists.overdue(db, TODAY)] == [ids[2], ids[0], ids[1]]
    assert [d.case.id for d in worklists.overdue(db, TODAY, limit=2)] == [ids[2], ids[0]]


def test_bigram_rows_of_a_case_are_found_by_index(db):
    """Renaming a draft and purging old cases delete a case's windows: by index, not a scan."""
    raw = db.engine.raw_connection()
    try:
        rows = raw.cursor().execute("EXPLAIN QUERY PLAN DELETE FROM case_name_bigrams WHERE case_id = 1").fetchall()
    finally:
        raw.close()
    assert "ix_case_name_bigrams_case_id" in " ".join(r[-1] for r in rows)


def test_a_plate_search_reads_the_voided_plates_by_their_indexes(db):
    # The e-bike plate's own matcher (a voided plate finds the case that voided it, a replacement the case
    # that issued it) must stay on indexes too: both columns of ebike_voided_plates are searched by index.
    (plan,) = _plans(db, lambda: queries.list_cases(db, CaseFilter(identifiers={"plate_no": "郑A00001"})))
    assert "ix_case_identifiers_kind_value" in plan, plan
    assert "sqlite_autoindex_ebike_voided_plates_1" in plan or "uq_ebike_voided_plates_plate_no" in plan, plan
    assert "ix_ebike_voided_plates_replaced_by" in plan, plan
    assert "SCAN ebike_voided_plates" not in plan and "SCAN case_identifiers" not in plan, plan
