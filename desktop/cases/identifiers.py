"""Search identifiers: the numbers a service finds its cases by, declared by the service, stored generically.

A service's case part declares each identifier once (``declare``) and its intake hook records the
value on the case (``record``); the search (desktop.cases.queries) and the search panel build one
field per declared identifier, in declaration order. Stored in case_identifiers (migration 0016).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desktop.cases.registration import Registry
from desktop.store.models import Case, CaseIdentifier

# normalised value -> a SELECT of further case ids the value finds (e.g. a voided plate finds the case
# that voided it); None when a plain match on the recorded value is all there is.
AlsoMatches = Callable[[str], Select]


@dataclass(frozen=True)
class SearchIdentifier:
    key: str  # the kind stored in case_identifiers and the search filter's key, e.g. "plate_no"
    label: str  # the search field's label, e.g. "号牌号码"
    placeholder: str  # e.g. "如 郑A12345"
    normalise: Callable[[str], str]  # typed or pasted text -> the stored form
    also_matches: AlsoMatches | None = None
    max_length: int = 64  # the value column's width


_declared: Registry[str, SearchIdentifier] = Registry("search identifier")


def declare(identifier: SearchIdentifier, where: str = "") -> SearchIdentifier:
    """Register a search identifier; the same key twice raises DuplicateRegistration."""
    if identifier.max_length > 64:
        raise ValueError(f"identifier {identifier.key}: values are stored in 64 characters at most")
    return _declared.add(identifier.key, identifier, where or identifier.normalise.__module__)


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


def matching(kind: str, typed: str) -> ColumnElement[bool]:
    """The WHERE clause of a search by one identifier: its (kind, value) index, and the service's own matcher."""
    identifier = get(kind)
    value = identifier.normalise(typed)
    direct = select(CaseIdentifier.case_id).where(CaseIdentifier.kind == kind, CaseIdentifier.value == value)
    if identifier.also_matches is None:
        return Case.id.in_(direct)
    return or_(Case.id.in_(direct), Case.id.in_(identifier.also_matches(value)))
