"""电动自行车转移登记: form, materials and rules of 郑州市非机动车管理办法 第十五条 (ownership changes).

Facts contract (passed by the case layer; forms never reads the database):

    facts["registration"] = {"case_no", "plate_no", "frame_no", "owner_name", "status",
                             "registered_on", "last_transfer_on"}
        the registration found by plate and/or frame number (compared in
        ``forms.services.ebike.common.normalize_code`` form); optional keys "owner_id_type" and
        "owner_id_number" let the rules tell whether the new owner is the current one.
        status "stolen" / "lost" / "destroyed" → refused (a bike reported stolen cannot be transferred);
        registered_on / last_transfer_on (ISO dates; the latter None when never transferred): a
        transfer date before either is a field error on transfer_date; absent → not checked;
    facts["registration"] = None
        looked up, none found → refused 未找到该号牌/车架号的登记;
    key absent
        not looked up → "needs manual check".
"""

from __future__ import annotations

from datetime import date

from forms.model import Basis, Effect, Field, Finding, Kind, Material, Outcome, RuleContext
from forms.promised import promised_deadline
from forms.service import Service, missing_info, rule
from forms.services.ebike import common as ec

B = ec.B
BASIS = B("第十五条")

TRANSFER_REASONS = (
    ("sale", "买卖"),
    ("gift", "赠与"),
    ("inheritance", "继承"),
    ("legal_document", "法院判决、裁定、调解或仲裁裁决"),
    ("other", "其他"),
)

FIELDS = (
    *ec.lookup_fields("原登记"),
    *ec.owner_fields("new_owner", "新所有人", "新所有人"),
    Field("transfer_reason", "所有权转移原因", Kind.CHOICE, choices=TRANSFER_REASONS, section="转移"),
    Field("transfer_date", "所有权转移日期", Kind.DATE, not_future=True, section="转移"),
)

# NOTE: 第十五条 names no materials for a transfer; the detailed rules that would (第十三条第三款,
# 市公安局交通管理部门) are not among our sources. We ask for the minimum issue 4 names: the
# application, the new owner's ID and the proof of the transfer.
MATERIALS = (
    Material("application_form", "电动自行车转移登记申请表", BASIS),
    Material("new_owner_id", "新所有人身份证明", BASIS),
    Material(
        "transfer_proof", "所有权转移证明", BASIS,
        help="买卖合同或发票、赠与协议、继承证明、法院判决书或调解书等",
    ),
)


@rule("dz.registration", "查找原登记", BASIS)
def registration(ctx: RuleContext) -> list[Finding]:
    out, reg = ec.find_registration(ctx, "dz.registration", BASIS)
    if reg is None:
        return out
    status = reg.get("status")
    if status in ec.STATUS_LABELS:
        label = ec.STATUS_LABELS[status]
        out.append(Finding(
            "dz.status", Outcome.FAIL,
            f"该车已登记为{label}（案件{reg.get('case_no')}），不能办理转移登记"
            + ("；车辆找回的，请先办理找回登记" if status != "destroyed" else ""),
            BASIS, Effect.REFUSE, "plate_no", {"status": status, "case_no": reg.get("case_no")},
        ))
    else:
        out.append(Finding("dz.status", Outcome.PASS, "该车未登记为被盗、遗失或灭失", BASIS, field="plate_no",
                           facts={"status": status}))
    return out


@rule("dz.frame_no", "车架号（整车编码）格式", BASIS)
def frame_no(ctx: RuleContext) -> list[Finding]:
    return ec.frame_findings(ctx, "dz.frame_no", "frame_no", BASIS)


@rule("dz.new_owner", "所有权确有转移", BASIS)
def new_owner(ctx: RuleContext) -> list[Finding]:
    rid = "dz.new_owner"
    reg = ctx.facts.get("registration")
    if not reg:  # nothing to compare with: dz.registration reports why
        return []
    same = ec.same_person(reg, ctx.get("new_owner_id_type"), ctx.get("new_owner_id_number"),
                          ctx.get("new_owner_name"))
    if same is True:
        return [Finding(rid, Outcome.FAIL, f"新所有人与现登记所有人（{reg.get('owner_name')}）为同一人，"
                        "所有权未发生转移，请核对新所有人信息", BASIS, Effect.CORRECT, "new_owner_id_number")]
    if same is False:
        return [Finding(rid, Outcome.PASS, "新所有人与现登记所有人不是同一人", BASIS, field="new_owner_id_number")]
    name = ctx.get("new_owner_name")
    if name is None:
        return [missing_info(rid, "请填写新所有人姓名", BASIS, "new_owner_name")]
    # NOTE: without the registered owner's ID number (optional in the facts contract) only names
    # can be compared, and two people may share a name: a manual check, not a correction.
    if name == reg.get("owner_name"):
        return [Finding(rid, Outcome.MANUAL, f"新所有人与现登记所有人同名（{name}），请核对证件确认不是同一人",
                        BASIS, Effect.WARN, "new_owner_name")]
    return [Finding(rid, Outcome.PASS, f"新所有人{name}与现登记所有人{reg.get('owner_name')}不同", BASIS,
                    field="new_owner_name")]


