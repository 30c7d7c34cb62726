"""The JSON Schema of a service's case file (answers and materials), with Chinese labels."""

from __future__ import annotations

from typing import Any

from forms.model import Field, Kind
from forms.service import Service

_TYPES: dict[Kind, dict[str, Any]] = {
    Kind.TEXT: {"type": "string"},
    Kind.ID_NUMBER: {"type": "string", "pattern": "^[0-9A-Za-z]{5,18}$"},
    Kind.PHONE: {"type": "string", "pattern": "^1[3-9][0-9]{9}$"},
    Kind.DATE: {"type": "string", "format": "date"},
    Kind.INTEGER: {"type": "integer"},
    Kind.DECIMAL: {"type": ["number", "string"]},
    Kind.BOOL: {"type": "boolean"},
    Kind.CHOICE: {"type": "string"},
}


# The facts contracts of the services (forms/services/*.py docstrings, forms/services/subsidy/history.py),
# as shapes: a case file's facts are checked against them before any rule reads them.
_TEXT = {"type": ["string", "null"], "maxLength": 200}
_SCALAR = {"type": ["string", "number", "boolean", "null"], "maxLength": 200}
_REGISTRATION = {
    "type": ["object", "null"],
    "properties": {k: _TEXT for k in ("case_no", "plate_no", "frame_no", "owner_name", "owner_id_type",
                                      "owner_id_number", "status")},
    "additionalProperties": _SCALAR,
}
FACTS: dict[str, Any] = {
    "frame_registered": {**_REGISTRATION, "title": "同一车架号的已有登记（null：已查询，没有）"},
    "registration": {**_REGISTRATION, "title": "按号牌或车架号查到的登记（null：已查询，没有）"},
    "voided_plate": {
        "title": "所填号牌已作废的记录（null：已查询，未作废）",
        "type": ["object", "null"],
        "properties": {k: _TEXT for k in ("plate_no", "reason", "voided_on", "case_no", "replaced_by")},
        "additionalProperties": _SCALAR,
    },
    "earlier_claims": {
        "title": "以往补贴申领记录",
        "type": ["array", "null"],
        "maxItems": 1000,
        "items": {
            "type": "object",
            "properties": {
                "case_no": _TEXT, "claim_type": _TEXT, "training_type": _TEXT,
                "status": {"type": "string"},
                "amount": {"type": ["number", "string"], "maxLength": 30},
                "months": {"type": "array", "maxItems": 600,
                           "items": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}},
                "year": {"type": ["integer", "null"], "minimum": 1900, "maximum": 9999},
            },
            "additionalProperties": _SCALAR,
        },
    },
    # The duplicate check (forms/duplicates.py): other open cases of this application, other names.
    "duplicates.open_cases": {
        "title": "同一申请人在办的同一事项案件", "type": ["array", "null"], "maxItems": 100,
        "items": {"type": "object", "properties": {"case_no": _TEXT, "status_label": _TEXT},
                  "additionalProperties": _SCALAR},
    },
    "duplicates.other_names": {
        "title": "同一证件号码登记过的其他姓名", "type": ["array", "null"], "maxItems": 100,
        "items": {"type": "object", "properties": {"case_no": _TEXT, "name": _TEXT},
                  "additionalProperties": _SCALAR},
    },
    "workers_elsewhere": {
        "title": "已被其他案件计入的就业人员",
        "type": ["array", "null"],
        "maxItems": 1000,
        "items": {
            "type": "object",
            "required": ["id_number"],
            "properties": {"id_number": {"type": "string", "minLength": 1, "maxLength": 40},
                           "business_uscc": _TEXT, "case_no": _TEXT},
            "additionalProperties": _SCALAR,
        },
    },
}


def field_schema(field: Field) -> dict[str, Any]:
    if field.kind is Kind.TABLE:
        schema: dict[str, Any] = {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {c.key: field_schema(c) for c in field.columns},
            },
        }
    else:
        schema = dict(_TYPES[field.kind])
    schema["title"] = field.label
    if field.help:
        schema["description"] = field.help
    if field.choices:
        schema["enum"] = [value for value, _ in field.choices]
        schema["x-enum-labels"] = {value: label for value, label in field.choices}
    if field.minimum is not None:
        schema["minimum"] = float(field.minimum) if field.kind is Kind.DECIMAL else field.minimum
    if field.maximum is not None:
        schema["maximum"] = float(field.maximum) if field.kind is Kind.DECIMAL else field.maximum
    if field.max_length:
        schema["maxLength"] = field.max_length
    if field.required_when:
        schema["x-required-when"] = field.required_when.describe()
    if field.visible_when:
        schema["x-visible-when"] = field.visible_when.describe()
    return schema


def case_schema(service: Service) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{service.name}（{service.service_id}）",
        "description": service.description,
        "type": "object",
        "additionalProperties": False,
        "required": ["answers"],
        "properties": {
            "answers": {
                "type": "object",
                "additionalProperties": False,
                "properties": {f.key: field_schema(f) for f in service.fields},
                "x-always-required": [f.key for f in service.fields if f.required and not f.required_when and not f.visible_when],
            },
            "materials": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    m.key: {
                        "title": m.label,
                        # NOTE: true is read as "provided", false and null as not handed over.
                        "enum": (["provided", "shared", "pledged"] if m.shareable else ["provided", "pledged"]
                                 if m.pledge_allowed else ["provided"]) + [True, False, None],
                        "description": f"依据：{m.basis}" + ("；可通过信息共享核验" if m.shareable else "")
                        + "（true 即 provided；false 或 null 表示未收取）",
                    }
                    for m in service.materials
                },
            },
            "facts": {
                "type": "object",
                "description": "由系统提供的既有记录（如已登记的车架号、以往补贴申请）",
                "additionalProperties": False,
                "properties": FACTS,
            },
        },
    }
