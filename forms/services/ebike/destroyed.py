"""电动自行车灭失登记: form, materials and rules of 郑州市非机动车管理办法 第十五条 (a bike that no longer exists).

Facts contract (passed by the case layer; forms never reads the database):

    facts["registration"] = {"case_no", "plate_no", "frame_no", "owner_name", "owner_id_type",
                             "owner_id_number", "status", "registered_on"}
        the registration found by plate and/or frame number (``forms.services.ebike.common.normalize_code``
        form); "registered_on" (a date or ISO text) bounds the date of the loss. status "registered",
        "stolen" or "lost" may be registered as destroyed ("stolen"/"lost" with a manual check);
        "destroyed" → refused (the registration has ended already);
    facts["registration"] = None
        looked up, none found → refused 未找到该号牌/车架号的登记;
    facts["voided_plate"] = {"plate_no", "reason", "voided_on", "case_no", "replaced_by"}
        the plate typed was voided earlier (补领/换领 or 灭失) → refused, naming the case that voided it;
        None or absent: the plate was never voided;
    "registration" absent
        not looked up → "needs manual check".

What accepting does (desktop/cases/ebike_register.py): the registration's status becomes
"destroyed" for good (a status history row), its plate number is recorded as voided, the frame
number stays in the register so 登记上牌 refuses it forever (dc.frame_unique), and the plate pool
never issues the number again (it only counts forward).
"""

from __future__ import annotations

from datetime import date, timedelta

from forms.model import Effect, Field, Finding, Kind, Material, Outcome, RuleContext
from forms.promised import promised_deadline
from forms.service import Service, missing_info, rule
from forms.services.ebike import common as ec

B = ec.B
BASIS = B("第十五条")

CAUSES = (
    ("scrapped", "报废拆解"),
    ("fire", "火灾烧毁"),
    ("accident", "交通事故损毁"),
    ("disaster", "自然灾害损毁"),
    ("other", "其他原因灭失"),
)

FIELDS = (
    *ec.lookup_fields("车辆"),
    Field("destroyed_cause", "灭失原因", Kind.CHOICE, choices=CAUSES, section="灭失情况"),
    Field("destroyed_date", "灭失日期", Kind.DATE, not_future=True, section="灭失情况"),
    Field("plate_returned", "原号牌已交回", Kind.BOOL, section="灭失情况",
          help="号牌随车烧毁或遗失的，号牌号码同样作废"),
    *ec.owner_fields("owner", "所有人", "所有人", address=False),
)

# NOTE: 第十五条 names no materials for a 灭失 registration (the detailed rules of 第十三条第三款 are not
# among our sources). The owner's application and ID are what any registration by the owner needs; a
# proof of the loss (a scrapping certificate, a fire or accident report) is taken when there is one,
# since a bike burnt in a fire rarely comes with papers: optional and non-core.
MATERIALS = (
    Material("application_form", "电动自行车灭失登记申请表", BASIS),
    Material("owner_id", "所有人身份证明", BASIS),
    Material("loss_proof", "灭失情况证明（报废拆解证明、火灾或事故证明等）", BASIS, required=False, core=False,
             help="有则提交"),
)


@rule("dm.registration", "查找登记并核对状态", BASIS)
def registration(ctx: RuleContext) -> list[Finding]:
    out, reg = ec.find_registration(ctx, "dm.registration", BASIS)
    if reg is None:
        return out
    status, case_no = reg.get("status"), reg.get("case_no")
    facts = {"status": status, "case_no": case_no}
    if status == "destroyed":
        out.append(Finding("dm.status", Outcome.FAIL, f"该车已登记为灭失（案件{case_no}），登记已经终止，无需重复登记",
                           BASIS, Effect.REFUSE, "plate_no", facts))
    elif status in ("stolen", "lost"):
        # NOTE: a bike reported stolen or lost may be found destroyed (burnt out, scrapped by the
        # thief): the owner may register that, and it ends the theft record with the registration.
        out.append(Finding("dm.status", Outcome.MANUAL,
                           f"该车已登记为{ec.STATUS_LABELS[status]}：请核实车辆确已灭失（例如找回时已损毁），"
                           f"灭失登记后{ec.STATUS_LABELS[status]}登记随之终止",
                           BASIS, Effect.WARN, "plate_no", facts))
    else:
        out.append(Finding("dm.status", Outcome.PASS, "该车登记状态正常，可以办理灭失登记", BASIS, field="plate_no",
                           facts=facts))
    return out


