"""Shared parts of the e-bike services: owner fields, frame/CCC checks, GB 17761 limits, registration look-up."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from forms import checks
from forms.at_window import AtWindow
from forms.model import Basis, Effect, Field, Finding, Kind, Outcome, Rule, RuleContext
from forms.service import missing_info
from forms.zhengzhou import DISTRICT_CHOICES, URBAN_CODES, district_name

PARAMS_DIR = Path(__file__).resolve().parent  # ebike.toml lives with the six services

DOC = "郑州市非机动车管理办法（市政府令第242号）"


def B(clause: str) -> Basis:
    return Basis(DOC, clause)


# --- owner ---------------------------------------------------------------------------------------


def owner_fields(prefix: str, who: str, section: str, address: bool = True) -> tuple[Field, ...]:
    """ID type + number (checked by type), name, phone and, optionally, where the person lives."""
    fields = [
        Field(f"{prefix}_id_type", f"{who}证件类型", Kind.CHOICE, choices=checks.ID_TYPE_CHOICES, section=section),
        Field(
            f"{prefix}_id_number", f"{who}证件号码", Kind.ID_NUMBER, id_type_key=f"{prefix}_id_type",
            section=section,
        ),
        Field(f"{prefix}_name", f"{who}姓名", max_length=50, section=section),
        Field(f"{prefix}_phone", f"{who}联系电话", Kind.PHONE, section=section),
    ]
    if address:
        fields += [
            Field(
                f"{prefix}_district", f"{who}居住地所在区县（市）", Kind.CHOICE, choices=DISTRICT_CHOICES,
                section=section,
            ),
            Field(f"{prefix}_address", f"{who}居住地址", max_length=100, section=section),
        ]
    return tuple(fields)


# The development zones are 市区 by 第四十一条第一款, the districts by 第三条.
_ZONES = frozenset({"410171", "410172", "410173", "zhengdong"})


def scope_finding(ctx: RuleContext, rid: str, key: str) -> Finding:
    """Whether the owner lives where the measures apply (第三条, 第四十一条)."""
    code = ctx.get(key)
    if code is None:
        return missing_info(rid, "请选择居住地所在区县（市）", B("第三条"), key)
    name = district_name(code)
    if code in URBAN_CODES:
        clause = "第四十一条第一款" if code in _ZONES else "第三条"
        return Finding(rid, Outcome.PASS, f"居住地{name}属于本办法适用的市区", B(clause), field=key,
                       facts={"district": code})
    # NOTE: a residence outside 市区 is MANUAL + WARN, not a refusal: 第四十一条第二款 says the
    # counties, county-level cities and 上街区 "参照本办法执行", so the owner qualifies in substance;
    # which office registers the bike (this hall or the local 公安交管, 第四条第二款) is an
    # organisational question the clerk answers, not a legal bar the rules may decide.
    return Finding(
        rid, Outcome.MANUAL,
        f"居住地{name}不属于市区（第三条第二款），该地参照本办法执行（第四十一条第二款）："
        "请确认由本窗口办理，或告知申请人到当地公安机关交通管理部门办理",
        B("第四十一条第二款"), Effect.WARN, key, {"district": code},
    )


# --- frame number (整车编码) and CCC certificate number -------------------------------------------

FRAME_LENGTH = 15
_ALNUM = re.compile(r"[0-9A-Z]+")
_CCC = re.compile(r"\d{16}")
# NOTE: unconfirmed structure, so only warnings: CCC certificate numbers are commonly printed as
# year (4) + certification body (2) + product code (4) + serial (6), with 1119 for 电动自行车; the
# earliest e-bike certificates date from 2018/2019. Neither is checked against CNCA's own text.
_CCC_PRODUCT_EBIKE = "1119"
_CCC_FIRST_YEAR = 2018


def normalize_code(value: str | None) -> str:
    """THE stored/searched form of a frame, CCC or plate number: half-width, no spaces or hyphens, upper case.

    The case layer must look frame and plate numbers up in this form.
    """
    return checks.normalize_id(value or "")


def check_frame_no(value: str) -> tuple[str | None, list[str]]:
    """(hard error or None, warnings). 15 letters/digits is hard; anything finer only warns."""
    # NOTE: 15 characters is the 整车编码 length of GB 17761-2018 as given in issue 4 and the brief.
    # Its internal layout (manufacturer code, date, serial) could not be confirmed from the
    # standard's text, so no position-by-position check is made.
    number = normalize_code(value)
    if len(number) != FRAME_LENGTH:
        return f"车架号（整车编码）应为{FRAME_LENGTH}位，当前为{len(number)}位", []
    if not _ALNUM.fullmatch(number):
        return "车架号（整车编码）只能包含数字和英文字母", []
    warnings = []
    # NOTE: by analogy with vehicle identification codes (GB 16735 leaves out I, O, Q because
    # they read as 1 and 0); a warning, since the e-bike code's alphabet is not confirmed.
    if set(number) & set("IOQ"):
        warnings.append("含有字母I、O或Q，易与数字1、0混淆，请对照车架钢印核对")
    if len(set(number)) == 1:
        warnings.append("各位字符全部相同，疑似占位号码，请对照车架钢印核对")
    return None, warnings


def check_ccc_no(value: str, today: date) -> tuple[str | None, list[str]]:
    """(hard error or None, warnings) for a CCC certificate number: 16 digits is hard."""
    number = normalize_code(value)
    if not _CCC.fullmatch(number):
        return f"强制性产品认证（CCC）证书编号应为16位数字，当前为“{number}”（{len(number)}位）", []
    warnings = []
    year = int(number[:4])
    if not _CCC_FIRST_YEAR <= year <= today.year:
        warnings.append(f"前4位（发证年份）为{year}，不在{_CCC_FIRST_YEAR}年至今年之间，请核对证书")
    if number[6:10] != _CCC_PRODUCT_EBIKE:
        warnings.append(f"第7至10位为{number[6:10]}，电动自行车证书通常为{_CCC_PRODUCT_EBIKE}，请核对是否为整车证书")
    return None, warnings


def code_findings(rid: str, key: str, value: Any, basis: Basis, label: str,
                  error_and_warnings: tuple[str | None, list[str]]) -> list[Finding]:
    error, warnings = error_and_warnings
    if error:
        return [Finding(rid, Outcome.FAIL, error, basis, Effect.CORRECT, key, {"value": value})]
    out = [Finding(rid, Outcome.PASS, f"{label}{normalize_code(value)}格式正确", basis, field=key)]
    out += [Finding(f"{rid}.structure", Outcome.FAIL, f"{label}{w}", basis, Effect.WARN, key) for w in warnings]
    return out


def frame_findings(ctx: RuleContext, rid: str, key: str, basis: Basis) -> list[Finding]:
    value = ctx.get(key)
    if value is None:  # required fields already report the blank answer
        return []
    return code_findings(rid, key, value, basis, "车架号", check_frame_no(value))


def ccc_findings(ctx: RuleContext, rid: str, key: str, basis: Basis) -> list[Finding]:
    value = ctx.get(key)
    if value is None:
        return []
    return code_findings(rid, key, value, basis, "CCC证书编号", check_ccc_no(value, ctx.today))


# --- finding an existing registration (transfer, theft/loss) ---------------------------------------

STATUS_LABELS = {"stolen": "被盗", "lost": "遗失", "destroyed": "灭失"}  # statuses that block a transfer
STATUS_NAMES = {"registered": "正常", **STATUS_LABELS}  # every status, for messages


def lookup_fields(section: str) -> tuple[Field, ...]:
    return (
        Field("plate_no", "号牌号码", required=False, max_length=20, section=section,
              help="号牌号码与车架号至少填写一项"),
        Field("frame_no", "车架号（整车编码）", required=False, max_length=30, section=section),
    )


def find_registration(ctx: RuleContext, rid: str, basis: Basis) -> tuple[list[Finding], Mapping | None]:
    """Findings about the look-up and the registration found (None when there is none to use).

    Reads ``ctx.facts["registration"]``: a mapping with case_no, plate_no, frame_no, owner_name,
    status, registered_on (ISO date of the first registration) and last_transfer_on (ISO date the
    current owner acquired the bike by transfer, None when never transferred), optionally
    owner_id_type and owner_id_number; or None when the case layer found nothing.

    NOTE: a message that can reach a paper (a FAIL) names no owner and shows the register's own
    plate and frame numbers only masked (forms.checks.mask_id): the person at the window may not be
    the owner (issue 13).
    """
    plate, frame = normalize_code(ctx.get("plate_no")), normalize_code(ctx.get("frame_no"))
    if not plate and not frame:
        return [missing_info(rid, "请填写号牌号码或车架号（至少一项）以查找登记", basis, "plate_no")], None
    voided = voided_plate_finding(ctx, rid)
    if voided is not None:
        return [voided], None
    key = "plate_no" if plate else "frame_no"
    wanted = "、".join(x for x in (f"号牌{plate}" if plate else "", f"车架号{frame}" if frame else "") if x)
    if "registration" not in ctx.facts:
        return [Finding(rid, Outcome.MANUAL, f"未查询{wanted}的登记记录，请先查询", basis, Effect.WARN, key)], None
    reg = ctx.facts["registration"]
    if reg is None:
        return [Finding(rid, Outcome.FAIL, f"未找到该号牌/车架号的登记（{wanted}）", basis, Effect.REFUSE, key,
                        {"plate_no": plate, "frame_no": frame})], None
    facts = {k: reg.get(k) for k in ("case_no", "plate_no", "frame_no", "owner_name", "status")}
    out = []
    if plate and normalize_code(reg.get("plate_no")) != plate:
        out.append(Finding(rid, Outcome.FAIL, f"号牌{plate}与登记（案件{reg.get('case_no')}）的号牌"
                           f"{mask_code(reg.get('plate_no'))}不一致，请核对", basis, Effect.CORRECT, "plate_no", facts))
    if frame and normalize_code(reg.get("frame_no")) != frame:
        out.append(Finding(rid, Outcome.FAIL, f"车架号{frame}与登记（案件{reg.get('case_no')}）的车架号"
                           f"{mask_code(reg.get('frame_no'))}不一致，请核对", basis, Effect.CORRECT, "frame_no", facts))
    if out:
        return out, None
    return [Finding(rid, Outcome.PASS, f"已找到登记：案件{reg.get('case_no')}，号牌{reg.get('plate_no')}，"
                    f"所有人{reg.get('owner_name')}", basis, field=key, facts=facts)], reg


# --- voided plates (补领/换领, 灭失: desktop/cases/ebike_register.py) ---------------------------------

VOID_REASONS = {"lost": "号牌遗失补领", "damaged": "号牌损坏换领", "destroyed": "车辆灭失登记",
                "revoked": "补领/换领登记撤销"}


def voided_plate_finding(ctx: RuleContext, rid: str) -> Finding | None:
    """A refusal when the plate typed was voided (``ctx.facts["voided_plate"]``), else None.

    Every e-bike procedure that names a plate gets this fact from the case layer: a mapping with
    plate_no, reason (a VOID_REASONS key), voided_on, case_no (the case that voided it) and replaced_by
    (the plate issued instead, or None), or None / absent when the plate was never voided.
    """
    voided = ctx.facts.get("voided_plate")
    if not voided:
        return None
    # NOTE (第二十一条第二款: 禁止盗用、冒用…号牌): a voided plate may still be on the road; naming it is
    # refused, not corrected, and the message does not name the plate issued instead (the person at
    # the window may not be the owner); the clerk finds the bike by its frame number.
    when = voided.get("voided_on")
    when = when.isoformat() if isinstance(when, date) else str(when or "")
    reason = VOID_REASONS.get(voided.get("reason"), str(voided.get("reason")))
    return Finding(
        rid, Outcome.FAIL,
        f"号牌{voided.get('plate_no')}已于{when}作废（{reason}，案件{voided.get('case_no')}），"
        "作废的号牌不能再用于办理任何登记；请核对车辆现用号牌或按车架号查询",
        B("第二十一条"), Effect.REFUSE, "plate_no",
        {"plate_no": voided.get("plate_no"), "reason": voided.get("reason"), "case_no": voided.get("case_no")},
    )


def mask_code(value: str | None) -> str:
    """A plate or frame number as a paper for anyone may show it: THE masking rule (forms.checks.mask_id)."""
    return checks.mask_id(normalize_code(value)) if value else "（未发牌）"


def fact_date(reg: Mapping, key: str) -> date | None:
    """A date of the registration facts (an ISO string, or a date), None when absent or unreadable."""
    value = reg.get(key)
    return as_date(value) if isinstance(value, (date, str)) else None


def date_after_registration(rid: str, key: str, label: str, when: date, reg: Mapping, basis: Basis
                            ) -> Finding | None:
    """A field error when ``when`` lies before the bike's registration or its current owner's transfer."""
    registered, transferred = fact_date(reg, "registered_on"), fact_date(reg, "last_transfer_on")
    facts = {"date": when, "registered_on": registered, "last_transfer_on": transferred}
    # NOTE: nothing can be transferred, stolen or lost as a registered bike before it was registered
    # (第十五条 concerns 已登记的 bikes), nor by its current owner before they acquired it; such a date
    # is a typing error to correct, not a ground for refusal. The same day is possible.
    if registered is not None and when < registered:
        return Finding(rid, Outcome.FAIL, f"{label}{when.isoformat()}早于该车的登记日期{registered.isoformat()}，请核对",
                       basis, Effect.CORRECT, key, facts)
    if transferred is not None and when < transferred:
        return Finding(rid, Outcome.FAIL, f"{label}{when.isoformat()}早于该车上一次转移登记的转移日期"
                       f"{transferred.isoformat()}，请核对", basis, Effect.CORRECT, key, facts)
    return None


def same_person(reg: Mapping, id_type: str | None, id_number: str | None, name: str | None) -> bool | None:
    """True/False when the registration carries the owner's ID number; None when only names are known."""
    if reg.get("owner_id_number") and id_number:
        same_type = (reg.get("owner_id_type") or "resident_id") == (id_type or "resident_id")
        return same_type and normalize_code(reg["owner_id_number"]) == normalize_code(id_number)
    return None


