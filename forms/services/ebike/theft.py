"""电动自行车被盗、遗失登记: form, materials and rules of 郑州市非机动车管理办法 第十五条.

Facts contract (passed by the case layer; forms never reads the database):

    facts["registration"] = {"case_no", "plate_no", "frame_no", "owner_name", "status",
                             "registered_on", "last_transfer_on"}
        the registration found by plate and/or frame number (``forms.services.ebike.common.normalize_code``
        form), optionally with "owner_id_type" / "owner_id_number" to check that the applicant is
        the owner. status "stolen" or "lost" with the same kind → refused as already reported;
        the other kind → manual check; "destroyed" → refused. A theft/loss date before
        registered_on, or before last_transfer_on (the current owner's acquisition; None when never
        transferred), is a field error on loss_date; absent → not checked;
    facts["registration"] = None
        looked up, none found → refused 未找到该号牌/车架号的登记;
    key absent
        not looked up → "needs manual check".
"""

from __future__ import annotations

from datetime import date

from forms.model import Basis, Effect, Field, Finding, Kind, Material, Outcome, RuleContext, When
from forms.promised import promised_deadline
from forms.service import Service, missing_info, rule
from forms.services.ebike import common as ec

B = ec.B
BASIS = B("第十五条")

REPORT_KINDS = (("stolen", "被盗"), ("lost", "遗失"))
is_theft = When("report_kind", equals="stolen")

FIELDS = (
    *ec.lookup_fields("车辆"),
    Field("report_kind", "登记类型", Kind.CHOICE, choices=REPORT_KINDS, section="被盗遗失情况"),
    Field("loss_date", "被盗/遗失日期", Kind.DATE, not_future=True, section="被盗遗失情况"),
    Field("loss_place", "被盗/遗失地点", required=False, max_length=100, section="被盗遗失情况"),
    Field(
        "police_report_no", "报案回执编号", max_length=40, section="被盗遗失情况", visible_when=is_theft,
        help="被盗的，先向公安机关报案",
    ),
    *ec.owner_fields("owner", "所有人", "所有人", address=False),
)

# NOTE: 第十五条 only says the owner "可以向公安机关交通管理部门登记"; it names no materials. The
# police report receipt for a theft is what issue 4 asks for (a theft is a crime reported to the
# police first); the detailed rules (第十三条第三款) are not among our sources.
MATERIALS = (
    Material("application_form", "电动自行车被盗/遗失登记申请表", BASIS),
    Material("owner_id", "所有人身份证明", BASIS),
    Material("police_receipt", "公安机关报案回执", BASIS, required_when=is_theft),
)


@rule("dd.registration", "查找登记并核对状态", BASIS)
def registration(ctx: RuleContext) -> list[Finding]:
    out, reg = ec.find_registration(ctx, "dd.registration", BASIS)
    if reg is None:
        return out
    status, kind = reg.get("status"), ctx.get("report_kind")
    case_no = reg.get("case_no")
    facts = {"status": status, "case_no": case_no}
    if status == "destroyed":
        out.append(Finding("dd.status", Outcome.FAIL, f"该车已登记为灭失（案件{case_no}），不能再登记被盗或遗失",
                           BASIS, Effect.REFUSE, "plate_no", facts))
    elif status in ("stolen", "lost") and kind is None:
        out.append(missing_info("dd.status", "请选择登记类型（被盗或遗失）", BASIS, "report_kind"))
    elif status in ("stolen", "lost") and status == kind:
        # NOTE: REFUSE, not CORRECT: nothing at the window can make a second report of the same
        # loss acceptable; the written reason tells the owner the first one stands.
        out.append(Finding(
            "dd.status", Outcome.FAIL,
            f"该车已登记为{ec.STATUS_LABELS[status]}（案件{case_no}），无需重复登记；可凭原登记查询处理进展",
            BASIS, Effect.REFUSE, "report_kind", facts,
        ))
    elif status in ("stolen", "lost"):
        # NOTE: lost → stolen (or back) is a change of what happened, e.g. a bike first thought
        # lost turns out stolen: recorded, with a manual check of the earlier registration.
        out.append(Finding(
            "dd.status", Outcome.MANUAL,
            f"该车已登记为{ec.STATUS_LABELS[status]}（案件{case_no}），现申请登记为{dict(REPORT_KINDS)[kind]}：请核实并更新原登记",
            BASIS, Effect.WARN, "report_kind", facts,
        ))
    else:
        out.append(Finding("dd.status", Outcome.PASS, "该车尚未登记被盗、遗失或灭失", BASIS, field="plate_no",
                           facts=facts))
    return out


@rule("dd.frame_no", "车架号（整车编码）格式", BASIS)
def frame_no(ctx: RuleContext) -> list[Finding]:
    return ec.frame_findings(ctx, "dd.frame_no", "frame_no", BASIS)


