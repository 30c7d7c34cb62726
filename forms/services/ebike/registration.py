"""电动自行车登记上牌: form, materials and rules of 郑州市非机动车管理办法 第十三条、第十四条、第四十条.

Facts contract (passed by the case layer in ``assess(..., facts=...)``; forms never reads the database):

    facts["frame_registered"] = {"case_no": str, "plate_no": str | None, "status": str}
        an existing registration of the same frame number (looked up by
        ``forms.services.ebike.common.normalize_code(answers["frame_no"])``): the case is refused, naming it;
    facts["frame_registered"] = None
        looked up, none found; with facts["frame_register_scope"] = "standalone" the look-up covered
        only this PC's own register (a standalone PC, issue 13): a warning says so;
    key absent
        not looked up: a "needs manual check" finding 未查询车架号是否已登记 (never a silent pass).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from forms.model import Basis, Effect, Field, Finding, Kind, Material, Outcome, RuleContext
from forms.promised import promised_deadline
from forms.service import Service, missing_info, rule
from forms.services.ebike import common as ec, inspection, standard as es

B = ec.B

# NOTE: the absurd-value bounds below are form errors (the clerk mistyped), not refusals; they
# are far outside any e-bike so that a real but non-conforming value (say 45 km/h) still reaches
# the standard rule and is refused with its reason (第十四条).
FIELDS = (
    Field("brand", "品牌", max_length=40, section="车辆信息"),
    Field("model", "车型（型号）", max_length=40, section="车辆信息"),
    Field("ccc_cert_no", "强制性产品认证（CCC）证书编号", max_length=30, section="车辆信息", help="16位数字"),
    Field(
        "ccc_in_catalog", "经查询该车型已列入电动自行车强制性产品认证目录且证书有效", Kind.BOOL, section="车辆信息",
        help="第八条：目录由市场监督管理部门公告；第十三条：须已纳入认证目录",
    ),
    Field("frame_no", "车架号（整车编码）", max_length=30, section="车辆信息", help="15位，见整车合格证和车架钢印"),
    Field("motor_no", "电机号", max_length=40, section="车辆信息"),
    Field("colour", "车身颜色", max_length=20, section="车辆信息"),
    Field("purchase_date", "购车日期", Kind.DATE, not_future=True, section="车辆信息"),
    Field("battery_type", "蓄电池类型", Kind.CHOICE, choices=es.BATTERY_TYPES, section="车辆信息"),
    Field(
        "standard_edition", "合格证标注的执行标准", Kind.CHOICE, choices=es.STANDARD_EDITIONS,
        section="合格证技术参数", help="第十三条：须符合强制性国家标准；按车辆生产所执行的GB 17761版本审查",
    ),
    Field("max_speed", "最高设计车速（km/h）", Kind.DECIMAL, minimum=1, maximum=100, section="合格证技术参数"),
    Field("mass", "整车质量（含蓄电池，kg）", Kind.DECIMAL, minimum=1, maximum=500, section="合格证技术参数"),
    Field("motor_power", "电动机额定连续输出功率（W）", Kind.INTEGER, minimum=1, maximum=10000, section="合格证技术参数"),
    Field("battery_voltage", "蓄电池标称电压（V）", Kind.DECIMAL, minimum=1, maximum=200, section="合格证技术参数"),
    Field("pedalling", "具有脚踏骑行能力", Kind.BOOL, section="合格证技术参数"),
    *inspection.FIELDS,
    *ec.owner_fields("owner", "所有人", "所有人"),
    Field(
        "plate_no", "号牌号码", required=False, max_length=20, section="号牌",
        help="由号牌库分配，发牌时填写；受理时可空",
    ),
)

MATERIALS = (
    Material("application_form", "电动自行车登记申请表", B("第十四条第一款（一）")),
    Material("owner_id", "所有人身份证明", B("第十四条第一款（二）")),
    Material(
        "purchase_invoice", "购车凭证（购车发票）", B("第十四条第一款（三）"), alternatives=("origin_proof",),
    ),
    Material("origin_proof", "其他合法来历证明材料", B("第十四条第一款（三）"), required=False),
    Material("conformity_cert", "车辆整车合格证明（整车合格证）", B("第十四条第一款（四）")),
)


@rule("dc.frame_no", "车架号（整车编码）格式", B("第十四条"))
def frame_no(ctx: RuleContext) -> list[Finding]:
    return ec.frame_findings(ctx, "dc.frame_no", "frame_no", B("第十四条"))


@rule("dc.ccc", "强制性产品认证", B("第十三条"))
def ccc(ctx: RuleContext) -> list[Finding]:
    out = ec.ccc_findings(ctx, "dc.ccc_cert_no", "ccc_cert_no", B("第十三条"))
    listed = ctx.get("ccc_in_catalog")
    rid = "dc.ccc_catalog"
    if listed is None:
        out.append(missing_info(rid, "请查询并确认该车型是否已列入电动自行车强制性产品认证目录", B("第十三条"),
                                "ccc_in_catalog"))
    elif listed:
        out.append(Finding(rid, Outcome.PASS, "车型已列入电动自行车强制性产品认证目录", B("第十三条"),
                           field="ccc_in_catalog"))
    else:
        out.append(Finding(rid, Outcome.FAIL, "车型未纳入电动自行车强制性产品认证目录（或证书无效），不予登记",
                           B("第十三条"), Effect.REFUSE, "ccc_in_catalog"))
    return out


@rule("dc.standard", "符合车辆生产所执行的强制性国家标准", B("第十三条"))
def standard(ctx: RuleContext) -> list[Finding]:
    # NOTE (issue 13): judged by the edition of GB 17761 the bike was made to, if that edition could
    # still be lawfully sold on the purchase date (forms.services.ebike.common._edition). Issue 4 judged by
    # the edition in force on the application date, which refused lawful 2018-standard bikes after
    # 2025-09-01 and, with unconfirmed limits, let a 45 km/h bike through.
    return es.standard_findings(ctx, "dc.standard")


@rule("dc.inspected", "现场查验车辆", B("第十四条"))
def inspected(ctx: RuleContext) -> list[Finding]:
    # NOTE (issue 13): the clerk records each comparison of the bike with its 合格证 (frame number,
    # motor number, the certificate's description); unanswered is missing, a mismatch is 不予登记.
    return inspection.findings(ctx, "dc.inspected")


@rule("dc.window", "购车之日起30日内申请", B("第十四条"))
def window(ctx: RuleContext) -> Finding:
    rid = "dc.window"
    bought = ctx.get("purchase_date")
    if bought is None:
        return missing_info(rid, "请填写购车日期", B("第十四条"), "purchase_date")
    in_force = ctx.params["measures_in_force"]
    if bought < in_force:
        start, days, basis = in_force, ctx.params["transition_window_days"], B("第四十条第一款")
        since = f"本办法施行之日（{in_force.isoformat()}）"
    else:
        start, days, basis = bought, ctx.params["registration_window_days"], B("第十四条")
        since = f"购车之日（{bought.isoformat()}）"
    # NOTE: "自…之日起30日内": the start day is not counted (民法典 第二百零一条), so the last day is
    # start + 30; bought 2021-03-01 → last day 2021-05-31 (第四十条). A last day on a holiday is
    # not moved (民法典 第二百零三条) because rules get no work calendar (RuleContext has none) and
    # lateness only warns, so the applicant loses nothing by it.
    last = start + timedelta(days=days)
    facts = {"purchase_date": bought, "start": start, "last_day": last, "days": days}
    if ctx.today <= last:
        return Finding(rid, Outcome.PASS, f"自{since}起{days}日内申请（期限至{last.isoformat()}）", basis,
                       field="purchase_date", facts=facts)
    # NOTE: a late application is still registered (FAIL + WARN, never REFUSE): the measures set
    # no consequence for applying late; they fine riding an unregistered bike (第三十七条第（一）项,
    # 50 yuan, by 公安交管 on the road, not by this window), and refusing would keep the bike
    # unregistered, against the purpose of 第十三条. The clerk tells the applicant so.
    late = (ctx.today - last).days
    return Finding(
        rid, Outcome.FAIL,
        f"已超过申请期限：应自{since}起{days}日内（{last.isoformat()}前）申请，逾期{late}日；仍予受理登记。"
        "未登记的电动自行车不得上道路行驶，违者依第三十七条第（一）项处以罚款",
        basis, Effect.WARN, "purchase_date", {**facts, "days_late": late},
    )


@rule("dc.frame_unique", "同一车架号不得重复登记", B("第十四条"))
def frame_unique(ctx: RuleContext) -> Finding:
    rid, basis = "dc.frame_unique", B("第十四条")
    frame = ec.normalize_code(ctx.get("frame_no"))
    if not frame:
        return missing_info(rid, "请填写车架号，以查询是否已登记", basis, "frame_no")
    if "frame_registered" not in ctx.facts:
        return Finding(rid, Outcome.MANUAL, "未查询车架号是否已登记，请查询后再受理", basis, Effect.WARN, "frame_no",
                       {"frame_no": frame})
    existing = ctx.facts["frame_registered"]
    if existing is None and ctx.facts.get("frame_register_scope") == "standalone":
        # NOTE: a standalone PC sees only its own register; the clerk is told so at every registration.
        return Finding(rid, Outcome.MANUAL, f"本机登记库中车架号{frame}未曾登记。本机为单机模式，其他窗口电脑上的登记"
                       "无法查询，请通过公安机关交通管理部门的系统核实该车架号未在别处登记", basis, Effect.WARN,
                       "frame_no", {"frame_no": frame, "scope": "standalone"})
    if existing is None:
        return Finding(rid, Outcome.PASS, f"车架号{frame}未曾登记", basis, field="frame_no", facts={"frame_no": frame})
    status = existing.get("status")
    # NOTE: the person at the window may not be the owner of the registered bike: its plate masked.
    message = (
        f"车架号{frame}已登记：案件{existing.get('case_no')}，号牌{ec.mask_code(existing.get('plate_no'))}，"
        f"状态{ec.STATUS_NAMES.get(status, status)}。同一车架号不能重复登记，不予登记"
    )
    if status in ("stolen", "lost"):
        message += f"；该车已登记为{ec.STATUS_LABELS[status]}，请报告公安机关核查"
    elif status == "destroyed":
        message += "；该车已办理灭失登记，登记已终止，其车架号永久不得再次登记"
    return Finding(rid, Outcome.FAIL, message, basis, Effect.REFUSE, "frame_no",
                   {"frame_no": frame, "existing": dict(existing)})


@rule("dc.plate_voided", "作废号牌不得使用", B("第二十一条"))
def plate_voided(ctx: RuleContext) -> Finding | None:
    # A plate typed here that was voided (补领/换领, 灭失) is refused by name (forms.services.ebike.common).
    return ec.voided_plate_finding(ctx, "dc.plate_voided")


@rule("dc.scope", "本办法适用的区域", B("第三条"))
def scope(ctx: RuleContext) -> Finding:
    return ec.scope_finding(ctx, "dc.scope", "owner_district")


# NOTE: the deadline is the hall's 承诺办结时限, not the measures': 第十四条 says only "及时" and
# gives no number of days, so the value is a parameter whose source says it is a default the
# hall's 办事指南 replaces (forms/services/ebike/ebike.toml, issue 14).


def example(today: date) -> dict:
    """A complete first registration that is accepted on ``today``."""
    return {
        "answers": {
            "brand": "雅迪",
            "model": "TDT1234Z",
            "ccc_cert_no": "2024011119123456",
            "ccc_in_catalog": True,
            "frame_no": "119TDT240512345",
            "motor_no": "M24A001234",
            "colour": "白色",
            "purchase_date": (today - timedelta(days=5)).isoformat(),
            "battery_type": "lithium",
            # A bike sold new today is made to the edition in force (GB 17761-2024 from 2025-09-01).
            "standard_edition": "gb17761_2024" if today >= date(2025, 9, 1) else "gb17761_2018",
            "max_speed": 25,
            "mass": "50.5",
            "motor_power": 350,
            "battery_voltage": 48,
            "pedalling": True,
            "inspect_frame": "match",
            "inspect_motor": "match",
            "inspect_certificate": "match",
            "owner_id_type": "resident_id",
            "owner_id_number": "410105197501010019",
            "owner_name": "张伟",
            "owner_phone": "13800138000",
            "owner_district": "410105",
            "owner_address": "郑州市金水区花园路10号",
        },
        "materials": {
            "application_form": "provided",
            "owner_id": "provided",
            "purchase_invoice": "provided",
            "conformity_cert": "provided",
        },
        "facts": {"frame_registered": None},
    }


SERVICE = Service(
    service_id="ebike_registration",
    name="电动自行车登记上牌",
    code="DC",
    basis=Basis(ec.DOC),
    version="2025.1",
    fields=FIELDS,
    materials=MATERIALS,
    rules=(frame_no, ccc, standard, inspected, window, frame_unique, scope, plate_voided),
    params_name="ebike",
    params_dir=ec.PARAMS_DIR,
    deadlines=promised_deadline("registration_promised_days"),
    example=example,
    description="电动自行车所有人自购车之日起30日内申请登记上牌（郑州市非机动车管理办法 第十三条、第十四条）",
    name_key="owner_name",
    id_key="owner_id_number",
    phone_key="owner_phone",
    extra_index={"plate_no": "plate_no", "frame_no": "frame_no"},
    duplicate_scope=("frame_no",),  # a person may register several bikes: the same application is the same bike
    paper_titles={"refusal": "不予登记通知书"},  # 第十四条: 不予登记并书面说明理由
    order=20,
    collects="号牌和登记证明",
    # NOTE (issue 13): 第十四条 — 对符合条件的，应当对车辆进行查验并及时发放号牌；对不符合条件的，不予登记
    # 并书面说明理由: inspected, registered and the plate issued in the same sitting, no review after it.
    decided_at_window=True,
    at_window=replace(ec.AT_WINDOW, inspection=inspection.INSPECTION),  # 第十四条: 对车辆进行查验
    window_action="登记并发牌",
    upgrade_answers=inspection.upgrade,
)
