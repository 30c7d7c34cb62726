"""What 居住证 declares to the seam: its paper kind, coded refusal reasons and demo plan."""

from __future__ import annotations

from desktop.cases import demo_data, paper_kinds, reasons
from desktop.cases.reasons import RefusalReason

SERVICE_ID = "residence_permit"

paper_kinds.declare("permit_collection", "居住证领取凭证", certificate=True)  # the card is collected with it

# Inserted by migrations 0004 and 0012 of the core chain.
reasons.declare(
    RefusalReason("RP01", "申请人户籍在本市，不属于居住证办理对象", "郑政办〔2021〕8号 一、", SERVICE_ID),
    RefusalReason("RP02", "不符合居住满半年的申领条件之一", "郑政办〔2021〕8号 二、", SERVICE_ID),
    RefusalReason("RP03", "经核查，证明材料与事实不符", "郑政办〔2021〕8号 三、", SERVICE_ID),
)

demo_data.declare(demo_data.DemoPlan(SERVICE_ID, order=10, refuse={"hukou_in_zhengzhou": True},
                                     refusal_reason="RP02"))
