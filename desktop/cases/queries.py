"""Read-only queries for lists and the case view, returning frozen summaries with masked IDs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select

from desktop.cases.dto import CaseDetail, CaseSummary
from desktop.cases.status import status_label
from desktop.cases.stored import StoredAssessment
from desktop.store.database import Database
from desktop.store.models import Case, CaseNameBigram, EbikeVoidedPlate, name_bigrams
from forms import checks, registry
from forms.ebike_common import normalize_code
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
    plate_no: str | None = None
    frame_no: str | None = None
    name_contains: str | None = None  # 2+ characters anywhere in the name (see _apply_name_contains)


def service_name(service_id: str) -> str:
    """The service's name, or its id when this build no longer ships it."""
    try:
        return registry.get(service_id).name
    except KeyError:
        return service_id


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


def _apply(query: Select, f: CaseFilter) -> Select:
    if f.service_id:
        query = query.where(Case.service_id == f.service_id)
    if f.status:
        query = query.where(Case.status == f.status)
    if f.case_no:
        query = query.where(Case.case_no == f.case_no.strip().upper())
    if f.id_number:
        query = query.where(Case.id_number == checks.normalize_id(f.id_number))
    if f.name_prefix:
        # NOTE: a range instead of LIKE 'x%', which SQLite cannot answer from the index.
        prefix = f.name_prefix.strip()
        query = query.where(Case.applicant_name >= prefix, Case.applicant_name < prefix + "\U0010ffff")
    if f.received_from:
        query = query.where(Case.received_on >= f.received_from)
    if f.received_to:
        query = query.where(Case.received_on <= f.received_to)
    return _apply_contact_and_vehicle(query, f)


def _apply_contact_and_vehicle(query: Select, f: CaseFilter) -> Select:
    # NOTE: stored frame and plate numbers are in forms.ebike_common.normalize_code form (upper case,
    # no spaces or hyphens), so a typed or pasted number is put in the same form before comparing.
    if f.phone:
        query = query.where(Case.phone == checks.normalize_id(f.phone))
    if f.plate_no:
        plate = normalize_code(f.plate_no)
        # NOTE: a voided plate (补领/换领, 灭失) also finds the case that voided it, and a replacement plate
        # the case that issued it (ebike_voided_plates, migration 0014).
        voided = select(EbikeVoidedPlate.case_id).where(
            or_(EbikeVoidedPlate.plate_no == plate, EbikeVoidedPlate.replaced_by == plate))
        query = query.where(or_(Case.plate_no == plate, Case.id.in_(voided)))
    if f.frame_no:
        query = query.where(Case.frame_no == normalize_code(f.frame_no))
    return _apply_name_contains(query, f)


def _apply_name_contains(query: Select, f: CaseFilter) -> Select:
    # NOTE: a substring anywhere in the name, e.g. "娜娜". SQLite's FTS5 trigram tokenizer cannot
    # match fewer than 3 characters (and most names are 2–3), and LIKE '%x%' scans every case, so
    # the store keeps every 2-character window of each name in case_name_bigrams: each window of
    # the query must be there (an index lookup each), then LIKE confirms the order of longer
    # queries among those few candidates. A single character is treated as a name prefix (in
    # practice a surname), since one character would match a large part of the hall.
    text = (f.name_contains or "").strip()
    if len(text) == 1:
        return query.where(Case.applicant_name >= text, Case.applicant_name < text + "\U0010ffff")
    for bigram in sorted(name_bigrams(text)):
        query = query.where(Case.id.in_(select(CaseNameBigram.case_id).where(CaseNameBigram.bigram == bigram)))
    if len(text) > 2:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Case.applicant_name.like(f"%{escaped}%", escape="\\"))
    return query


def count_cases(db: Database, f: CaseFilter = CaseFilter()) -> int:
    with db.read() as s:
        return s.scalar(_apply(select(func.count(Case.id)), f)) or 0


# NOTE: only what a list row shows: loading whole cases would decode three JSON columns per row.
SUMMARY_COLUMNS = (Case.id, Case.case_no, Case.service_id, Case.status, Case.applicant_name, Case.id_number,
                   Case.received_on, Case.due_on)


def list_cases(db: Database, f: CaseFilter = CaseFilter(), offset: int = 0, limit: int = 200) -> list[CaseSummary]:
    """One page of cases, newest first."""
    with db.read() as s:
        newest = (Case.received_on.desc(), Case.id.desc())
        if f.name_prefix or len((f.name_contains or "").strip()) == 1:
            # NOTE: a short prefix ("欧阳", a surname) matches thousands: pick the page's ids from
            # ix_cases_name_received alone (name, date and rowid are all in it), then read only
            # those rows, instead of reading every match from the table to sort it.
            page = _apply(select(Case.id), f).order_by(*newest).offset(offset).limit(limit)
            query = select(*SUMMARY_COLUMNS).where(Case.id.in_(page.scalar_subquery())).order_by(*newest)
            return [summary(row) for row in s.execute(query)]
        query = _apply(select(*SUMMARY_COLUMNS), f).order_by(*newest)
        return [summary(row) for row in s.execute(query.offset(offset).limit(limit))]


def get_case(db: Database, case_id: int) -> CaseDetail:
    with db.read() as s:
        row = s.get(Case, case_id)
        if row is None:
            raise KeyError(case_id)
        # NOTE: in today's form (Service.upgrade_answers): a draft saved under an older form resumes with its meaning.
        answers = current_answers(registry.get(row.service_id), dict(row.answers))
        return CaseDetail(summary(row), answers, dict(row.materials), StoredAssessment.from_stored(row.assessment))
