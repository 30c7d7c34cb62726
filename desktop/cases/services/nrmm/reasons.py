"""The coded reasons a 不予登记 decision of this service may cite (rows inserted by migration nrmm_0001)."""

from __future__ import annotations

from desktop.cases import reasons
from desktop.cases.reasons import RefusalReason
from forms.services.nrmm import SERVICE_ID

DOC = "郑州市机动车和非道路移动机械排放污染防治办法"
REASONS = reasons.declare(
    RefusalReason("FD01", "机械排放污染物检验不合格或检验报告不实", f"{DOC} 第九条第二款", SERVICE_ID),
    RefusalReason("FD02", "申报的机械不属于装配有发动机的非道路移动机械", f"{DOC} 第三十六条", SERVICE_ID),
    RefusalReason("FD03", "该机械已经编码登记，编码不重复核发", f"{DOC} 第九条第一款", SERVICE_ID),
    RefusalReason("FD04", "报送的编码信息与机械铭牌、发动机铭牌或环保信息公开标签不符", f"{DOC} 第九条第一款、第二款",
                  SERVICE_ID),
)
