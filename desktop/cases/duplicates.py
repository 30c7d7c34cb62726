"""Facts for the duplicate check at intake: open cases of the same application, the names an ID number was registered under."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.orm import Session

from desktop.cases import facts, status
from desktop.store.models import Case
from forms import duplicates
from forms.service import Service


def _norm(value: Any) -> str:
    return str(value or "").strip().upper().replace(" ", "")


@functools.lru_cache(maxsize=2)
def _query(but_one: bool) -> Executable:
    """The person's cases by the ID number's index, built once (issue 15); ``but_one``: less the case being resumed."""
    query = select(Case.id, Case.case_no, Case.service_id, Case.status, Case.applicant_name, Case.answers) \
        .where(Case.id_number == bindparam("id_number"), Case.status != status.DRAFT).order_by(Case.id)
    return query.where(Case.id != bindparam("case_id")) if but_one else query


@facts.provides_for_every_service
def duplicate_facts(session: Session, service: Service, answers: Mapping[str, Any],
                    case_id: int | None) -> dict[str, Any]:
    """Read through the ID number's index: a handful of rows per person, whatever the hall's size."""
    if service.duplicate_scope is None:
        return {}
    id_number = _norm(answers.get(service.id_key))
    if not id_number:
        return {}
    if session.autoflush:
        session.flush()  # NOTE: as session.execute would (a no-op when nothing is pending)
    rows = session.connection().execute(_query(case_id is not None),
                                        {"id_number": id_number, "case_id": case_id}).all()
    scope = {key: _norm(answers.get(key)) for key in service.duplicate_scope}
    open_cases = [
        {"case_no": r.case_no, "status_label": status.status_label(r.status)}
        for r in rows
        if r.service_id == service.service_id and r.status in status.OPEN
        and all(_norm((r.answers or {}).get(key)) == value for key, value in scope.items())
    ]
    name = str(answers.get(service.name_key) or "").strip()
    # NOTE: across every service: the number is the person's, whichever procedure recorded it.
    other_names: dict[str, dict[str, str]] = {}
    for r in rows:
        other = (r.applicant_name or "").strip()
        if name and other and other != name:
            other_names[other] = {"case_no": r.case_no, "name": other}  # the latest case under each name
    # NOTE: a message names at most three cases; the clerk finds the rest by the ID number (查询).
    return {duplicates.OPEN_CASES: open_cases[-3:], duplicates.OTHER_NAMES: list(other_names.values())[-3:]}
