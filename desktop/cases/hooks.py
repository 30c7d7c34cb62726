"""Service-specific steps inside an intake transaction (assign a plate, record a transfer, …)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop.cases.dto import Actor
from desktop.cases.registration import Registry, origin
from desktop.store.models import Case
from forms.model import Assessment
from forms.service import Service


@dataclass
class IntakeContext:
    session: Session
    case: Case  # the row, already flushed, with its case number
    service: Service
    answers: Mapping[str, Any]
    assessment: Assessment | None  # None after intake: later steps work from the stored case
    actor: Actor
    now: datetime
    # The facts the assessment used, read in this same transaction (intake only): a hook that
    # records a claim checks them again under its lock and refuses if they changed.
    facts: Mapping[str, Any] | None = None

    def assessed(self) -> Assessment:
        """The assessment of an intake hook (accept, notice, refusal); a later step's hook has none."""
        if self.assessment is None:
            raise ValueError(f"case {self.case.id}: this hook runs after intake and has no assessment")
        return self.assessment


@dataclass
class HookResult:
    receipt_rows: list[list[str]] = field(default_factory=list)  # [label, value] added to the main paper
    rows_heading: str = "登记信息"  # the heading of the table those rows make
    papers: list[dict[str, Any]] = field(default_factory=list)  # further snapshots to print and register
    # A last change to the main paper's snapshot once it is built (a case concluded at the window
    # says so on it: desktop/cases/at_window.py).
    finish_receipt: Callable[[dict[str, Any]], None] | None = None
    # What a cancel hook undid, in a sentence for the 撤销登记决定书 ("本次核发的号牌号码…作废…"; issue 16:
    # the service says it, at_window.py names no service's register).
    consequence: str = ""


Hook = Callable[[IntakeContext], HookResult]
_hooks: Registry[tuple[str, str], Hook] = Registry("hook (service, outcome)")


def on(outcome: str, *service_ids: str) -> Callable[[Hook], Hook]:
    """Register a step run when a case of these services reaches ``outcome`` (e.g. "accepted").

    One hook per (service, outcome): a second one raises DuplicateRegistration at import."""

    def wrap(fn: Hook) -> Hook:
        for service_id in service_ids:
            _hooks.add((service_id, outcome), fn, origin(fn))
        return fn

    return wrap


def run(outcome: str, ctx: IntakeContext) -> HookResult:
    hook = _hooks.get((ctx.service.service_id, outcome))
    return hook(ctx) if hook else HookResult()
