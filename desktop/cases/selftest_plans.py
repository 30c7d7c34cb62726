"""Each service's part of the installation self-test (hall-desk selftest): declared by its package, discovered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.cases.dto import Actor
from desktop.cases.halldb import Database
from desktop.cases.registration import Registry, caller

# NOTE: what one run carries from an earlier service's case to a later one (the plate the first
# registration issued, the transfer's new owner), by names the service packages choose; one dict per run.
Carried = dict[str, Any]


def _nothing(*_args: Any) -> None:
    return None


@dataclass(frozen=True)
class SelftestPlan:
    """What the self-test does for one service besides accepting its example case from the main window.

    The self-test runs the services in the service panel's order (forms.registry), so a service that
    needs an earlier one's case (a transfer needs a registered bike) comes after it there.
    """

    service_id: str
    # False: the self-test cannot stage this service's case (it would need a register entry in a state the
    # run does not make) and leaves it to the tests.
    staged: bool = True
    # Before its example is accepted: the hall's set-up an administrator makes first (a plate series).
    setup: Callable[[Database, Actor], None] = _nothing
    # The example's answers (changed in place) with what earlier cases carried: the bike they registered.
    answers: Callable[[dict[str, Any], Carried], None] = _nothing
    # After it is accepted (case id, the answers it was accepted with): what later services need.
    accepted: Callable[[Database, int, dict[str, Any], Carried], None] = _nothing


_plans: Registry[str, SelftestPlan] = Registry("self-test plan of service")


def declare(plan: SelftestPlan) -> SelftestPlan:
    """Register a service's self-test plan; the same service twice raises DuplicateRegistration."""
    return _plans.add(plan.service_id, plan, caller())


def plan(service_id: str) -> SelftestPlan:
    """The service's declared plan, or the plain one (accept the example, nothing before or after)."""
    from desktop.cases import services

    services.load()
    return _plans.get(service_id) or SelftestPlan(service_id)


def declared() -> dict[str, SelftestPlan]:
    from desktop.cases import services

    services.load()
    return dict(_plans.items())
