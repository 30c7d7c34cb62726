"""Search identifiers: the numbers a service finds its cases by, declared by the service, stored generically.

A service's case part declares each identifier once (``declare``) and its intake hook records the
value on the case (``record``); the search (desktop.cases.queries) and the search panel build one
field per declared identifier, in declaration order. Stored in case_identifiers (migration 0016).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desktop.cases.registration import Registry, caller
from desktop.store.models import Case, CaseIdentifier

# the normalised value (a bound parameter of the lookup's statement) -> a SELECT of further case ids it
# finds (e.g. a voided plate finds the case that voided it); None when a plain match is all there is.
AlsoMatches = Callable[[Any], Select]


@dataclass(frozen=True)
class SearchIdentifier:
    key: str  # the kind stored in case_identifiers and the search filter's key, e.g. "plate_no"
    label: str  # the search field's label, e.g. "号牌号码"
    placeholder: str  # e.g. "如 郑A12345"
    normalise: Callable[[str], str]  # typed or pasted text -> the stored form
    also_matches: AlsoMatches | None = None
    max_length: int = 64  # the value column's width
    paper_label: str = ""  # how papers name it, where that differs from the search field's label


_declared: Registry[str, SearchIdentifier] = Registry("search identifier")


def declare(identifier: SearchIdentifier, where: str = "") -> SearchIdentifier:
    """Register a search identifier; the same key twice raises DuplicateRegistration."""
    if identifier.max_length > 64:
        raise ValueError(f"identifier {identifier.key}: values are stored in 64 characters at most")
    return _declared.add(identifier.key, identifier, where or caller())


def declared() -> tuple[SearchIdentifier, ...]:
    """Every declared identifier, in declaration order (the services load in name order)."""
    from desktop.cases import services

    services.load()
    return tuple(_declared.values())


def get(key: str) -> SearchIdentifier:
    declared()
    found = _declared.get(key)
    if found is None:
        raise KeyError(f"unknown search identifier {key!r}")
    return found


def record(session: Session, case: Case, kind: str, value: str | None) -> None:
    """Set (or, with an empty value, clear) this case's identifier of ``kind``, in the caller's transaction."""
    identifier = get(kind)
    text = identifier.normalise(value) if value else ""
    if case.id is None:
        session.flush()
    session.execute(delete(CaseIdentifier).where(CaseIdentifier.case_id == case.id, CaseIdentifier.kind == kind))
    if text:
        session.add(CaseIdentifier(case_id=case.id, kind=kind, value=text))
    session.flush()


def value_of(session: Session, case_id: int, kind: str) -> str | None:
    return session.scalar(select(CaseIdentifier.value).where(CaseIdentifier.case_id == case_id,
                                                             CaseIdentifier.kind == kind))


def of_case(session: Session, case_id: int) -> dict[str, str]:
    """Every identifier recorded on one case, kind -> value, in declaration order."""
    found = {kind: value for kind, value in session.execute(
        select(CaseIdentifier.kind, CaseIdentifier.value).where(CaseIdentifier.case_id == case_id))}
    return {i.key: found[i.key] for i in declared() if i.key in found}


def paper_rows(recorded: dict[str, str]) -> list[list[str]]:
    """[label, value] rows naming what a case is about on a paper (a revocation names the bike by them)."""
    rows = []
    for key, value in recorded.items():
        ident = get(key)
        rows.append([ident.paper_label or ident.label, value])
    return rows


def matching(kind: str, value: Any) -> ColumnElement[bool]:
    """The WHERE clause of a search by one identifier: its (kind, value) index, and the service's own matcher.

    ``value`` is the normalised value (``get(kind).normalise(typed)``), or a bound parameter holding it."""
    identifier = get(kind)
    direct = select(CaseIdentifier.case_id).where(CaseIdentifier.kind == kind, CaseIdentifier.value == value)
    if identifier.also_matches is None:
        return Case.id.in_(direct)
    # NOTE (issue 15): one IN over a UNION, not an OR of two INs: PostgreSQL cannot make a join of
    # an OR, and walked every case filtering it by both subqueries (139 ms at 100,000 cases, raw);
    # over the UNION it reads the few ids and each case by its key (SQLite alike).
    return Case.id.in_(union(direct, identifier.also_matches(value)))