@rule("dz.transfer", "转移原因和日期", BASIS)
def transfer(ctx: RuleContext) -> Finding:
    rid = "dz.transfer"
    reason, when = ctx.get("transfer_reason"), ctx.get("transfer_date")
    if reason is None:
        return missing_info(rid, "请选择所有权转移原因", BASIS, "transfer_reason")
    if when is None:
        return missing_info(rid, "请填写所有权转移日期", BASIS, "transfer_date")
    # NOTE: 第十五条 sets no time limit for a transfer (unlike 第十四条's 30 days), so the date is
    # recorded for the archive (第十七条) and only checked not to lie in the future (form check) nor
    # before the bike's registration or its last transfer (issue 13).
    reg = ctx.facts.get("registration")
    wrong = ec.date_after_registration(rid, "transfer_date", "所有权转移日期", when, reg, BASIS) if reg else None
    if wrong is not None:
        return wrong
    label = dict(TRANSFER_REASONS)[reason]
    return Finding(rid, Outcome.PASS, f"因{label}于{when.isoformat()}转移所有权", BASIS, field="transfer_date",
                   facts={"reason": reason, "date": when})


@rule("dz.scope", "本办法适用的区域", B("第三条"))
def scope(ctx: RuleContext) -> Finding:
    return ec.scope_finding(ctx, "dz.scope", "new_owner_district")


# NOTE: the measures give no handling time for a transfer (第十五条); the deadline is the hall's
# 承诺办结时限, a parameter (forms/services/ebike/ebike.toml, issue 14).


def example(today: date) -> dict:
    """A complete transfer that is accepted on ``today``."""
    return {
        "answers": {
            "plate_no": "郑A12345",
            "frame_no": "119TDT240512345",
            "new_owner_id_type": "resident_id",
            "new_owner_id_number": "41018219850612002X",
            "new_owner_name": "李娜",
            "new_owner_phone": "13900139000",
            "new_owner_district": "410102",
            "new_owner_address": "郑州市中原区建设路1号",
            "transfer_reason": "sale",
            # NOTE: today, so the example stays acceptable for a bike registered the same day (a date
            # before the registration is a field error, issue 13).
            "transfer_date": today.isoformat(),
        },
        "materials": {"application_form": "provided", "new_owner_id": "provided", "transfer_proof": "provided"},
        "facts": {"registration": ec.example_registration(today)},
    }


SERVICE = Service(
    service_id="ebike_transfer",
    name="电动自行车转移登记",
    code="DZ",
    basis=Basis(ec.DOC),
    version="2025.1",
    fields=FIELDS,
    materials=MATERIALS,
    rules=(registration, frame_no, new_owner, transfer, scope),
    params_name="ebike",
    params_dir=ec.PARAMS_DIR,
    deadlines=promised_deadline("transfer_promised_days"),
    example=example,
    description="已登记电动自行车所有权发生变更、转移的转移登记（郑州市非机动车管理办法 第十五条）",
    name_key="new_owner_name",
    id_key="new_owner_id_number",
    phone_key="new_owner_phone",
    extra_index={"plate_no": "plate_no", "frame_no": "frame_no"},
    duplicate_scope=("frame_no",),  # a person may register several bikes: the same application is the same bike
    paper_titles={"refusal": "不予登记通知书"},  # 第十四条: 不予登记并书面说明理由
    order=21,
    collects="转移登记证明",
    # NOTE (issue 13): 第十五条 (到公安机关交通管理部门办理变更转移登记) is registered at the window like
    # the first registration; nothing in the measures asks for a review after it, nor an inspection.
    decided_at_window=True,
    at_window=ec.AT_WINDOW,
    window_action="办理转移登记",
)
