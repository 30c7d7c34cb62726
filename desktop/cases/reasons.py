"""Coded refusal reasons (不予许可 理由) each service declares: the data its migration inserts, checked at start."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.cases.registration import Registry, caller


@dataclass(frozen=True)
class RefusalReason:
    code: str  # e.g. "EB03"; 16 characters at most (decision_reasons.code)
    label: str  # what the decision says
    basis: str  # the article cited, e.g. "郑州市非机动车管理办法 第十五条"
    service_id: str  # the procedure whose cases may cite it (decision_reasons.service_id)


_declared: Registry[str, RefusalReason] = Registry("refusal reason")


def declare(*reasons: RefusalReason) -> tuple[RefusalReason, ...]:
    """Register a service's shipped reasons; a code declared twice raises DuplicateRegistration.

    NOTE: the rows themselves are inserted by a migration (the core chain for the first services, the
    service's own branch for a new one), as before: an administrator may reword or deactivate a shipped
    reason, and a start-up must never put it back. tests/desktop/cases/test_service_seam.py checks that
    every declared reason is in a freshly migrated database under its service."""
    for reason in reasons:
        if len(reason.code) > 16:
            raise ValueError(f"reason code {reason.code!r} is longer than 16 characters")
        _declared.add(reason.code, reason, caller())
    return reasons


def declared() -> tuple[RefusalReason, ...]:
    from desktop.cases import services

    services.load()
    return tuple(_declared.values())


def for_service(service_id: str) -> tuple[RefusalReason, ...]:
    return tuple(r for r in declared() if r.service_id == service_id)
