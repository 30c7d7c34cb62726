"""A case list row as read (a plain tuple), turned into the text of one cell only when a screen shows it."""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop.cases.dto import CaseSummary
from desktop.cases.status import status_label
from forms import checks, registry

# NOTE (issue 15): a list keeps the rows the database returned and formats a cell when the view
# asks for it: building a frozen CaseSummary for each of 200 rows (service name, state label,
# masked ID) was most of a list's time, for the 25–30 rows a screen shows. The positions are
# those of desktop.cases.queries.SUMMARY_COLUMNS.
ID, CASE_NO, SERVICE_ID, STATUS, APPLICANT, ID_NUMBER, RECEIVED_ON, DUE_ON = range(8)
WIDTH = 8
CaseRow = tuple[Any, ...]


def as_date(value: Any) -> date | None:
    """A DATE column as read: SQLite gives its stored text (YYYY-MM-DD), PostgreSQL a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def day_text(value: Any) -> str:
    """The date as shown (YYYY-MM-DD), without parsing SQLite's text first."""
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


def case_id(row: CaseRow) -> int:
    return row[ID]


def case_no(row: CaseRow) -> str:
    return row[CASE_NO] or ""


def service_title(service_id: str) -> str:
    """The service's name, or its id when this build no longer ships it."""
    try:
        return registry.get(service_id).name
    except KeyError:
        return service_id


def service_name(row: CaseRow) -> str:
    return service_title(row[SERVICE_ID])


def status_text(row: CaseRow) -> str:
    return status_label(row[STATUS], row[SERVICE_ID])


def applicant(row: CaseRow) -> str:
    return row[APPLICANT] or ""


def id_masked(row: CaseRow) -> str:
    # NOTE: the row holds the stored number; every text made of it goes through THE masking rule
    # (forms.checks.mask_id), here, so no list cell, tooltip or summary can carry the full number.
    number = row[ID_NUMBER]
    return checks.mask_id(number) if number else ""


def received_on(row: CaseRow) -> str:
    return day_text(row[RECEIVED_ON])


def due_on(row: CaseRow) -> str:
    return day_text(row[DUE_ON])


def summary_of(row: CaseRow) -> CaseSummary:
    """The frozen, masked summary of one row: for the one row a clerk opens, exports or acts on."""
    received = as_date(row[RECEIVED_ON])
    assert received is not None  # NOTE: NOT NULL in the schema
    return CaseSummary(id=row[ID], case_no=row[CASE_NO], service_id=row[SERVICE_ID], service_name=service_name(row),
                       status=row[STATUS], status_label=status_text(row), applicant_name=applicant(row),
                       id_masked=id_masked(row), received_on=received, due_on=as_date(row[DUE_ON]))
