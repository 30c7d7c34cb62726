"""The GB 17761 edition a bike was made to, and its limits (郑州市非机动车管理办法 第十三条: 符合强制性国家标准)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from forms.model import Effect, Finding, Outcome, RuleContext
from forms.service import missing_info
from forms.services.ebike.common import B

# --- the national standard the bike was made to ----------------------------------------------------

BATTERY_TYPES = (("lead_acid", "铅酸蓄电池"), ("lithium", "锂离子蓄电池"), ("other", "其他"))
# NOTE: the editions a 合格证 can name; which of them a bike may be registered under, and the
# limits of each, are parameters (ebike.toml `standard_editions` and the dated limits).
STANDARD_EDITIONS = (("gb17761_2018", "GB 17761-2018"), ("gb17761_2024", "GB 17761-2024"))

# (answer key, parameter, label, unit)
NUMERIC_LIMITS = (
    ("max_speed", "max_speed_kmh", "最高设计车速", "km/h"),
    ("motor_power", "motor_power_w", "电动机额定连续输出功率", "W"),
    ("battery_voltage", "battery_voltage_v", "蓄电池标称电压", "V"),
)


def number_text(value: Any) -> str:
    """50.50 → "50.5", 25.00 → "25" (decimals are quantized to cents when parsed)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _limit_finding(ctx: RuleContext, limits, standard: str, rid: str, key: str, param: str, label: str,
                   unit: str) -> Finding:
    basis = B("第十三条")
    raw = ctx.get(key)
    if raw is None:
        return missing_info(rid, f"请填写整车合格证上的{label}", basis, key)
    value = number_text(raw)
    limit = limits[param]
    facts = {"value": raw, "limit": limit, "standard": standard, "source": limits.source(param)}
    if raw > limit:
        return Finding(
            rid, Outcome.FAIL,
            f"{label}{value} {unit}，超过{standard}规定的{number_text(limit)} {unit}，不符合强制性国家标准，不予登记",
            basis, Effect.REFUSE, key, facts,
        )
    return Finding(rid, Outcome.PASS, f"{label}{value} {unit}，不超过{standard}规定的{number_text(limit)} {unit}",
                   basis, field=key, facts=facts)


def _edition(ctx: RuleContext, rid: str) -> tuple[Finding, dict | None]:
    """The edition of GB 17761 this bike is judged by, or the finding that says why there is none.

    NOTE (issue 13): the standard that applies is the one the bike was made to, as its 合格证 says,
    provided that edition could lawfully be sold on the purchase date: bikes made to GB 17761-2018
    could be sold until 2025-11-30 (later-law.md), so one bought lawfully before then is still a
    conforming bike when registered in 2026, and one bought after that date is not.
    """
    basis = B("第十三条")
    key = ctx.get("standard_edition")
    if key is None:
        return missing_info(rid, "请选择整车合格证上标注的执行标准（GB 17761版本）", basis, "standard_edition"), None
    editions = ctx.params["standard_editions"]
    edition = editions.get(key)
    label = dict(STANDARD_EDITIONS).get(key, key)
    if edition is None:
        return Finding(rid, Outcome.FAIL, f"{label}在申请之日尚未施行，请核对整车合格证上标注的执行标准",
                       basis, Effect.CORRECT, "standard_edition", {"edition": key}), None
    bought = ctx.get("purchase_date")
    until = edition.get("sales_until")
    facts = {"edition": key, "standard": edition["name"], "sales_until": until, "purchase_date": bought,
             "source": ctx.params.source("standard_editions")}
    if until is not None and bought is not None and bought > until:
        return Finding(
            rid, Outcome.FAIL,
            f"按{edition['name']}生产的电动自行车只能销售至{until.isoformat()}，该车购于{bought.isoformat()}，"
            "不符合强制性国家标准，不予登记",
            basis, Effect.REFUSE, "standard_edition", facts,
        ), None
    return Finding(rid, Outcome.PASS, f"按{edition['name']}生产" + (f"，于{until.isoformat()}前购买" if until else ""),
                   basis, field="standard_edition", facts=facts), edition


def standard_findings(ctx: RuleContext, rid: str) -> list[Finding]:
    """One finding per technical limit of the edition the bike was made to (第十三条)."""
    found, edition = _edition(ctx, f"{rid}.edition")
    out = [found]
    if edition is None:
        return out
    # The limits in force on the day the bike's edition took effect are that edition's limits.
    limits = ctx.params.on(edition["in_force"])
    standard = edition["name"].split("《")[0]
    out += [_limit_finding(ctx, limits, standard, f"{rid}.{key}", key, param, label, unit)
            for key, param, label, unit in NUMERIC_LIMITS]
    battery = ctx.get("battery_type")
    if battery is None:
        out.append(missing_info(f"{rid}.mass", "请选择蓄电池类型（整车质量限值与之相关）", B("第十三条"), "battery_type"))
    else:
        param = "mass_kg_lead_acid" if battery == "lead_acid" else "mass_kg_other"
        out.append(_limit_finding(ctx, limits, standard, f"{rid}.mass", "mass", param, "整车质量（含蓄电池）", "kg"))
    out.append(_pedalling_finding(ctx, limits, standard, f"{rid}.pedalling"))
    return out


def _pedalling_finding(ctx: RuleContext, limits, standard: str, rid: str) -> Finding:
    basis = B("第十三条")
    has_pedals = ctx.get("pedalling")
    if has_pedals is None:
        return missing_info(rid, "请确认车辆是否具有脚踏骑行能力", basis, "pedalling")
    required = limits["pedalling_required"]
    facts = {"pedalling": has_pedals, "required": required, "standard": standard,
             "source": limits.source("pedalling_required")}
    if required and not has_pedals:
        return Finding(rid, Outcome.FAIL, f"车辆不具有脚踏骑行能力，不符合{standard}，不予登记",
                       basis, Effect.REFUSE, "pedalling", facts)
    message = "车辆具有脚踏骑行能力" if has_pedals else f"{standard}不要求脚踏骑行能力"
    return Finding(rid, Outcome.PASS, message, basis, field="pedalling", facts=facts)
