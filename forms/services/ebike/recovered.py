"""电动自行车找回登记: a stolen or lost bike found again, by its owner's own procedure (郑州市非机动车管理办法 第十五条).

Facts contract (passed by the case layer; forms never reads the database):

    facts["registration"] = {"case_no", "plate_no", "frame_no", "owner_name", "owner_id_type",
                             "owner_id_number", "status", "status_since", "status_case_no",
                             "police_report_no"}
        the registration found by plate and/or frame number (``forms.services.ebike.common.normalize_code``
        form). status must be "stolen" or "lost": "status_since" (a date or ISO text) is the date of
        the theft or loss, which the date found may not precede, "status_case_no" the 被盗/遗失 case
        this one closes, "police_report_no" the theft report's receipt number (None for a loss).
        "registered" → refused (nothing to close); "destroyed" → refused (the registration has ended);
    facts["registration"] = None
        looked up, none found → refused 未找到该号牌/车架号的登记;
    facts["voided_plate"] = {"plate_no", "reason", "voided_on", "case_no", "replaced_by"}
        the plate typed was voided → refused (see ``forms.services.ebike.common.voided_plate_finding``);
    "registration" absent
        not looked up → "needs manual check".

What accepting does (desktop/cases/ebike_register.py): the registration is "registered" (正常)
again, with a status history row naming this case; the 被盗/遗失 case stays as it was (it recorded
what happened) and can no longer be cancelled, since this case is built on it.
"""

from __future__ import annotations

from datetime import date, timedelta

from forms.model import Effect, Field, Finding, Kind, Material, Outcome, RuleContext, When
from forms.promised import promised_deadline
from forms.service import Service, missing_info, rule
from forms.services.ebike import common as ec

B = ec.B
BASIS = B("第十五条")

# NOTE (police or owner found it, decided here): 第十五条 makes the record the owner's, whoever found
# the bike, so both are this one procedure with the owner's ID checked and the bike presented at the
# window (现场交验, as 第十四条 asks at registration: a stolen bike may come back with its frame number
# altered). They differ in what proves the recovery. A bike the police recovered is handed back with
# the police's 发还 papers: their number is recorded and the paper is a material. A stolen bike the
# owner found is still wanted on the theft report the owner made (报案回执); the window asks the owner
# to tell that police office first, so the register and the police's search agree (第十八条: the
# register serves 治安防范) — a correction to make before acceptance, not a refusal. A lost bike the
# owner found needs neither.
FOUND_BY = (("police", "公安机关追回发还"), ("owner", "所有人自行找回"))
by_police = When("found_by", equals="police")
by_owner = When("found_by", equals="owner")

FIELDS = (
    *ec.lookup_fields("车辆"),
    Field("found_by", "找回方式", Kind.CHOICE, choices=FOUND_BY, section="找回情况"),
    Field("found_date", "找回日期", Kind.DATE, not_future=True, section="找回情况"),
    Field("police_return_no", "公安机关发还凭证编号", max_length=40, section="找回情况", visible_when=by_police,
          help="公安机关追回车辆后出具的发还物品清单或领回凭证上的编号"),
    Field("police_informed", "已告知受理报案的公安机关车辆已找回", Kind.BOOL, required=False, section="找回情况",
          visible_when=by_owner, help="车辆被盗后自行找回的，须先告知受理报案的公安机关"),
    ec.inspected_field("找回情况", "第十四条：现场交验车辆；核对找回车辆的车架号与登记一致"),
    *ec.owner_fields("owner", "所有人", "所有人", address=False),
)

MATERIALS = (
    Material("application_form", "电动自行车找回登记申请表", BASIS),
    Material("owner_id", "所有人身份证明", BASIS),
    Material("police_return", "公安机关发还物品清单（领回凭证）", BASIS, required_when=by_police),
)


@rule("dh.registration", "查找登记并核对被盗/遗失记录", BASIS)
def registration(ctx: RuleContext) -> list[Finding]:
    out, reg = ec.find_registration(ctx, "dh.registration", BASIS)
    if reg is None:
        return out
    status = reg.get("status")
    facts = {"status": status, "case_no": reg.get("case_no"), "status_case_no": reg.get("status_case_no")}
    if status in ("stolen", "lost"):
        label = ec.STATUS_LABELS[status]
        since = ec.iso(reg.get("status_since"))
        out.append(Finding("dh.status", Outcome.PASS,
                           f"该车于{since}登记为{label}（案件{reg.get('status_case_no')}），本次登记找回后恢复正常",
                           BASIS, field="plate_no", facts=facts))
    elif status == "destroyed":
        out.append(Finding("dh.status", Outcome.FAIL, "该车已登记为灭失，登记已经终止，不能办理找回登记",
                           BASIS, Effect.REFUSE, "plate_no", facts))
    else:
        out.append(Finding("dh.status", Outcome.FAIL, "该车未登记为被盗或遗失，无需办理找回登记",
                           BASIS, Effect.REFUSE, "plate_no", facts))
    return out