frame_no, owner = ec.on_a_bike_rules("dm", "灭失登记", BASIS)


@rule("dm.destroyed", "灭失原因和日期", BASIS)
def destroyed(ctx: RuleContext) -> Finding:
    rid = "dm.destroyed"
    cause, when = ctx.get("destroyed_cause"), ctx.get("destroyed_date")
    if cause is None:
        return missing_info(rid, "请选择灭失原因", BASIS, "destroyed_cause")
    if when is None:
        return missing_info(rid, "请填写灭失日期", BASIS, "destroyed_date")
    reg = ctx.facts.get("registration") or {}
    registered = ec.as_date(reg.get("registered_on"))
    if registered is not None and when < registered:
        # NOTE: a date before the registration cannot be the loss of this registered bike: a typo
        # to correct, not a refusal (the same rule as a transfer's date, issue 13 point 5).
        return Finding(rid, Outcome.FAIL, f"灭失日期{when.isoformat()}早于该车登记日期{registered.isoformat()}，请核对",
                       BASIS, Effect.CORRECT, "destroyed_date", {"date": when, "registered_on": registered})
    label = dict(CAUSES)[cause]
    return Finding(rid, Outcome.PASS, f"{when.isoformat()}因{label}灭失", BASIS, field="destroyed_date",
                   facts={"cause": cause, "date": when})


@rule("dm.plate", "号牌交回并作废", B("第二十一条"))
def plate(ctx: RuleContext) -> Finding:
    rid, basis = "dm.plate", B("第二十一条")
    returned = ctx.get("plate_returned")
    if returned is None:
        return missing_info(rid, "请确认原号牌是否已交回", basis, "plate_returned")
    if returned:
        return Finding(rid, Outcome.PASS, "原号牌已交回，登记后号牌号码作废，不再核发", basis, field="plate_returned")
    # NOTE: the plate is voided all the same, so a plate that survived its bike cannot be mounted on
    # another one unnoticed (第二十一条第二款 禁止盗用、冒用号牌): a warning, never a bar.
    return Finding(rid, Outcome.FAIL, "原号牌未交回：登记后号牌号码仍予作废，不再核发，任何人不得再使用该号牌",
                   basis, Effect.WARN, "plate_returned")


@rule("dm.effect", "灭失登记的效力", BASIS)
def effect(ctx: RuleContext) -> Finding:
    return Finding("dm.effect", Outcome.PASS,
                   "灭失登记后该车登记终止：车架号不得再次登记，号牌号码作废且不再核发", BASIS)


# NOTE: 第十五条 gives no handling time; the deadline is the hall's 承诺办结时限, a parameter
# (forms/services/ebike/ebike.toml).


def example(today: date) -> dict:
    """A complete 灭失 registration that is accepted on ``today``."""
    return {
        "answers": {
            "plate_no": "郑A12345",
            "frame_no": "119TDT240512345",
            "destroyed_cause": "fire",
            "destroyed_date": (today - timedelta(days=3)).isoformat(),
            "plate_returned": True,
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
    service_id="ebike_destroyed",
    name="电动自行车灭失登记",
    code="DM",
    version="2026.1",
    fields=FIELDS,
    materials=MATERIALS,
    rules=(registration, frame_no, owner, destroyed, plate, effect),
    deadlines=promised_deadline("destroyed_promised_days"),
    example=example,
    description="已登记电动自行车灭失的登记：登记终止，车架号不得再次登记，号牌作废（郑州市非机动车管理办法 第十五条）",
    # NOTE: after the subsidy (order 30), so Ctrl+1…Ctrl+5 keep opening the services they always did.
    order=31,
    collects="灭失登记证明",
    window_action="办理灭失登记",
)
