"""What the 非道路移动机械 rules need from the register: is this machine coded or being coded already."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cases import facts
from desktop.cases.services.nrmm.models import LIVE, NrmmRegistration
from forms.service import Service
from forms.services.nrmm import SERVICE_ID
from forms.services.nrmm.code import normalize


def product_of(answers: Mapping[str, Any]) -> str:
    return normalize(answers.get("product_no"))


@facts.keyed_by(SERVICE_ID)
def machine_keys(service: Service, answers: Mapping[str, Any]) -> list[str]:
    """A machine is known by its product number: every write about it locks that first."""
    product = product_of(answers)
    return [f"nrmm-product:{product}"] if product else []


def live_registration(s: Session, product: str, case_id: int | None = None) -> NrmmRegistration | None:
    """The machine's pending or registered row, other than the case's own."""
    query = select(NrmmRegistration).where(NrmmRegistration.product_no == product, NrmmRegistration.status.in_(LIVE))
    if case_id is not None:
        query = query.where(NrmmRegistration.case_id != case_id)
    return s.scalar(query)


@facts.provides(SERVICE_ID)
def registration_facts(s: Session, service: Service, answers: Mapping[str, Any], case_id: int | None) -> dict[str, Any]:
    """The facts contract of forms/services/nrmm/__init__.py."""
    product = product_of(answers)
    if not product:
        return {}  # the rule asks for the product number
    row = live_registration(s, product, case_id)
    if row is None:
        return {"registration": None}
    return {"registration": {"status": row.status, "code": row.code, "case_no": row.case_no,
                             "registered_on": row.registered_on.isoformat() if row.registered_on else None}}