frame_no, owner = ec.on_a_bike_rules("dh", "找回登记", BASIS)


@rule("dh.found", "找回方式和日期", BASIS)
def found(ctx: RuleContext) -> list[Finding]:
    rid = "dh.found"
    how, when = ctx.get("found_by"), ctx.get("found_date")
    if how is None:
        return [missing_info(rid, "请选择找回方式", BASIS, "found_by")]
    if when is None:
        return [missing_info(rid, "请填写找回日期", BASIS, "found_date")]
    reg = ctx.facts.get("registration") or {}
    since = ec.as_date(reg.get("status_since"))
    if since is not None and when < since and reg.get("status") in ("stolen", "lost"):
        label = ec.STATUS_LABELS[reg["status"]]
        return [Finding(rid, Outcome.FAIL, f"找回日期{when.isoformat()}早于{label}日期{since.isoformat()}，请核对",
                        BASIS, Effect.CORRECT, "found_date", {"date": when, "since": since})]
    if how == "police":
        number = ctx.get("police_return_no")
        if number is None:
            return [missing_info(rid, "公安机关追回的，请填写发还凭证编号", BASIS, "police_return_no")]
        return [Finding(rid, Outcome.PASS, f"{when.isoformat()}由公安机关追回发还（凭证{number}）", BASIS,
                        field="police_return_no", facts={"found_by": how, "date": when})]
    if reg.get("status") != "stolen":
        return [Finding(rid, Outcome.PASS, f"{when.isoformat()}由所有人自行找回", BASIS, field="found_date",
                        facts={"found_by": how, "date": when})]
    basis = B("第十八条第一款")
    report = reg.get("police_report_no")
    informed = ctx.get("police_informed")
    told = f"（报案回执{report}）" if report else ""
    if informed is None:
        return [missing_info(rid, f"被盗车辆自行找回的，请确认已告知受理报案的公安机关{told}", basis, "police_informed")]
    if not informed:
        return [Finding(rid, Outcome.FAIL, f"被盗车辆自行找回的，请所有人先告知受理报案的公安机关{told}，"
                        "再办理找回登记，以免该车仍被当作被盗车辆查控", basis, Effect.CORRECT, "police_informed")]
    return [Finding(rid, Outcome.PASS, f"{when.isoformat()}由所有人自行找回，已告知受理报案的公安机关{told}", basis,
                    field="police_informed", facts={"found_by": how, "date": when})]


@rule("dh.inspected", "找回车辆现场交验", B("第十四条"))
def inspected(ctx: RuleContext) -> Finding:
    return ec.inspected_finding(ctx, "dh.inspected", B("第十四条"),
                                "请将找回的车辆送至登记点，核对车架号与登记一致后再办理")


# NOTE: 第十五条 gives no handling time; the deadline is the hall's 承诺办结时限, a parameter
# (forms/services/ebike/ebike.toml).


def example(today: date) -> dict:
    """A stolen bike the police found, registered as recovered on ``today``."""
    return {
        "answers": {
            "plate_no": "郑A12345",
            "frame_no": "119TDT240512345",
            "found_by": "police",
            "found_date": (today - timedelta(days=1)).isoformat(),
            "police_return_no": "FH4101052026000123",
            "vehicle_inspected": True,
            "owner_id_type": "resident_id",
            "owner_id_number": "410105197501010019",
            "owner_name": "张伟",
            "owner_phone": "13800138000",
        },
        "materials": {"application_form": "provided", "owner_id": "provided", "police_return": "provided"},
        "facts": {"registration": ec.example_plate_registration(today, "stolen"), "voided_plate": None},
    }


SERVICE = Service(
    **ec.ON_A_BIKE_SERVICE,
    service_id="ebike_recovered",
    name="电动自行车找回登记",
    code="DH",
    version="2026.1",
    fields=FIELDS,
    materials=MATERIALS,
    rules=(registration, frame_no, owner, found, inspected),
    deadlines=promised_deadline("recovered_promised_days"),
    example=example,
    description="已登记被盗、遗失的电动自行车找回后的登记：恢复正常登记状态（郑州市非机动车管理办法 第十五条）",
    order=32,  # after the subsidy: Ctrl+1…Ctrl+5 keep their services
    collects="找回登记证明",
    window_action="办理找回登记",
)
