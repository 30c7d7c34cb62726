"""Turn raw answers (JSON or widget text) into typed values, with field findings for bad input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from forms import checks
from forms.model import Basis, Effect, Field, Finding, Kind, Outcome

# NOTE: a form error is not a refusal: the clerk corrects it at the window. It cites the duty to
# check that an application is complete and in the legal form (《行政许可法》第三十二条).
FORM_BASIS = Basis("《中华人民共和国行政许可法》", "第三十二条")


class AnswerError(ValueError):
    """The answers do not fit the form: unknown key or a value of the wrong JSON type."""


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


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
    return AnswerError(f"字段“{field.label}”({field.key}) 应为{expected}，收到 {type(value).__name__}: {value!r}")


def parse_value(field: Field, value: Any, today: date, strict: bool, key: str | None = None):
    """(typed value or None, findings). ``strict`` raises AnswerError on JSON type mismatches."""
    if _is_blank(value):
        return None, []
    kind = field.kind
    if kind in (Kind.TEXT, Kind.ID_NUMBER, Kind.PHONE, Kind.CHOICE):
        if not isinstance(value, str):
            if strict:
                raise _type_error(field, "文本", value)
            value = str(value)
        text = value.strip()
        if field.max_length and len(text) > field.max_length:
            return None, [_bad(field, f"不能超过{field.max_length}个字", key)]
        if kind is Kind.CHOICE and field.choices and text not in dict(field.choices):
            if strict:
                raise AnswerError(f"字段“{field.label}”({field.key}) 的取值 {text!r} 不在可选项 {list(dict(field.choices))} 中")
            return None, [_bad(field, "请从列表中选择", key)]
        if kind is Kind.ID_NUMBER:
            # The check depends on the ID type, another answer: see check_id_numbers().
            text = text.upper().replace(" ", "")
        if kind is Kind.PHONE:
            error = checks.check_mobile(text)
            if error:
                return None, [_bad(field, error, key)]
        return text, []
    if kind is Kind.DATE:
        if isinstance(value, date):
            day = value
        elif isinstance(value, str):
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
        return day, []
    if kind is Kind.BOOL:
        if isinstance(value, bool):
            return value, []
        if strict:
            raise _type_error(field, "true/false", value)
        if value in ("是", "true", "1", 1):
            return True, []
        if value in ("否", "false", "0", 0):
            return False, []
        return None, [_bad(field, "请选择“是”或“否”", key)]
    if kind in (Kind.INTEGER, Kind.DECIMAL):
        if isinstance(value, bool) or (strict and not isinstance(value, (int, float, str))):
            raise _type_error(field, "数字", value)
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            if strict and not isinstance(value, str):
                raise _type_error(field, "数字", value) from None
            return None, [_bad(field, "请填写数字", key)]
        if not number.is_finite():
            return None, [_bad(field, "请填写数字", key)]
        if kind is Kind.INTEGER:
            if number != number.to_integral_value():
                return None, [_bad(field, "应为整数", key)]
            number = int(number)
        else:
            number = number.quantize(Decimal("0.01"))
        if field.minimum is not None and number < field.minimum:
            return None, [_bad(field, f"不能小于{field.minimum}", key)]
        if field.maximum is not None and number > field.maximum:
            return None, [_bad(field, f"不能大于{field.maximum}，请核对", key)]
        return number, []
    if kind is Kind.TABLE:
        if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
            raise _type_error(field, "对象数组", value)
        rows, findings = [], []
        columns = {c.key: c for c in field.columns}
        for i, row in enumerate(value):
            unknown = set(row) - set(columns)
            if unknown and strict:
                raise AnswerError(f"表格“{field.label}”第{i + 1}行有未知列：{sorted(unknown)}")
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
    raise AnswerError(f"未知字段类型 {kind}")  # pragma: no cover


def check_id_numbers(fields: list[Field], typed: dict[str, Any], today: date) -> list[Finding]:
    """Check each ID number by its type (resident ID unless the form names another type)."""
    findings = []
    for field in fields:
        if field.kind is not Kind.ID_NUMBER or typed.get(field.key) is None:
            continue
        id_type = typed.get(field.id_type_key) if field.id_type_key else None
        error = checks.check_id(id_type or "resident_id", typed[field.key], today)
        if error:
            typed[field.key] = None
            findings.append(_bad(field, error))
    return findings


def parse_answers(
    fields: Iterable[Field], raw: Mapping[str, Any], today: date, strict: bool = True
) -> tuple[dict[str, Any], list[Finding]]:
    """Typed answers for every field (None where blank or invalid) and the findings for them."""
    fields = list(fields)
    by_key = {f.key: f for f in fields}
    unknown = sorted(set(raw) - set(by_key))
    if unknown:
        raise AnswerError(f"未知字段：{', '.join(unknown)}")
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
