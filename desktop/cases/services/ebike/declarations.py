"""What the e-bike procedures declare to the seam: identifiers, paper kinds, refusal reasons, register columns."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from desktop.cases import audit_labels, identifiers, input_guard, paper_kinds, reasons
from desktop.cases.reasons import RefusalReason
from desktop.cases.services.ebike.models import EbikeOwnerHistory, EbikeRegistration, EbikeVoidedPlate
from forms.services.ebike.common import normalize_code


def _voided_or_replacing(plate: str) -> Select:
    # NOTE: a voided plate (补领/换领, 灭失) also finds the case that voided it, and a replacement plate
    # the case that issued it (ebike_voided_plates, migration 0014); both columns are unique-indexed.
    return select(EbikeVoidedPlate.case_id).where(
        or_(EbikeVoidedPlate.plate_no == plate, EbikeVoidedPlate.replaced_by == plate))


# NOTE: stored frame and plate numbers are in forms.services.ebike.common.normalize_code form (upper case, no
# spaces or hyphens), so a typed or pasted number is put in the same form before comparing.
PLATE = identifiers.declare(identifiers.SearchIdentifier(
    "plate_no", "号牌号码", "如 郑A12345", normalize_code, also_matches=_voided_or_replacing, max_length=20))
FRAME = identifiers.declare(identifiers.SearchIdentifier(
    "frame_no", "车架号", "整车编码", normalize_code, max_length=32, paper_label="车架号（整车编码）"))

# The replacement plate's 登记证明 is, like the first registration's, what the new plate is collected with,
# so both are certificates (a reprint needs a countersign).
paper_kinds.declare("registration_certificate", "电动自行车登记证明", certificate=True)
paper_kinds.declare("transfer_certificate", "电动自行车转移登记证明")
paper_kinds.declare("destroyed_certificate", "电动自行车灭失登记证明")
paper_kinds.declare("recovered_certificate", "电动自行车找回登记证明")
paper_kinds.declare("plate_certificate", "电动自行车号牌补领/换领登记证明", certificate=True)
paper_kinds.declare("registration_query", "电动自行车登记信息查询单")  # 第十七条 (owner_query.py)

# Inserted by migrations 0004, 0012 and 0014 of the core chain (their history is there).
MEASURES = "郑州市非机动车管理办法"
reasons.declare(
    RefusalReason("EB01", "车辆不符合强制性国家标准或不在强制性产品认证目录内", f"{MEASURES} 第十三条", "ebike_registration"),
    RefusalReason("EB02", "来历证明或合格证明无效", f"{MEASURES} 第十四条", "ebike_registration"),
    RefusalReason("EB03", "申请人不是该车登记所有人，或所有权转移的证明无效", f"{MEASURES} 第十五条", "ebike_transfer"),
    RefusalReason("EB04", "申请人不是该车登记所有人", f"{MEASURES} 第十五条", "ebike_theft"),
    RefusalReason("EB05", "申请人不是该车登记所有人，或车辆并未灭失", f"{MEASURES} 第十五条", "ebike_destroyed"),
    RefusalReason("EB06", "申请人不是该车登记所有人，或找回的车辆与登记不符", f"{MEASURES} 第十五条", "ebike_recovered"),
    RefusalReason("EB07", "申请人不是该车登记所有人，或交验的车辆与登记不符", f"{MEASURES} 第十五条、第二十一条",
                  "ebike_plate"),
)

# The answers the hooks copy into the register (tests/desktop/cases/test_field_lengths.py holds each field to
# its column). 灭失, 找回, 补领/换领 copy none: their hooks compare the owner's ID with the register's, and the
# new plate comes from the pool.
input_guard.declare_hook_columns(
    "ebike_registration",
    (EbikeRegistration.brand, "brand", None), (EbikeRegistration.model, "model", None),
    (EbikeRegistration.colour, "colour", None), (EbikeRegistration.owner_name, "owner_name", None),
    (EbikeRegistration.owner_id_number, "owner_id_number", None),
    (EbikeRegistration.frame_no, "frame_no", None), (EbikeRegistration.plate_no, "plate_no", None),
    (EbikeOwnerHistory.owner_name, "owner_name", None), (EbikeOwnerHistory.owner_id_number, "owner_id_number", None),
)
input_guard.declare_hook_columns(
    "ebike_transfer",
    (EbikeRegistration.owner_name, "new_owner_name", None),
    (EbikeRegistration.owner_id_number, "new_owner_id_number", None),
    (EbikeOwnerHistory.owner_name, "new_owner_name", None),
    (EbikeOwnerHistory.owner_id_number, "new_owner_id_number", None),
)

# The register's and the plate administration's own audit events: the 审计日报's name, then the timeline's.
for _action, _report, _timeline in (
    ("ebike.registered", "电动自行车登记上牌生效", "登记上牌"),
    ("ebike.transferred", "电动自行车转移登记生效", "转移登记"),
    ("ebike.status", "电动自行车被盗遗失登记生效", "被盗/遗失登记"),
    ("ebike.registration_voided", "注销未生效的电动自行车登记", "注销未生效的登记"),
    ("ebike.transfer_reverted", "转移登记撤回，恢复原所有人", "恢复原所有人"),
    ("ebike.status_reverted", "被盗遗失登记撤回，恢复原登记状态", "恢复原登记状态"),
    ("ebike.destroyed", "电动自行车灭失登记生效（号牌作废）", "灭失登记（号牌作废）"),
    ("ebike.recovered", "电动自行车找回登记生效", "找回登记（恢复正常）"),
    ("ebike.plate_replaced", "电动自行车号牌补领/换领生效（原号牌作废）", "补领/换领号牌（原号牌作废）"),
    ("ebike.destroyed_reverted", "灭失登记撤回，恢复原登记状态", "撤回灭失登记"),
    ("ebike.recovered_reverted", "找回登记撤回，恢复被盗/遗失状态", "撤回找回登记"),
    ("ebike.plate_reverted", "号牌补领/换领撤回，恢复原号牌、新号牌作废", "撤回补领/换领，恢复原号牌"),
    ("ebike.query_refused", "登记信息查询单：证件与所有人不一致，未出具", None),
    ("plates.series", "修改号牌号段", None),
    ("plates.block", "分配窗口号牌号段", None),
    ("plates.block_closed", "停用窗口号牌号段", None),
    ("plates.mode", "设置号牌登记库模式（大厅共用或单机）", None),
):
    audit_labels.declare(_action, _report, _timeline)
