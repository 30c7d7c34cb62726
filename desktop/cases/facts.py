"""What the rules need from the database (earlier registrations, earlier claims), per service."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from sqlalchemy.orm import Session

from forms.service import Service

# service_id -> provider(session, service, raw answers, id of the case being edited or None)
FactProvider = Callable[[Session, Service, Mapping[str, Any], "int | None"], dict[str, Any]]
_providers: dict[str, FactProvider] = {}


def provides(*service_ids: str) -> Callable[[FactProvider], FactProvider]:
    """Register a provider: the forms stay pure, the case layer looks things up for them."""

    def wrap(fn: FactProvider) -> FactProvider:
        for service_id in service_ids:
            _providers[service_id] = fn
        return fn

    return wrap


def facts_for(session: Session, service: Service, answers: Mapping[str, Any], case_id: int | None) -> dict[str, Any]:
    provider = _providers.get(service.service_id)
    return provider(session, service, answers, case_id) if provider else {}
