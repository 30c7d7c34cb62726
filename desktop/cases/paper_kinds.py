"""The paper kinds a service prints beyond the generic ones: declared by its package, collected here."""

from __future__ import annotations

from desktop.documents import kinds

# NOTE: papers that prove a right (a card to collect, a plate, a subsidy) are certificates: a copy
# could be used twice, so reprinting one needs a supervisor's countersign (issue #7, desktop/cases/reprints.py).
_certificates: set[str] = set()


def declare(kind: str, title: str, *, certificate: bool = False) -> str:
    """Register a service's paper kind and its title; a kind already known raises (kinds.DuplicateKind)."""
    kinds.register(kind, title)
    if certificate:
        _certificates.add(kind)
    return kind


def is_certificate(kind: str) -> bool:
    """Whether reprinting this kind needs a countersign."""
    from desktop.cases import services

    services.load()
    return kind in _certificates


def title(kind: str) -> str:
    from desktop.cases import services

    services.load()
    return kinds.DOCUMENT_KINDS[kind]