@rule("dd.owner", "由所有人登记", BASIS)
def owner(ctx: RuleContext) -> list[Finding]:
    rid = "dd.owner"
    reg = ctx.facts.get("registration")
    if not reg:
        return []
    same = ec.same_person(reg, ctx.get("owner_id_type"), ctx.get("owner_id_number"), ctx.get("owner_name"))
    if same is True:
        return [Finding(rid, Outcome.PASS, "申请人为登记所有人", BASIS, field="owner_id_number")]
    if same is False:
        # NOTE: the refusal is handed to someone who is not the owner: it names no owner (issue 13).
        return [Finding(rid, Outcome.FAIL, "申请人不是该车的登记所有人；被盗、遗失登记由所有人申请",
                        BASIS, Effect.REFUSE, "owner_id_number")]
    name = ctx.get("owner_name")
    if name is None:
        return [missing_info(rid, "请填写所有人姓名", BASIS, "owner_name")]
    if name != reg.get("owner_name"):
        # NOTE: a name alone cannot prove who someone is (names change, records have typos):
        # without the registered ID number in the facts the clerk compares the papers.
        return [Finding(rid, Outcome.MANUAL, f"申请人姓名{name}与登记所有人{reg.get('owner_name')}不一致，请核对证件",
                        BASIS, Effect.WARN, "owner_name")]
    return [Finding(rid, Outcome.MANUAL, f"申请人与登记所有人同名（{name}），请核对证件确认为所有人本人",
                    BASIS, Effect.WARN, "owner_name")]


@rule("dd.report", "被盗报案、日期", BASIS)
def report(ctx: RuleContext) -> Finding:
    rid = "dd.report"
    kind, when = ctx.get("report_kind"), ctx.get("loss_date")
    if kind is None:
        return missing_info(rid, "请选择登记类型（被盗或遗失）", BASIS, "report_kind")
    if when is None:
        return missing_info(rid, "请填写被盗/遗失日期", BASIS, "loss_date")
    reg = ctx.facts.get("registration")
    wrong = ec.date_after_registration(rid, "loss_date", "被盗/遗失日期", when, reg, BASIS) if reg else None
    if wrong is not None:
        return wrong
    if kind == "stolen":
        number = ctx.get("police_report_no")
        if number is None:
            return missing_info(rid, "车辆被盗的，请填写公安机关报案回执编号", BASIS, "police_report_no")
        return Finding(rid, Outcome.PASS, f"{when.isoformat()}被盗，已报案（回执{number}）", BASIS,
                       field="police_report_no", facts={"kind": kind, "date": when})
    return Finding(rid, Outcome.PASS, f"{when.isoformat()}遗失", BASIS, field="loss_date",
                   facts={"kind": kind, "date": when})


# NOTE: 第十五条 gives no handling time, and no time limit for reporting; the deadline is the hall's
# 承诺办结时限, a parameter (forms/services/ebike/ebike.toml, issue 14).


def example(today: date) -> dict:
    """A complete theft registration that is accepted on ``today``."""
    return {
        "answers": {
            "plate_no": "郑A12345",
            "frame_no": "119TDT240512345",
            "report_kind": "stolen",
            # NOTE: today, so the example stays acceptable for a bike registered the same day (a date
            # before the registration is a field error, issue 13).
            "loss_date": today.isoformat(),
            "loss_place": "郑州市金水区花园路10号小区门口",
            "police_report_no": "J4101050000002025001234",
            "owner_id_type": "resident_id",
            "owner_id_number": "410105197501010019",
            "owner_name": "张伟",
            "owner_phone": "13800138000",
        },
        "materials": {"application_form": "provided", "owner_id": "provided", "police_receipt": "provided"},
        "facts": {"registration": ec.example_registration(today)},
    }


SERVICE = Service(
    service_id="ebike_theft",
    name="电动自行车被盗、遗失登记",
    code="DD",
    basis=Basis(ec.DOC),
    version="2025.1",
    fields=FIELDS,
    materials=MATERIALS,
    rules=(registration, frame_no, owner, report),
    params_name="ebike",
    params_dir=ec.PARAMS_DIR,
    deadlines=promised_deadline("theft_promised_days"),
    example=example,
    description="已登记电动自行车被盗、遗失的登记（郑州市非机动车管理办法 第十五条）",
    name_key="owner_name",
    id_key="owner_id_number",
    phone_key="owner_phone",
    extra_index={"plate_no": "plate_no", "frame_no": "frame_no"},
    duplicate_scope=("frame_no",),  # a person may register several bikes: the same application is the same bike
    paper_titles={"refusal": "不予登记通知书"},  # 第十四条: 不予登记并书面说明理由
    order=22,
    # NOTE (issue 13): 第十五条 (可以向公安机关交通管理部门登记) is recorded at the window on the
    # owner's report; nothing in the measures asks for a review after it.
    decided_at_window=True,
    at_window=ec.AT_WINDOW,
    window_action="办理被盗/遗失登记",
)
