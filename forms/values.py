"""Turn raw answers (JSON or widget text) into typed values, with field findings for bad input."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from forms import checks
from forms.model import Basis, Effect, Field, Finding, Kind, Outcome

# NOTE: a form error is not a refusal: the clerk corrects it at the window. It cites the duty to
# check that an application is complete and in the legal form (《行政许可法》第三十二条).
FORM_BASIS = Basis("《中华人民共和国行政许可法》", "第三十二条")
# NOTE: a resident ID number's length, birth date and check character are set by the national
# standard, not by a procedural article (issue 14); other ID types keep the form's basis.
ID_BASIS = {"resident_id": Basis("GB 11643-1999《公民身份号码》")}


class AnswerError(ValueError):
    """The answers do not fit the form: unknown key or a value of the wrong JSON type."""


# NOTE: characters no database, file or paper keeps as typed: lone surrogates (UTF-8 cannot encode
# them: SQLite, PostgreSQL and reportlab fail), C0/C1 control characters (PostgreSQL refuses NUL;
# the others print as nothing), and the bidirectional controls that make a printed line read
# differently from what was stored (a forged name or number on paper).
_BAD_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# NOTE: a number beyond 10^15 is no speed, mass, count or amount on any form here, and bounding the
# exponent first keeps Decimal.quantize (28 digits) and int() of 1e999999 (a million digits) away.
MAX_EXPONENT = 15
MAX_NUMBER_TEXT = 64  # characters of a number as typed
MAX_TABLE_ROWS = 500
LATEST_YEAR = 2199


def text_problem(text: str) -> str | None:
    """A Chinese message when text holds characters that cannot be stored or printed as typed."""
    bad = _BAD_CHARS.search(text)
    if bad is None:
        return None
    code = ord(bad.group())
    if 0xD800 <= code <= 0xDFFF:
        return "格式不正确：含有无法保存的无效字符，请删除后重新输入"
    if code in (0x200E, 0x200F) or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "格式不正确：含有改变文字方向的控制字符，请删除后重新输入"
    return f"格式不正确：含有不可打印的控制字符（U+{code:04X}），请删除后重新输入"


def preview(value: Any) -> str:
    """A short, printable picture of a value for a message (never the value's repr at full size)."""
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "…"
        return ascii(shown) if _BAD_CHARS.search(shown) else repr(shown)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return repr(value) if value.bit_length() <= 64 else "（很大的整数）"
    if isinstance(value, (float, Decimal)):
        return repr(value)[:30]
    return f"（{type(value).__name__}）"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not value)


def _bad(field: Field, message: str, key: str | None = None) -> Finding:
    return Finding(
        rule_id=f"field.{field.key}.format",
        outcome=Outcome.FAIL,
        message=f"{field.label}：{message}",
        basis=FORM_BASIS,
        effect=Effect.CORRECT,
        field=key or field.key,
    )


def _type_error(field: Field, expected: str, value: Any) -> AnswerError:
    return AnswerError(f"字段“{field.label}”({field.key}) 应为{expected}，收到 {type(value).__name__}: {preview(value)}")


def _wrong_type(field: Field, expected: str, value: Any, strict: bool, key: str | None):
    """Strict (a case file): the file is wrong. Otherwise (the case layer): a finding on the field."""
    if strict:
        raise _type_error(field, expected, value)
    return None, [_bad(field, f"格式不正确，应为{expected}", key)]


def _parse_number(field: Field, value: Any, strict: bool, key: str | None):
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return _wrong_type(field, "数字", value, strict, key)
    if isinstance(value, int) and value.bit_length() > 64:
        return None, [_bad(field, "数值过大，请核对", key)]
    if isinstance(value, str):
        if len(value.strip()) > MAX_NUMBER_TEXT:
            return None, [_bad(field, "格式不正确：数字过长，请核对", key)]
        problem = text_problem(value)
        if problem:
            return None, [_bad(field, problem, key)]
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None, [_bad(field, "格式不正确，请填写数字", key)]
    if not number.is_finite():
        return None, [_bad(field, "格式不正确，请填写有限的数字", key)]
    if number and number.adjusted() > MAX_EXPONENT:
        return None, [_bad(field, "数值过大，请核对", key)]
    if field.kind is Kind.INTEGER:
        if number != number.to_integral_value():
            return None, [_bad(field, "应为整数", key)]
        parsed: Decimal | int = int(number)
    else:
        parsed = number.quantize(Decimal("0.01"))
    if field.minimum is not None and parsed < field.minimum:
        return None, [_bad(field, f"不能小于{field.minimum}", key)]
    if field.maximum is not None and parsed > field.maximum:
        return None, [_bad(field, f"不能大于{field.maximum}，请核对", key)]
    return parsed, []


