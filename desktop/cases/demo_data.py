"""Each service's part of the demo hall (python -m desktop seed-demo): declared by its package, discovered."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.cases.registration import Registry, caller


@dataclass
class DemoCase:
    """One demo case being made: what a plan's steps may read and change (desktop/demo/seed.py builds it)."""

    service_id: str
    target: str  # the state the case is to reach: a status, or "incomplete" for a one-time notice
    day: date
    answers: dict[str, Any]
    materials: dict[str, Any]
    pools: dict[str, list[dict[str, Any]]]  # the hall's shared pools (e.g. "bikes"), by name
    case_id: int | None = None  # set once it is stored
    db: Any = None  # the hall's Database (a plan's ``accepted`` may read the stored case)
    people: Any = None  # the demo's person generator (desktop/demo/people.py People), seeded
    today: date | None = None  # the demo hall's today: no case is dated after it
    found: dict[str, Any] = field(default_factory=dict)  # what ``prepare`` picked (a bike), for ``fill``


@dataclass(frozen=True)
class DemoPlan:
    service_id: str
    order: int  # where the service comes in the demo hall (smaller first: a register before the procedures on it)
    refuse: Mapping[str, Any]  # answers that make the example a refusal at the window (不予受理 / 不予登记)
    refusal_reason: str | None = None  # the coded reason of its 不予许可 decision (desktop.cases.reasons)
    # How many more cases of a target state than the hall's per_state (e.g. bikes for the later procedures).
    extra: Callable[[str, int], int] = lambda _target, _per_state: 0
    # Before the example is made: pick what the case needs from a pool (into case.found), move case.day;
    # False skips this case (the pool is empty).
    prepare: Callable[[DemoCase], bool] = lambda _case: True
    # After the applicant's name, ID number and phone are filled in: the service's own answers.
    fill: Callable[[DemoCase], None] = lambda _case: None
    # After it is accepted: put what it made into a pool for later services (a registered bike).
    accepted: Callable[[DemoCase], None] = lambda _case: None
    # Once, before any case: the hall's set-up the service needs (db, the admin's AccountInfo, the windows).
    setup: Callable[[Any, Any, tuple[str, ...]], None] = lambda _db, _admin, _windows: None


_plans: Registry[str, DemoPlan] = Registry("demo plan of service")


def declare(plan: DemoPlan) -> DemoPlan:
    """Register a service's demo plan; the same service twice raises DuplicateRegistration."""
    return _plans.add(plan.service_id, plan, caller())


def plans() -> list[DemoPlan]:
    """Every declared plan, in demo order."""
    from desktop.cases import services

    services.load()
    return sorted(_plans.values(), key=lambda p: (p.order, p.service_id))