def example_case_no(code: str, day: date, seq: int = 1, window: str = "01") -> str:
    """A well-formed case number (desktop.cases.numbers scheme) for the examples' facts."""
    # NOTE: python-stdnum is imported here, its one use: its import costs ≈ 3 ms, and this module is
    # loaded at start-up (the case list normalizes plate and frame numbers with it).
    from stdnum.iso7064 import mod_37_36

    body = f"{code}{window}{day:%y%m%d}{seq:04d}"
    return body + mod_37_36.calc_check_digit(body)


def example_registration(today: date) -> dict:
    """The registration the transfer and theft examples refer to (their facts contract)."""
    return {
        "case_no": example_case_no("DC", today - timedelta(days=200)),
        "plate_no": "郑A12345",
        "frame_no": "119TDT240512345",
        "owner_name": "张伟",
        "owner_id_type": "resident_id",
        "owner_id_number": "410105197501010019",
        "status": "registered",
        "registered_on": (today - timedelta(days=200)).isoformat(),
        "last_transfer_on": None,
    }


def owner_findings(ctx: RuleContext, rid: str, basis: Basis, procedure: str) -> list[Finding]:
    """The applicant must be the registered owner: their ID checked against the register's (第十五条).

    NOTE: a refusal names neither the owner nor their ID: the person at the window is not the owner,
    and the paper handed to them must not tell them who is (issue 13, point 5).
    """
    reg = ctx.facts.get("registration")
    if not reg:  # nothing to compare with: the look-up rule reports why
        return []
    key = "owner_id_number"
    same = same_person(reg, ctx.get("owner_id_type"), ctx.get("owner_id_number"), ctx.get("owner_name"))
    if same is True:
        return [Finding(rid, Outcome.PASS, "申请人证件与登记所有人一致", basis, field=key)]
    if same is False:
        return [Finding(rid, Outcome.FAIL, f"申请人证件与该车登记所有人不一致；{procedure}须由登记所有人本人申请",
                        basis, Effect.REFUSE, key)]
    if ctx.get("owner_id_number") is None:
        return [missing_info(rid, "请填写所有人证件号码，以核对登记所有人", basis, key)]
    # NOTE: the facts carry no registered ID number (an old record): the clerk compares the papers;
    # the case layer's accept hook compares the ID under the write lock in any case.
    return [Finding(rid, Outcome.MANUAL, "登记记录中无所有人证件号码，请核对申请人证件确认为登记所有人本人",
                    basis, Effect.WARN, key)]


