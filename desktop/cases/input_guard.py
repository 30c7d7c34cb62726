"""What the case layer refuses to store: answers and materials no column, JSON or paper can hold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column

from desktop.cases.errors import ActionRefused
from desktop.store.models import (
    Case,
    CaseIdentifier,
    EbikeOwnerHistory,
    EbikeRegistration,
    SubsidyClaim,
    SubsidyClaimWorker,
)
from forms.service import Service, parse_materials
from forms.values import AnswerError, storage_problems

# Answers that hooks copy into registry columns at intake, per service: (column, answer key, table
# column key or None). tests/forms/test_field_lengths.py holds each field's max_length to its column.
HOOK_COLUMNS: dict[str, tuple[tuple[Any, str, str | None], ...]] = {
    "ebike_registration": (
        (EbikeRegistration.brand, "brand", None), (EbikeRegistration.model, "model", None),
        (EbikeRegistration.colour, "colour", None), (EbikeRegistration.owner_name, "owner_name", None),
        (EbikeRegistration.owner_id_number, "owner_id_number", None),
        (EbikeRegistration.frame_no, "frame_no", None), (EbikeRegistration.plate_no, "plate_no", None),
        (EbikeOwnerHistory.owner_name, "owner_name", None),
        (EbikeOwnerHistory.owner_id_number, "owner_id_number", None),
    ),
    "ebike_transfer": (
        (EbikeRegistration.owner_name, "new_owner_name", None),
        (EbikeRegistration.owner_id_number, "new_owner_id_number", None),
        (EbikeOwnerHistory.owner_name, "new_owner_name", None),
        (EbikeOwnerHistory.owner_id_number, "new_owner_id_number", None),
    ),
    # 灭失, 找回, 补领/换领 (desktop/cases/ebike_register.py) copy no answer into a registry column: their
    # hooks only compare the owner's ID with the register's, and the new plate comes from the pool.
    "startup_subsidy": (
        (SubsidyClaim.business_uscc, "business_uscc", None), (SubsidyClaim.id_number, "id_number", None),
        (SubsidyClaimWorker.id_number, "employees", "id_number"),
    ),
}


def case_columns(service: Service) -> list[tuple[Any, str]]:
    """The cases columns an answer is copied into (intake._store), with the answer's key.

    A search identifier (Service.extra_index) goes into case_identifiers.value (64 characters); the
    field's own max_length (forms.values.storage_problems) is the narrower limit in practice."""
    pairs = [(Case.applicant_name, service.name_key), (Case.id_number, service.id_key),
             (Case.phone, service.phone_key)]
    pairs += [(CaseIdentifier.value, key) for key in service.extra_index.values()]
    return pairs


def column_length(column) -> int | None:
    col: Column = column.property.columns[0] if hasattr(column, "property") else column
    return getattr(col.type, "length", None)


def _column_problems(service: Service, answers: Mapping[str, Any]) -> list[str]:
    problems = []
    for column, key in case_columns(service):
        value = answers.get(key)
        length = column_length(column)
        # NOTE: the same derivation as intake._store (str, stripped): what is measured is what is written.
        text = str(value or "").strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        if length and len(text) > length:
            try:
                label = service.field(key).label
            except KeyError:
                label = key
            problems.append(f"{label}：不能超过{length}个字（当前{len(text)}个字）")
    return problems


def check_storable(service: Service, answers: Any, materials: Any) -> None:
    """Refuse, with every reason in Chinese, answers or materials that cannot be stored as they are.

    Called before anything is written (a draft, an intake), so a refusal leaves nothing behind.
    """
    problems = storage_problems(service.fields, answers)
    try:
        parse_materials(service, materials)
    except AnswerError as exc:
        problems.append(str(exc))
    if not problems and isinstance(answers, Mapping):
        problems = _column_problems(service, answers)
    if problems:
        shown = "；".join(problems[:5]) + (f"；另有{len(problems) - 5}处" if len(problems) > 5 else "")
        raise ActionRefused(f"无法保存：{shown}。请改正后再办理，本次未保存任何内容。")
