"""电动自行车号牌补领、换领: a lost or damaged plate replaced under a new number, the old one voided (第十五条、第二十一条).

Facts contract (passed by the case layer; forms never reads the database):

    facts["registration"] = {"case_no", "plate_no", "frame_no", "owner_name", "owner_id_type",
                             "owner_id_number", "status"}
        the registration found by plate and/or frame number (``forms.services.ebike.common.normalize_code``
        form). status "registered" → a plate may be replaced; "stolen" / "lost" → refused (找回登记
        first); "destroyed" → refused; a registration without a plate → refused (nothing to replace);
    facts["registration"] = None
        looked up, none found → refused 未找到该号牌/车架号的登记;
    facts["voided_plate"] = {"plate_no", "reason", "voided_on", "case_no", "replaced_by"}
        the plate typed was voided already (a second 补领 naming the old plate) → refused;
    "registration" absent
        not looked up → "needs manual check".

What accepting does (desktop/cases/ebike_register.py): a new plate number from the pool
(``desktop.cases.services.ebike.plates.allocate``) becomes the registration's; the old one is recorded in
ebike_voided_plates (with the number that replaced it and this case), so a search finds it and every
later procedure that names it is refused (``forms.services.ebike.common.voided_plate_finding``).
"""

from __future__ import annotations

from datetime import date

from forms.model import Effect, Field, Finding, Kind, Material, Outcome, RuleContext, When
from forms.promised import promised_deadline
from forms.service import Service, missing_info, rule
from forms.services.ebike import common as ec

B = ec.B
BASIS = B("第十五条")

# NOTE (a new number, decided here): a replaced plate gets a NEW number, whether it was lost (补领)
# or damaged (换领), and the old number is voided for good. Why: 第二十一条第二款 forbids 盗用、冒用
# plates, and a lost plate is still somewhere on the road; under the same number a road check could
# not tell it from the real one, while a voided number is recognisably false. A damaged plate is
# handed back, but one rule for both keeps the register simple and a number once issued stands for
# one physical plate (the pool only counts forward, desktop/cases/plates.py). The measures name no
# rule of their own for replacing a plate (第十五条 lists the registrations, 第二十一条 the duty to keep
# the plate 完整、清晰); the motor-vehicle practice of keeping the number rests on plates and papers
# this register does not have, and was not followed.
PLATE_EVENTS = (("lost", "号牌遗失（补领）"), ("damaged", "号牌损坏（换领）"))
damaged = When("plate_event", equals="damaged")

FIELDS = (
    *ec.lookup_fields("车辆"),
    Field("plate_event", "申请事由", Kind.CHOICE, choices=PLATE_EVENTS, section="补领换领"),
    ec.inspected_field("补领换领", "新号牌当场安装；核对车架号与登记一致（第二十一条第二款：禁止盗用、冒用号牌）"),
    *ec.owner_fields("owner", "所有人", "所有人", address=False),
)

# NOTE: the measures name no materials for a replacement (第十三条第三款's detailed rules are not among
# our sources); the owner's application and ID, and for a damaged plate the plate itself, which is
# collected so that no second plate of this bike stays in use.
MATERIALS = (
    Material("application_form", "电动自行车号牌补领/换领申请表", BASIS),
    Material("owner_id", "所有人身份证明", BASIS),
    Material("damaged_plate", "损坏的原号牌（交回）", B("第二十一条"), required_when=damaged),
)


@rule("dp.registration", "查找登记并核对状态", BASIS)
def registration(ctx: RuleContext) -> list[Finding]:
    out, reg = ec.find_registration(ctx, "dp.registration", BASIS)
    if reg is None:
        return out
    status, case_no = reg.get("status"), reg.get("case_no")
    facts = {"status": status, "case_no": case_no}
    if status in ("stolen", "lost"):
        out.append(Finding("dp.status", Outcome.FAIL,
                           f"该车已登记为{ec.STATUS_LABELS[status]}，不能补领或换领号牌；车辆找回的，请先办理找回登记",
                           BASIS, Effect.REFUSE, "plate_no", facts))
    elif status == "destroyed":
        out.append(Finding("dp.status", Outcome.FAIL, "该车已登记为灭失，登记已经终止，不能补领或换领号牌",
                           BASIS, Effect.REFUSE, "plate_no", facts))
    elif not reg.get("plate_no"):
        out.append(Finding("dp.status", Outcome.FAIL, f"该车登记（案件{case_no}）尚未核发号牌，无号牌可补领或换领",
                           BASIS, Effect.REFUSE, "plate_no", facts))
    else:
        out.append(Finding("dp.status", Outcome.PASS, "该车登记状态正常，可以补领或换领号牌", BASIS, field="plate_no",
                           facts=facts))
    return out


frame_no, owner = ec.on_a_bike_rules("dp", "补领、换领号牌", BASIS)


@rule("dp.event", "申请事由", B("第二十一条"))
def event(ctx: RuleContext) -> Finding:
    rid, basis = "dp.event", B("第二十一条")
    kind = ctx.get("plate_event")
    if kind is None:
        return missing_info(rid, "请选择申请事由（号牌遗失或损坏）", basis, "plate_event")
    reg = ctx.facts.get("registration") or {}
    old = reg.get("plate_no") or ec.normalize_code(ctx.get("plate_no")) or "原号牌"
    verb = "补领" if kind == "lost" else "换领"
    return Finding(rid, Outcome.PASS, f"{dict(PLATE_EVENTS)[kind]}：核发新号牌号码，原号牌{old}作废，不再使用",
                   basis, field="plate_event", facts={"event": kind, "verb": verb})


@rule("dp.inspected", "车辆现场交验", B("第二十一条"))
def inspected(ctx: RuleContext) -> Finding:
    return ec.inspected_finding(ctx, "dp.inspected", B("第二十一条"),
                                "新号牌须对照车辆核发并当场安装，请将车辆送至登记点")


# NOTE: the measures give no handling time; the deadline is the hall's 承诺办结时限, a parameter
# (forms/services/ebike/ebike.toml).


def example(today: date) -> dict:
    """A lost plate replaced on ``today``."""
    return {
        "answers": {
            "plate_no": "郑A12345",
            "frame_no": "119TDT240512345",
            "plate_event": "lost",
            "vehicle_inspected": True,
            "owner_id_type": "resident_id",
            "owner_id_number": "410105197501010019",
            "owner_name": "张伟",
            "owner_phone": "13800138000",
        },
        "materials": {"application_form": "provided", "owner_id": "provided"},
        "facts": {"registration": ec.example_plate_registration(today), "voided_plate": None},
    }


SERVICE = Service(
    **ec.ON_A_BIKE_SERVICE,
    service_id="ebike_plate",
    name="电动自行车号牌补领、换领",
    code="DP",
    version="2026.1",
    fields=FIELDS,
    materials=MATERIALS,
    rules=(registration, frame_no, owner, event, inspected),
    deadlines=promised_deadline("plate_promised_days"),
    example=example,
    description="电动自行车号牌遗失补领、损坏换领：核发新号牌，原号牌作废（郑州市非机动车管理办法 第十五条、第二十一条）",
    order=33,  # after the subsidy: Ctrl+1…Ctrl+5 keep their services
    collects="新号牌和号牌登记证明",
    window_action="补领/换领号牌",
)
