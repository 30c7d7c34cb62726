"""What the case layer refuses to store: answers and materials no column, JSON or paper can hold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column

from desktop.cases.errors import ActionRefused
from desktop.cases.registration import Registry, caller
from desktop.store.models import Case, CaseIdentifier
from forms.service import Service, parse_materials
from forms.values import AnswerError, storage_problems

# Answers that hooks copy into a service's register columns at intake, per service: (column, answer key,
# table column key or None). Declared by each service's package (declare_hook_columns, issue 16);
# tests/desktop/cases/test_field_lengths.py holds each field's max_length to its column.
HookColumn = tuple[Any, str, str | None]
HOOK_COLUMNS: Registry[str, tuple[HookColumn, ...]] = Registry("register columns of service")


def declare_hook_columns(service_id: str, *columns: HookColumn) -> None:
    """Name the register columns a service's hooks copy answers into; twice for one service raises."""
    HOOK_COLUMNS.add(service_id, tuple(columns), caller())


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