def inspected_finding(ctx: RuleContext, rid: str, basis: Basis, why: str) -> Finding:
    """The bike was brought to the window and its frame number matched the register (现场交验)."""
    key = "vehicle_inspected"
    value = ctx.get(key)
    if value is None:
        return missing_info(rid, "请确认车辆已现场交验", basis, key)
    if value:
        return Finding(rid, Outcome.PASS, "车辆已现场交验，车架号与登记一致", basis, field=key)
    return Finding(rid, Outcome.FAIL, f"车辆须现场交验：{why}", basis, Effect.CORRECT, key)


def inspected_field(section: str, help: str) -> Field:
    return Field("vehicle_inspected", "车辆已现场交验，车架号与登记一致", Kind.BOOL, section=section, help=help)


def iso(value: Any) -> str:
    """A date from the facts (a date, or its ISO text after a JSON round trip) as ISO text."""
    return value.isoformat() if isinstance(value, date) else str(value or "")


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def example_plate_registration(today: date, status: str = "registered") -> dict:
    """The registration the 灭失/找回/号牌 examples refer to, with the dates their rules compare."""
    reg = {**example_registration(today), "status": status,
           "registered_on": (today - timedelta(days=200)).isoformat()}
    if status in ("stolen", "lost"):
        reg.update(status_since=(today - timedelta(days=20)).isoformat(),
                   status_case_no=example_case_no("DD", today - timedelta(days=19)),
                   police_report_no="J4101050000002025001234" if status == "stolen" else None)
    return reg


