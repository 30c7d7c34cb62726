"""The JSON Schema of a service's case file (answers and materials), with Chinese labels."""

from __future__ import annotations

from typing import Any

from forms.model import Field, Kind
from forms.service import Service

_TYPES = {
    Kind.TEXT: {"type": "string"},
    Kind.ID_NUMBER: {"type": "string", "pattern": "^[0-9A-Za-z]{5,18}$"},
    Kind.PHONE: {"type": "string", "pattern": "^1[3-9][0-9]{9}$"},
    Kind.DATE: {"type": "string", "format": "date"},
    Kind.INTEGER: {"type": "integer"},
    Kind.DECIMAL: {"type": ["number", "string"]},
    Kind.BOOL: {"type": "boolean"},
    Kind.CHOICE: {"type": "string"},
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
                        "enum": ["provided", "shared", "pledged"] if m.shareable else ["provided", "pledged"] if m.pledge_allowed else ["provided"],
                        "description": f"依据：{m.basis}" + ("；可通过信息共享核验" if m.shareable else ""),
                    }
                    for m in service.materials
                },
            },
            "facts": {"type": "object", "description": "由系统提供的既有记录（如已登记的车架号、以往补贴申请）"},
        },
    }
