"""Sample snapshots of the subsidy's own paper kinds (collected by tests/desktop/documents/document_samples.py)."""

from __future__ import annotations


def samples(head: dict, full_id: str) -> dict[str, dict]:
    """The 补贴核定表, the 补贴核定通知书 and the loan's 推荐意见书, on the shared header."""
    SUBSIDY_CALCULATION = {
        **head, "kind": "subsidy_calculation", "title": "补贴核定表", "service_name": "返乡入乡创业补贴申领",
        "case_no": "CY032611250001M",
        "intro": "申请人申领“入驻园区（孵化基地）场地费用补贴”，依据郑政办〔2021〕13号逐项核算如下。",
        "sections": [
            {"heading": "申领信息", "type": "table", "columns": ["项目", "内容"],
             "rows": [["经营主体名称", "荥阳市建国农副产品加工有限公司"], ["统一社会信用代码", "91410182MA9K2B3X0A"]]},
            {"heading": "计算明细", "type": "amounts",
             "rows": [{"label": "2026年房租费（3个月）", "formula": "30000.00 × 50% = 15000.00", "amount": "15000.00",
                       "basis": "三、（二）6"},
                      {"label": "2026年度最高限额核减", "formula": "年补贴最高限额20000.00 − 本年度已获补贴15000.00",
                       "amount": "-10000.00", "basis": "三、（二）6"}],
             "total": "5000.00"},
            {"heading": "以往同类申领记录", "type": "table", "columns": ["案件号", "所属期间", "金额（元）", "状态"],
             "rows": [["CY032603020001A", "2026-01至2026-03", "15000.00", "已核准（计入）"]]},
        ],
        "signature": {"label": "受理单位（印章）", "date": "2026年11月25日"},
    }

    return {"subsidy_calculation": SUBSIDY_CALCULATION,
            "subsidy_decision": {**SUBSIDY_CALCULATION, "kind": "subsidy_decision", "title": "补贴核定通知书"},
            "loan_recommendation": {**SUBSIDY_CALCULATION, "kind": "loan_recommendation",
                                    "title": "创业担保贷款推荐意见书"}}