# --- what every procedure on a registered bike shares (灭失, 找回, 补领/换领) ----------------------


def on_a_bike_rules(prefix: str, what: str, basis: Basis) -> tuple[Rule, Rule]:
    """The frame-number format rule and the "applied for by the registered owner" rule of one procedure."""
    return (
        Rule(f"{prefix}.frame_no", "车架号（整车编码）格式", basis,
             lambda ctx: frame_findings(ctx, f"{prefix}.frame_no", "frame_no", basis)),
        Rule(f"{prefix}.owner", "由登记所有人申请", basis,
             lambda ctx: owner_findings(ctx, f"{prefix}.owner", basis, what)),
    )


# What every e-bike procedure decided at the window says of itself (desktop/cases/at_window.py names none):
# 第十四条 (查验并及时发放号牌；不予登记并书面说明理由) and 第十五条 (变更、转移、被盗/遗失、灭失登记).
AT_WINDOW = AtWindow(basis="《郑州市非机动车管理办法》第十四条、第十五条", register="电动自行车登记信息", subject="所涉车辆")


# The Service keywords of a procedure on a registered bike: the owner is the applicant, the bike is
# indexed by plate and frame, one open case per bike, refused in writing (第十四条), decided at the window.
ON_A_BIKE_SERVICE: dict[str, Any] = {
    "basis": Basis(DOC),
    "params_name": "ebike",
    "params_dir": PARAMS_DIR,
    "name_key": "owner_name",
    "id_key": "owner_id_number",
    "phone_key": "owner_phone",
    "extra_index": {"plate_no": "plate_no", "frame_no": "frame_no"},
    "duplicate_scope": ("frame_no",),
    "paper_titles": {"refusal": "不予登记通知书"},  # 第十四条: 不予登记并书面说明理由
    "decided_at_window": True,
    "at_window": AT_WINDOW,
}
