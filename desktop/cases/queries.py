"""Read-only queries for lists and the case view, returning frozen summaries with masked IDs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select

from desktop.cases import identifiers
from desktop.cases.case_rows import CaseRow, service_title as service_name, summary_of
from desktop.cases.dto import CaseDetail, CaseSummary
from desktop.cases.status import status_label
from desktop.cases.stored import StoredAssessment
from desktop.store.database import Database
from desktop.store.models import Case, CaseNameBigram, name_bigrams
from forms import checks, registry
from forms.service import current_answers


@dataclass(frozen=True)
class CaseFilter:
    service_id: str | None = None
    status: str | None = None
    name_prefix: str | None = None
    id_number: str | None = None
    case_no: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    phone: str | None = None
    # The services' search identifiers (desktop.cases.identifiers), kind -> typed text, e.g. {"plate_no": "郑A12345"}.
    identifiers: Mapping[str, str] = field(default_factory=dict)
    name_contains: str | None = None  # 2+ characters anywhere in the name (see _apply_name_contains)


def summary(row: Case) -> CaseSummary:
    # NOTE: masking happens here, on the data path, so no list or export ever gets a full ID.
    return CaseSummary(
        id=row.id,
        case_no=row.case_no,
        service_id=row.service_id,
        service_name=service_name(row.service_id),
        status=row.status,
        status_label=status_label(row.status, row.service_id),
        applicant_name=row.applicant_name or "",
        id_masked=checks.mask_id(row.id_number) if row.id_number else "",
        received_on=row.received_on,
        due_on=row.due_on,
    )


def filter_values(f: CaseFilter) -> dict[str, Any]:
    """Each condition's value as compared, by the name of its parameter; the names present are the query's shape.

    NOTE (issue 15): a lookup's statement is built from these names and compiled once per shape
    (``page_rows``, ``count_cases``, through desktop.store.reader); each call only normalises the
    typed values here and binds them.
    """
    v: dict[str, Any] = {}
    if f.service_id:
        v["service_id"] = f.service_id
    if f.status:
        v["status"] = f.status
    if f.case_no:
        v["case_no"] = f.case_no.strip().upper()
    if f.id_number:
        v["id_number"] = checks.normalize_id(f.id_number)
    if f.name_prefix:
        # NOTE: a range instead of LIKE 'x%', which SQLite cannot answer from the index.
        prefix = f.name_prefix.strip()
        v["name_from"], v["name_to"] = prefix, prefix + "\U0010ffff"
    if f.received_from:
        v["received_from"] = f.received_from
    if f.received_to:
        v["received_to"] = f.received_to
    if f.phone:
        v["phone"] = checks.normalize_id(f.phone)
    # NOTE (issue 16): a service's identifier is put in its stored form by the service's own normaliser.
    for kind, typed in sorted(f.identifiers.items()):
        if typed and typed.strip():
            v[IDENTIFIER + kind] = identifiers.get(kind).normalise(typed)
    # NOTE: see _apply_name_contains.
    text = (f.name_contains or "").strip()
    if len(text) == 1:
        v["contains_from"], v["contains_to"] = text, text + "\U0010ffff"
    elif text:
        for n, bigram in enumerate(sorted(name_bigrams(text))):
            v[f"bigram_{n}"] = bigram
        if len(text) > 2:
            v["name_like"] = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return v


def _p(v: dict[str, Any], name: str):
    return bindparam(name, v[name])


def _apply(query: Select, v: dict[str, Any]) -> Select:
    """``query`` with the conditions named in ``v`` (``filter_values``), each a bound parameter of that name."""
    if "service_id" in v:
        query = query.where(Case.service_id == _p(v, "service_id"))
    if "status" in v:
        query = query.where(Case.status == _p(v, "status"))
    if "case_no" in v:
        query = query.where(Case.case_no == _p(v, "case_no"))
    if "id_number" in v:
        query = query.where(Case.id_number == _p(v, "id_number"))
    if "name_from" in v:
        query = query.where(Case.applicant_name >= _p(v, "name_from"), Case.applicant_name < _p(v, "name_to"))
    if "received_from" in v:
        query = query.where(Case.received_on >= _p(v, "received_from"))
    if "received_to" in v:
        query = query.where(Case.received_on <= _p(v, "received_to"))
    return _apply_contact_and_identifiers(query, v)


IDENTIFIER = "identifier_"  # the parameter name of a search identifier's value: "identifier_plate_no"


def _apply_contact_and_identifiers(query: Select, v: dict[str, Any]) -> Select:
    if "phone" in v:
        query = query.where(Case.phone == _p(v, "phone"))
    # NOTE (issue 16): each service declares its identifiers and any matcher of its own (an e-bike plate
    # also finds the case that voided it); the (kind, value) index answers each.
    for name in sorted(n for n in v if n.startswith(IDENTIFIER)):
        query = query.where(identifiers.matching(name[len(IDENTIFIER):], _p(v, name)))
    return _apply_name_contains(query, v)


def _apply_name_contains(query: Select, v: dict[str, Any]) -> Select:
    # NOTE: a substring anywhere in the name, e.g. "娜娜". SQLite's FTS5 trigram tokenizer cannot
    # match fewer than 3 characters (and most names are 2–3), and LIKE '%x%' scans every case, so
    # the store keeps every 2-character window of each name in case_name_bigrams: each window of
    # the query must be there (an index lookup each), then LIKE confirms the order of longer
    # queries among those few candidates. A single character is treated as a name prefix (in
    # practice a surname), since one character would match a large part of the hall.
    if "contains_from" in v:
        return query.where(Case.applicant_name >= _p(v, "contains_from"), Case.applicant_name < _p(v, "contains_to"))
    n = 0
    while f"bigram_{n}" in v:
        query = query.where(Case.id.in_(select(CaseNameBigram.case_id)
                                        .where(CaseNameBigram.bigram == _p(v, f"bigram_{n}"))))
        n += 1
    if "name_like" in v:
        query = query.where(Case.applicant_name.like(_p(v, "name_like"), escape="\\"))
    return query


# NOTE: only what a list row shows: loading whole cases would decode three JSON columns per row.
# The order is desktop.cases.case_rows' row layout.
SUMMARY_COLUMNS = (Case.id, Case.case_no, Case.service_id, Case.status, Case.applicant_name, Case.id_number,
                   Case.received_on, Case.due_on)


def count_query(v: dict[str, Any]) -> Select:
    return _apply(select(func.count(Case.id)), v)


def page_query(v: dict[str, Any]) -> Select:
    """One page of cases matching ``v`` (``filter_values``), newest first; ``offset`` and ``limit`` bound per call."""
    newest = (Case.received_on.desc(), Case.id.desc())
    offset, limit = bindparam("offset", 0, type_=Integer), bindparam("limit", 0, type_=Integer)
    if "name_from" in v or "contains_from" in v:
        # NOTE: a short prefix ("欧阳", a surname) matches thousands: pick the page's ids from
        # ix_cases_name_received alone (name, date and rowid are all in it), then read only
        # those rows, instead of reading every match from the table to sort it.
        page = _apply(select(Case.id), v).order_by(*newest).offset(offset).limit(limit)
        return select(*SUMMARY_COLUMNS).where(Case.id.in_(page.scalar_subquery())).order_by(*newest)
    return _apply(select(*SUMMARY_COLUMNS), v).order_by(*newest).offset(offset).limit(limit)


def count_cases(db: Database, f: CaseFilter = CaseFilter()) -> int:
    v = filter_values(f)
    plan = db.reader.plan(("cases.count", *v), lambda: count_query(v))
    return db.reader.rows(plan, v)[0][0] or 0


def page_rows(db: Database, f: CaseFilter = CaseFilter(), offset: int = 0, limit: int = 200) -> list[CaseRow]:
    """One page of cases, newest first, as rows for a list (desktop.cases.case_rows formats their cells).

    NOTE (issue 15): one read unit without the ORM session; the statement is compiled once for
    each shape of filter (which conditions are set), so a call binds values and runs it.
    """
    v = filter_values(f)
    plan = db.reader.plan(("cases.page", *v), lambda: page_query(v))
    return db.reader.rows(plan, {**v, "offset": offset, "limit": limit})


def list_cases(db: Database, f: CaseFilter = CaseFilter(), offset: int = 0, limit: int = 200) -> list[CaseSummary]:
    """One page of cases, newest first, as frozen summaries (exports, tests, the few rows acted on)."""
    return [summary_of(row) for row in page_rows(db, f, offset, limit)]


def get_case(db: Database, case_id: int) -> CaseDetail:
    with db.read() as s:
        row = s.get(Case, case_id)
        if row is None:
            raise KeyError(case_id)
        # NOTE: in today's form (Service.upgrade_answers): a draft saved under an older form resumes with its meaning.
        answers = current_answers(registry.get(row.service_id), dict(row.answers))
        return CaseDetail(summary(row), answers, dict(row.materials), StoredAssessment.from_stored(row.assessment))
