"""Personal numbers in a case: masked on the data path, and shown in full only with an audit event."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field as dc_field
from typing import Any

from sqlalchemy.orm import Session

from desktop.cases import permissions
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import Case
from forms import checks, registry
from forms.model import Field, Kind

_MASKS = {Kind.ID_NUMBER: checks.mask_id, Kind.PHONE: checks.mask_phone}


def _mask_value(field: Field, value: Any) -> Any:
    if field.kind in _MASKS and isinstance(value, str) and value:
        return _MASKS[field.kind](value)
    if field.kind is Kind.TABLE and isinstance(value, list):
        columns = {c.key: c for c in field.columns}
        return [{k: _mask_value(columns[k], v) if k in columns else v for k, v in row.items()}
                for row in value if isinstance(row, Mapping)]
    return value


def masked_answers(service_id: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with every ID and phone number masked by THE rule (forms.checks), tables included."""
    fields = {f.key: f for f in registry.get(service_id).fields}
    return {k: _mask_value(fields[k], v) if k in fields else v for k, v in answers.items()}


def _personal_keys(service_id: str, answers: Mapping[str, Any]) -> list[str]:
    """The answers that hold an ID or phone number (a table counts once), for the audit detail."""
    keys = []
    for f in registry.get(service_id).fields:
        kinds = {c.kind for c in f.columns} if f.kind is Kind.TABLE else {f.kind}
        if kinds & set(_MASKS) and answers.get(f.key) not in (None, "", []):
            keys.append(f.key)
    return keys


def _reveal(s: Session, actor: Actor, case_id: int) -> Case:
    """The case row, once the look is audited: who looked and which fields, never the values."""
    permissions.require(s, actor, "intake")
    row = s.get(Case, case_id)
    if row is None:
        raise ActionRefused("案件不存在。")
    keys = _personal_keys(row.service_id, row.answers or {})
    if not keys:
        raise ActionRefused("该案件没有登记证件号码或联系电话。")
    # NOTE: the audit detail names the fields only; the log must never hold the numbers themselves.
    audit.append(s, "id.reveal", actor=actor.account.username, window=actor.window, case_id=row.id,
                 detail={"fields": keys})
    return row


@dataclass(frozen=True)
class Revealed:
    """A case's answers in full, and the applicant's ID number among them (normalised), after an audited look."""

    answers: dict[str, Any] = dc_field(repr=False)
    id_number: str = dc_field(repr=False)  # "" when the service's ID field is unanswered


def reveal(db: Database, actor: Actor, case_id: int) -> Revealed:
    """The case's answers with full ID and phone numbers; records who looked and which fields, never the values."""
    with db.unit() as s:
        row = _reveal(s, actor, case_id)
        answers = dict(row.answers)
        return Revealed(answers, checks.normalize_id(str(answers.get(registry.get(row.service_id).id_key) or "")))


def reveal_id(db: Database, actor: Actor, case_id: int) -> str:
    """The applicant's full ID number (the case's indexed one), revealed as :func:`reveal` does."""
    with db.unit() as s:
        row = s.get(Case, case_id)
        if row is not None and not row.id_number:
            raise ActionRefused("该案件没有登记证件号码。")
        return _reveal(s, actor, case_id).id_number or ""  # (a case without one was refused above)
