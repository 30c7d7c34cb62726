"""Which form fields hold personal values, and telling the log filter the values of every case in hand."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from functools import cache
from typing import Any

from sqlalchemy import event

from desktop import logs
from desktop.store.models import Case
from forms import registry
from forms.model import Field, Kind
from forms.service import Service

# NOTE: forms.model has kinds for ID and phone numbers but not for names, addresses or other
# identifying numbers (they are Kind.TEXT), so a text field is classified by its label here.
# A test checks that every text field of every service is either classified or listed below,
# so a new field has to be decided on, not forgotten.
NOT_PERSONAL = frozenset({"brand", "model", "colour"})
_NAME_WORDS = ("姓名", "名称")
_ADDRESS_WORDS = ("地址", "住址", "地点")
# NOTE (issue 16): no service's own words here; a number field is found by its key (…_no) or these.
_NUMBER_WORDS = ("编号", "号码", "代码")


def field_kind(service: Service, f: Field) -> str | None:
    """The log-masking kind of one field (logs.NAME, ID, …), or None when it holds nothing personal."""
    if f.kind is Kind.ID_NUMBER:
        return logs.ID  # a passport or permit number too: the field's id_type_key names the document
    if f.kind is Kind.PHONE:
        return logs.PHONE
    if f.kind is not Kind.TEXT or f.key in NOT_PERSONAL:
        return None
    if f.key == service.name_key or any(w in f.label for w in _NAME_WORDS):
        return logs.NAME
    if any(w in f.label for w in _ADDRESS_WORDS):
        return logs.ADDRESS
    if f.key.endswith("_no") or f.key.endswith("_uscc") or any(w in f.label for w in _NUMBER_WORDS):
        return logs.NUMBER
    return None


@cache
def sensitive_fields(service_id: str) -> dict[str, Any]:
    """``{key: kind}`` for plain fields and ``{key: {column: kind}}`` for tables, of one service."""
    service = registry.get(service_id)
    found: dict[str, Any] = {}
    for f in service.fields:
        if f.kind is Kind.TABLE:
            columns = {c.key: k for c in f.columns if (k := field_kind(service, c))}
            if columns:
                found[f.key] = columns
        elif kind := field_kind(service, f):
            found[f.key] = kind
    return found


def sensitive_values(service_id: str, answers: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Every (kind, value) of the answers that the log must never show."""
    for key, kind in sensitive_fields(service_id).items():
        value = answers.get(key)
        if isinstance(kind, dict):
            for row in value if isinstance(value, list) else ():
                if isinstance(row, Mapping):
                    yield from ((k, str(row[c])) for c, k in kind.items() if isinstance(row.get(c), (str, int)))
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            yield kind, str(value)


def watch(service_id: str | None, answers: Mapping[str, Any] | None, key: Hashable,
          extra: tuple[tuple[str, str], ...] = ()) -> None:
    """Register a case's personal values with the log filter (replacing what ``key`` held)."""
    if not service_id or not isinstance(answers, Mapping):
        return
    try:
        values = list(sensitive_values(service_id, answers))
    except KeyError:  # a service no longer shipped: its shapes are still masked by the regexes
        values = []
    logs.live.watch(key, [*values, *extra])


def _case_extra(row: Case) -> tuple[tuple[str, str], ...]:
    issue = (row.lifecycle or {}).get("issue") or {} if isinstance(row.lifecycle, dict) else {}
    return tuple((k, str(issue[f])) for f, k in (("receiver_name", logs.NAME), ("receiver_id_number", logs.ID))
                 if issue.get(f))


# NOTE: every Case row this process loads or fills is registered, so an exception raised while a
# case is in hand (a hall-mode DataError carrying the row, a bug in a hook) is masked by field,
# not only by the shapes of numbers. Listeners never raise: masking must not break the work.
@event.listens_for(Case, "load")
def _on_load(row: Case, _context) -> None:
    watch(row.service_id, row.answers, ("case", row.id), _case_extra(row))


@event.listens_for(Case, "refresh")
def _on_refresh(row: Case, _context, _attrs) -> None:
    watch(row.service_id, row.answers, ("case", row.id), _case_extra(row))


@event.listens_for(Case.answers, "set")
def _on_answers(row: Case, value, _old, _initiator) -> None:
    watch(row.service_id, value, ("case", row.id) if row.id else ("new", id(row)))
