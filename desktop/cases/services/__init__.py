"""The services' case-layer parts: one package (or module) each under desktop/cases/services, discovered once.

A package here registers, when imported, its facts providers and lock keys (desktop.cases.facts), its
intake hooks (desktop.cases.hooks), its search identifiers (desktop.cases.identifiers), its paper kinds
(desktop.cases.paper_kinds), its coded refusal reasons (desktop.cases.reasons) and its demo plan
(desktop.cases.demo_data). Nothing outside the package names it: ``load()`` imports every one.
"""

from __future__ import annotations

from desktop.discovery import PackageLoader

_loader = PackageLoader(__name__, __path__)


def load() -> tuple[str, ...]:
    """Import every service package here once, in name order; the names, in that order.

    A registration made twice raises DuplicateRegistration here."""
    return _loader.load()
