"""What the rules need from the database (earlier registrations, earlier claims), per service."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from desktop.cases.registration import DuplicateRegistration, Registry, origin
from desktop.store import locks
from forms.service import Service

# service_id -> provider(session, service, raw answers, id of the case being edited or None)
FactProvider = Callable[[Session, Service, Mapping[str, Any], "int | None"], dict[str, Any]]
# service_id -> the keys ("frame:…", "claimant:…") whose history the facts read; services that
# read the same history name the same keys
LockKeys = Callable[[Service, Mapping[str, Any]], Iterable[str]]
_providers: Registry[str, FactProvider] = Registry("facts provider of service")
_lock_keys: Registry[str, LockKeys] = Registry("lock keys of service")
_for_every_service: list[FactProvider] = []  # e.g. the duplicate check (desktop/cases/duplicates.py)


def provides(*service_ids: str) -> Callable[[FactProvider], FactProvider]:
    """Register a provider: the forms stay pure, the case layer looks things up for them."""

    def wrap(fn: FactProvider) -> FactProvider:
        for service_id in service_ids:
            _providers.add(service_id, fn, origin(fn))
        return fn

    return wrap


def keyed_by(*service_ids: str) -> Callable[[LockKeys], LockKeys]:
    """Register what a service's facts are about, so a write can lock it before reading them."""

    def wrap(fn: LockKeys) -> LockKeys:
        for service_id in service_ids:
            _lock_keys.add(service_id, fn, origin(fn))
        return fn

    return wrap


def lock(session: Session, service: Service, answers: Mapping[str, Any]) -> None:
    """Hold the locks of what this case's facts are about until the write transaction ends."""
    keys = list(_lock_keys[service.service_id](service, answers)) if service.service_id in _lock_keys else []
    person = str(answers.get(service.id_key) or "").strip().upper().replace(" ", "")
    if service.duplicate_scope is not None and person:
        keys.append(f"person:{person}")  # the duplicate check reads this person's open cases
    if keys:
        locks.hold(session, keys)


def provides_for_every_service(fn: FactProvider) -> FactProvider:
    """Register a provider that runs for every service, beside the service's own (once: twice raises)."""
    if fn in _for_every_service:
        raise DuplicateRegistration(f"facts provider for every service registered twice: {origin(fn)}")
    _for_every_service.append(fn)
    return fn


def facts_for(session: Session, service: Service, answers: Mapping[str, Any], case_id: int | None,
              for_update: bool = False) -> dict[str, Any]:
    """The facts for the rules; ``for_update`` (inside the writing unit) locks what they are about first."""
    if for_update:
        lock(session, service, answers)
    provider = _providers.get(service.service_id)
    found = provider(session, service, answers, case_id) if provider else {}
    for common in _for_every_service:
        found.update(common(session, service, answers, case_id))
    return found
