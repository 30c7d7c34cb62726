"""Every lookup shape through the read path, on SQLite and PostgreSQL alike: the same cases, rows and masked texts."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.cases import accounts, case_rows, intake, queries, worklists
from desktop.cases.dto import Actor
from desktop.cases.queries import CaseFilter
from desktop.store.database import open_database
from desktop.store.deadline_models import CaseDeadline
from desktop.store.models import Case
from forms import checks

HALL = "郑州市金水区政务服务中心"
PEOPLE = [  # name, ID number, phone, day received
    ("王娜娜", "410105199001011234", "13800138000", date(2026, 11, 2)),
    ("王丽", "41010519900101123x", "13900139000", date(2026, 11, 3)),
    ("李_%娜", "410105199202021111", "13700137000", date(2026, 11, 4)),
    ("李x%娜", "410105199303032222", "13600136000", date(2026, 11, 5)),
    ("欧阳娜娜", "410105199404043333", "13500135000", date(2026, 11, 6)),
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hall(request, tmp_path):
    target = tmp_path / "hall.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = open_database(target)
    admin = accounts.create_first_admin(database, "admin", "王丽", "secret-123", "secret-123", window="03")
    actor = Actor(admin, "03", HALL)
    ids = {}
    for name, id_number, phone, day in PEOPLE:
        case = intake.save_draft(database, actor, "residence_permit",
                                 {"name": name, "id_number": id_number, "phone": phone}, {},
                                 now=datetime.combine(day, datetime.min.time()).replace(hour=10))
        ids[name] = case.id
    yield database, ids
    database.close()


def _names(db, **kw) -> list[str]:
    return [c.applicant_name for c in queries.list_cases(db, CaseFilter(**kw))]


def test_every_filter_shape_on_both_backends(hall):
    db, _ids = hall
    newest_first = [p[0] for p in reversed(PEOPLE)]
    assert _names(db) == newest_first
    assert _names(db, id_number="41010519900101123X") == ["王丽"]  # typed in upper case, stored as typed
    assert _names(db, id_number=" 410105 19900101 1234 ") == ["王娜娜"]
    assert _names(db, phone="139 0013 9000") == ["王丽"]
    assert _names(db, name_prefix="王") == ["王丽", "王娜娜"]
    assert _names(db, name_contains="娜娜") == ["欧阳娜娜", "王娜娜"]
    # LIKE's wildcards in the typed text are literal characters.
    assert _names(db, name_contains="_%娜") == ["李_%娜"]
    assert _names(db, name_contains="李") == ["李x%娜", "李_%娜"]  # one character: a surname
    assert _names(db, received_from=date(2026, 11, 3), received_to=date(2026, 11, 5)) == ["李x%娜", "李_%娜", "王丽"]
    assert _names(db, status="draft", service_id="residence_permit", received_to=date(2026, 11, 3)) == ["王丽", "王娜娜"]
    assert _names(db, status="accepted") == []
    assert queries.count_cases(db) == 5
    assert queries.count_cases(db, CaseFilter(name_contains="娜")) == 0  # surname 娜: nobody
    assert queries.count_cases(db, CaseFilter(received_from=date(2026, 11, 4))) == 3
    # Paging binds offset and limit per call, on the one compiled statement.
    assert [c.applicant_name for c in queries.list_cases(db, CaseFilter(), 1, 2)] == newest_first[1:3]
    assert [c.applicant_name for c in queries.list_cases(db, CaseFilter(), 4, 2)] == newest_first[4:]


def test_rows_format_alike_on_both_backends(hall):
    db, ids = hall
    rows = queries.page_rows(db, CaseFilter(name_prefix="王丽"))
    assert len(rows) == 1 and isinstance(rows[0], tuple)
    row = rows[0]
    assert case_rows.case_id(row) == ids["王丽"]
    assert case_rows.id_masked(row) == checks.mask_id("41010519900101123X") == "410105********123X"
    assert case_rows.received_on(row) == "2026-11-03"  # SQLite's text and PostgreSQL's date alike
    assert case_rows.due_on(row) == ""
    assert case_rows.service_name(row) == "居住证申领"
    assert case_rows.status_text(row) == "待补齐材料"
    summary = case_rows.summary_of(row)
    assert summary == queries.list_cases(db, CaseFilter(name_prefix="王丽"))[0]
    assert summary.received_on == date(2026, 11, 3) and summary.id_masked == "410105********123X"


def test_deadline_and_review_rows_on_both_backends(hall):
    db, ids = hall
    with db.unit() as s:
        for name, due, provisional in (("王娜娜", date(2026, 11, 20), False), ("王丽", date(2026, 11, 10), True),
                                       ("李_%娜", date(2026, 11, 26), False)):
            s.get(Case, ids[name]).status = "accepted"
            s.add(CaseDeadline(case_id=ids[name], key="review", label="审核期限", stage="decision", count=1,
                               unit="working_days", extended_days=0, basis="x", explanation="", due_on=due,
                               provisional=provisional, state="running"))
    today = date(2026, 11, 25)
    rows = worklists.overdue_rows(db, today)
    assert [case_rows.case_id(worklists.case_of(r)) for r in rows] == [ids["王丽"], ids["王娜娜"]]
    first = worklists.deadline_due(rows[0], today)
    assert (first.due_on, first.provisional, first.overdue, first.label) == (date(2026, 11, 10), True, True, "审核期限")
    assert worklists.deadline_overdue(rows[1], today) and not worklists.deadline_overdue(rows[1], date(2026, 11, 20))
    assert [d.case.id for d in worklists.due_soon(db, today)] == [ids["李_%娜"]]
    assert worklists.overdue(db, today, limit=1) == [first]
    review = worklists.review_rows(db)
    assert {case_rows.case_id(r) for r in review} == {ids["王娜娜"], ids["王丽"], ids["李_%娜"]}
    assert [c.id for c in worklists.review_queue(db, limit=1)] == [case_rows.case_id(review[0])]


def _pg_plan(db, call) -> str:
    """PostgreSQL's plan of the one statement ``call`` sends, with sequential scans priced out.

    NOTE: a test's tables are tiny, so the planner would rightly scan them whatever the indexes;
    with ``enable_seqscan`` off it still shows what it *can* do, which is what a million rows needs."""
    sent: list[tuple[str, object]] = []

    def seen(statement, parameters):
        sent.append((statement, parameters))

    db.reader.watchers.append(seen)
    try:
        call()
    finally:
        db.reader.watchers.remove(seen)
    ((statement, parameters),) = sent
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {statement}", parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        raw.rollback()
    finally:
        raw.close()
    return plan


@pytest.mark.postgres
def test_postgres_plans_of_the_review_queue_and_a_plate(pg_url, data_dir):
    """Issue 15, hall mode: the review queue walks ix_cases_review in order (migration 0018), and a plate
    search reads each case it finds by its key — an OR of two INs made PostgreSQL filter every case."""
    db = open_database(pg_url)
    try:
        review = _pg_plan(db, lambda: worklists.review_rows(db))
        assert "ix_cases_review" in review and "Sort" not in review, review
        plate = _pg_plan(db, lambda: queries.page_rows(db, CaseFilter(identifiers={"plate_no": "郑A12345"}), 0, 200))
        assert "ix_case_identifiers_kind_value" in plate, plate
        assert "Index Cond: (id = " in plate, plate  # each found case by pk_cases, not a walk of every case
    finally:
        db.close()
