"""The snapshot a paper is rendered from: its schema, validation and its variable text.

A snapshot is a JSON-able dict the case layer stores when a paper is first printed, so a
reprint is rendered from exactly the same data. Schema (keys marked * are required)::

    {
      "kind"*: "receipt",              # a key of DOCUMENT_KINDS
      "title"*: "受理回执",            # printed heading; the service name goes under it
      "service_name"*: "居住证申领",
      "case_no"*: "JZ03261125000187",  # text + Code128 barcode + QR code
      "hall"*: "郑州市金水区政务服务中心", "window"*: "03", "clerk"*: "王丽",
      "issued_at"*: "2026-11-25 10:30",
      "applicant"*: {"name"*: "...", "id_type"*: "居民身份证",
                     "id_masked"*: "410105********1234", "phone_masked"*: "138****5678"},
                                       # (absent for the hall reports of REPORT_KINDS)
      "intro": "...",                  # optional paragraph under the applicant block
      "sections"*: [                   # rendered in order; "heading" and "type" required
        {"heading": "已收材料", "type": "list", "items": ["申请表", ...]},
        {"heading": "办理时限", "type": "table", "columns": ["事项", ...], "rows": [["审核", ...]]},
        {"heading": "不予受理的理由", "type": "findings",
         "items": [{"message": "...", "basis": "郑政办〔2021〕8号 二、"}]},   # basis optional
        {"heading": "说明", "type": "text", "text": "..."},                   # "\n" = new paragraph
        {"heading": "计算明细", "type": "amounts",
         "rows": [{"label": "...", "formula": "...", "amount": "10000.00", "basis": "..."}],
         "total": "10000.00", "total_words": "人民币壹万元整"},               # total, words optional
      ],
      "provisional_note": "...",       # optional footnote for dates marked （暂定）
      "remedies": "...",               # optional remedies paragraph (复议/诉讼)
      "signature": {"label": "受理单位（印章）", "date": "2026年11月25日"},   # optional
      "footer": "...",                 # optional closing note
      "contact": "地址：…  电话：…"     # optional: the hall's contact line, in every page's footer
    }
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from desktop.documents.kinds import DOCUMENT_KINDS, REPORT_KINDS

REQUIRED_TEXT = ("kind", "title", "service_name", "case_no", "hall", "window", "clerk", "issued_at")
APPLICANT_KEYS = ("name", "id_type", "id_masked", "phone_masked")
OPTIONAL_TEXT = ("intro", "provisional_note", "remedies", "footer", "contact")
SECTION_KEYS = {
    "list": ("items",),
    "table": ("columns", "rows"),
    "findings": ("items",),
    "text": ("text",),
    "amounts": ("rows",),
}
# A full mainland ID number (18 characters, or the old 15 digits) must never reach paper.
_FULL_ID = re.compile(r"\d{17}[\dXx]|\d{15}")


def _require(mapping: Any, keys: tuple[str, ...], where: str) -> None:
    if not isinstance(mapping, dict):
        raise ValueError(f"{where} must be an object")
    for key in keys:
        if key not in mapping or mapping[key] is None:
            raise ValueError(f"{where}: missing key {key!r}")
        if not isinstance(mapping[key], str):
            raise ValueError(f"{where}: {key!r} must be a string")


def _validate_section(section: Any, index: int) -> None:
    where = f"sections[{index}]"
    _require(section, ("heading", "type"), where)
    kind = section["type"]
    if kind not in SECTION_KEYS:
        raise ValueError(f"{where}: unknown section type {kind!r}")
    for key in SECTION_KEYS[kind]:
        if key not in section:
            raise ValueError(f"{where}: missing key {key!r}")
    if kind in ("list", "findings", "amounts") or kind == "table":
        seq = section["rows"] if kind in ("table", "amounts") else section["items"]
        if not isinstance(seq, list):
            raise ValueError(f"{where}: must hold a list")
    if kind == "table":
        width = len(section["columns"])
        if width == 0:
            raise ValueError(f"{where}: a table needs columns")
        for r, row in enumerate(section["rows"]):
            if not isinstance(row, list) or len(row) != width:
                raise ValueError(f"{where}.rows[{r}]: expected {width} cells")
    if kind == "findings":
        for i, item in enumerate(section["items"]):
            _require(item, ("message",), f"{where}.items[{i}]")
    if kind == "amounts":
        for i, row in enumerate(section["rows"]):
            _require(row, ("label", "amount"), f"{where}.rows[{i}]")


def validate_snapshot(snapshot: Any) -> None:
    """Raise ValueError naming the first problem; return None for a printable snapshot."""
    _require(snapshot, REQUIRED_TEXT, "snapshot")
    if snapshot["kind"] not in DOCUMENT_KINDS:
        raise ValueError(f"snapshot: unknown kind {snapshot['kind']!r}")
    if not snapshot["case_no"].strip():
        raise ValueError("snapshot: empty 'case_no'")
    if "applicant" not in snapshot:
        if snapshot["kind"] not in REPORT_KINDS:
            raise ValueError("snapshot: missing key 'applicant'")
    else:
        _require(snapshot["applicant"], APPLICANT_KEYS, "snapshot.applicant")
        if _FULL_ID.search(snapshot["applicant"]["id_masked"]):
            raise ValueError("snapshot.applicant: 'id_masked' holds an unmasked ID number")
    for key in OPTIONAL_TEXT:
        if snapshot.get(key) is not None and not isinstance(snapshot[key], str):
            raise ValueError(f"snapshot: {key!r} must be a string")
    signature = snapshot.get("signature")
    if signature is not None:
        _require(signature, ("label", "date"), "snapshot.signature")
    if "sections" not in snapshot or not isinstance(snapshot["sections"], list):
        raise ValueError("snapshot: missing key 'sections'")
    for index, section in enumerate(snapshot["sections"]):
        _validate_section(section, index)


def variable_strings(value: Any) -> Iterator[str]:
    """Every string value in the snapshot (keys are schema, not printed text)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from variable_strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from variable_strings(item)