def _parse_text(field: Field, value: Any, strict: bool, key: str | None):
    kind = field.kind
    if not isinstance(value, str):
        # NOTE: a small whole number is text the clerk meant (a phone number kept as a number by
        # an old draft); anything else in a text field is a wrong type, not a value to str().
        if strict or isinstance(value, bool) or not isinstance(value, int) or value.bit_length() > 64:
            return _wrong_type(field, "文本", value, strict, key)
        value = str(value)
    text = value.strip()
    if field.max_length and len(text) > field.max_length:
        return None, [_bad(field, f"不能超过{field.max_length}个字", key)]
    problem = text_problem(text)
    if problem:
        return None, [_bad(field, problem, key)]
    if kind is Kind.CHOICE and field.choices and text not in dict(field.choices):
        if strict:
            raise AnswerError(f"字段“{field.label}”({field.key}) 的取值 {preview(text)} 不在可选项 {list(dict(field.choices))} 中")
        return None, [_bad(field, "请从列表中选择", key)]
    if kind is Kind.ID_NUMBER:
        # The check depends on the ID type, another answer: see check_id_numbers().
        text = text.upper().replace(" ", "")
    if kind is Kind.PHONE:
        error = checks.check_mobile(text)
        if error:
            return None, [_bad(field, error, key)]
    return text, []


def _parse_date(field: Field, value: Any, today: date, strict: bool, key: str | None):
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        if len(value) > 40 or text_problem(value):
            return None, [_bad(field, "日期无效，请按“年-月-日”填写真实存在的日期", key)]
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            return None, [_bad(field, "日期无效，请按“年-月-日”填写真实存在的日期", key)]
    else:
        if strict:
            raise _type_error(field, "日期字符串 YYYY-MM-DD", value)
        return None, [_bad(field, "日期无效", key)]
    if field.not_future and day > today:
        return None, [_bad(field, "不能晚于今天", key)]
    if day.year < 1900:
        return None, [_bad(field, "日期过早，请核对", key)]
    if day.year > LATEST_YEAR:
        # NOTE: deadlines and periods are counted from these dates; year 9999 would overflow them.
        return None, [_bad(field, "日期过晚，请核对", key)]
    return day, []


def _parse_bool(field: Field, value: Any, strict: bool, key: str | None):
    if isinstance(value, bool):
        return value, []
    if strict:
        raise _type_error(field, "true/false", value)
    if isinstance(value, (str, int)):
        if value in ("是", "true", "1", 1):
            return True, []
        if value in ("否", "false", "0", 0):
            return False, []
    return None, [_bad(field, "请选择“是”或“否”", key)]


def _parse_table(field: Field, value: Any, today: date, strict: bool):
    if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
        return _wrong_type(field, "对象数组（表格）", value, strict, None)
    if len(value) > MAX_TABLE_ROWS:
        return None, [_bad(field, f"最多{MAX_TABLE_ROWS}行，请核对", None)]
    rows, findings = [], []
    columns = {c.key: c for c in field.columns}
    for i, row in enumerate(value):
        unknown = [k for k in row if k not in columns]
        if unknown:
            if strict:
                raise AnswerError(f"表格“{field.label}”第{i + 1}行有未知列：{', '.join(preview(k) for k in unknown[:5])}")
            findings.append(_bad(field, f"第{i + 1}行格式不正确（有未知列）", f"{field.key}[{i}]"))
        typed = {}
        for col in field.columns:
            cell_key = f"{field.key}[{i}].{col.key}"
            v, f = parse_value(col, row.get(col.key), today, strict, cell_key)
            findings.extend(
                Finding(x.rule_id, x.outcome, f"{field.label}第{i + 1}行 {x.message}", x.basis, x.effect, x.field)
                for x in f
            )
            if v is None and col.required and not f:
                findings.append(
                    Finding(
                        f"field.{field.key}.required",
                        Outcome.MISSING,
                        f"{field.label}第{i + 1}行：请填写“{col.label}”",
                        FORM_BASIS,
                        Effect.CORRECT,
                        cell_key,
                    )
                )
            typed[col.key] = v
        rows.append(typed)
    return rows, findings


def parse_value(field: Field, value: Any, today: date, strict: bool, key: str | None = None):
    """(typed value or None, findings). ``strict`` raises AnswerError on JSON type mismatches.

    Not strict (the case layer), nothing a caller hands in raises: a wrong type, a character that
    cannot be stored, a number too large for the form are findings on the field ("格式不正确…").
    """
    if _is_blank(value):
        return None, []
    kind = field.kind
    if kind in (Kind.TEXT, Kind.ID_NUMBER, Kind.PHONE, Kind.CHOICE):
        return _parse_text(field, value, strict, key)
    if kind is Kind.DATE:
        return _parse_date(field, value, today, strict, key)
    if kind is Kind.BOOL:
        return _parse_bool(field, value, strict, key)
    if kind in (Kind.INTEGER, Kind.DECIMAL):
        return _parse_number(field, value, strict, key)
    if kind is Kind.TABLE:
        return _parse_table(field, value, today, strict)
    raise AnswerError(f"未知字段类型 {kind}")  # pragma: no cover


def check_id_numbers(fields: list[Field], typed: dict[str, Any], today: date) -> list[Finding]:
    """Check each ID number by its type (resident ID unless the form names another type)."""
    findings = []
    for field in fields:
        if field.kind is not Kind.ID_NUMBER or typed.get(field.key) is None:
            continue
        id_type = typed.get(field.id_type_key) if field.id_type_key else None
        id_type = id_type or "resident_id"
        error = checks.check_id(id_type, typed[field.key], today)
        if error:
            typed[field.key] = None
            bad = _bad(field, error)
            findings.append(dataclasses.replace(bad, basis=ID_BASIS.get(id_type, bad.basis)))
    return findings


def parse_answers(
    fields: Iterable[Field], raw: Mapping[str, Any], today: date, strict: bool = True
) -> tuple[dict[str, Any], list[Finding]]:
    """Typed answers for every field (None where blank or invalid) and the findings for them."""
    fields = list(fields)
    by_key = {f.key: f for f in fields}
    if not isinstance(raw, Mapping):
        raise AnswerError(f"填写内容应为“字段: 值”的对象，收到 {preview(raw)}")
    unknown = [k for k in raw if k not in by_key]
    if unknown:
        shown = sorted(preview(k) if not isinstance(k, str) or _BAD_CHARS.search(k) else k for k in unknown)
        raise AnswerError(f"未知字段：{', '.join(shown)}")
    typed: dict[str, Any] = {}
    findings: list[Finding] = []
    for field in fields:
        value, errors = parse_value(field, raw.get(field.key), today, strict)
        typed[field.key] = value
        findings.extend(errors)
    findings.extend(check_id_numbers(fields, typed, today))
    # Visibility and requiredness depend on typed answers (e.g. a choice), so check them after.
    for field in fields:
        if not field.is_visible(typed):
            typed[field.key] = None
            findings = [f for f in findings if f.field is None or not f.field.startswith(field.key)]
            continue
        if typed[field.key] is None and field.is_required(typed) and not any(
            f.field == field.key for f in findings
        ):
            findings.append(
                Finding(
                    rule_id=f"field.{field.key}.required",
                    outcome=Outcome.MISSING,
                    message=f"请填写“{field.label}”",
                    basis=FORM_BASIS,
                    effect=Effect.CORRECT,
                    field=field.key,
                )
            )
    return typed, findings


# --- what the case layer may store as typed ------------------------------------------------------


def _storage_problem(field: Field, value: Any) -> str | None:
    """Why a raw answer cannot be kept in a draft or a case as it is, or None."""
    if _is_blank(value):
        return None
    if field.kind is Kind.TABLE:
        if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
            return "格式不正确，应为表格"
        if len(value) > MAX_TABLE_ROWS:
            return f"最多{MAX_TABLE_ROWS}行"
        columns = {c.key: c for c in field.columns}
        for i, row in enumerate(value):
            for k, cell in row.items():
                column = columns.get(k) if isinstance(k, str) else None
                if column is None:
                    return f"第{i + 1}行格式不正确（有未知列）"
                problem = _storage_problem(column, cell)
                if problem:
                    return f"第{i + 1}行“{column.label}”{problem}"
        return None
    # NOTE: only the JSON type each kind is entered as is stored (answers are a JSON column, and
    # the papers print the stored answers): text for text, a listed code for a choice, true/false,
    # a finite number or its text. A Decimal, a date object, a list or an object where one value
    # belongs is the caller's mistake, refused by name.
    kind = field.kind
    if isinstance(value, str):
        limit = field.max_length or (40 if kind is Kind.DATE else MAX_NUMBER_TEXT)
        if len(value.strip()) > limit:
            return f"不能超过{limit}个字"
        if kind is Kind.BOOL:
            return "请选择“是”或“否”"
        if kind is Kind.CHOICE and field.choices and value.strip() not in dict(field.choices):
            return "请从列表中选择"
        return text_problem(value)
    if kind is Kind.BOOL:
        return None if isinstance(value, bool) else "请选择“是”或“否”"
    if kind not in (Kind.INTEGER, Kind.DECIMAL) or isinstance(value, bool):
        return "格式不正确，应为文本"
    if isinstance(value, int):
        return None if value.bit_length() <= 63 else "数值过大，请核对"
    if isinstance(value, float):
        return None if math.isfinite(value) else "格式不正确，请填写有限的数字"
    return "格式不正确，应为数字"


def storage_problems(fields: Iterable[Field], raw: Any) -> list[str]:
    """Chinese messages for every answer the case layer must refuse to store (unknown keys too)."""
    by_key = {f.key: f for f in fields}
    if not isinstance(raw, Mapping):
        return ["填写内容的格式不正确"]
    problems = []
    for key, value in raw.items():
        field = by_key.get(key) if isinstance(key, str) else None
        if field is None:
            problems.append(f"未知字段：{preview(key)}")
            continue
        problem = _storage_problem(field, value)
        if problem:
            problems.append(f"{field.label}：{problem}")
    return problems


def usable_answers(fields: Iterable[Field], raw: Any) -> dict[str, Any]:
    """The raw answers without those that cannot be stored: safe to look facts up with."""
    if not isinstance(raw, Mapping):
        return {}
    by_key = {f.key: f for f in fields}
    return {k: v for k, v in raw.items()
            if isinstance(k, str) and k in by_key and _storage_problem(by_key[k], v) is None}
