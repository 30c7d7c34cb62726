"""The kinds of printed papers HallDesk knows and their Chinese titles."""

from __future__ import annotations

# NOTE: the layout is generic (driven by the snapshot's sections), so a new kind only needs
# an entry here and a case-layer function that writes its sections.
DOCUMENT_KINDS: dict[str, str] = {
    "receipt": "受理回执",
    "incomplete_notice": "一次性告知书",
    "refusal": "不予受理通知书",
    "registration_certificate": "电动自行车登记证明",
    "transfer_certificate": "电动自行车转移登记证明",
    "destroyed_certificate": "电动自行车灭失登记证明",
    "recovered_certificate": "电动自行车找回登记证明",
    "plate_certificate": "电动自行车号牌补领/换领登记证明",
    "subsidy_calculation": "补贴核定表",
    # After intake (desktop/cases/lifecycle*.py):
    "supplement_notice": "补正通知书",
    "refusal_decision": "不予许可决定书",
    "rongque_notice": "容缺受理通知书",
    "pledge": "承诺书",
    "permit_collection": "居住证领取凭证",
    "subsidy_decision": "补贴核定通知书",
    "extension_notice": "延期告知书",
    "loan_recommendation": "创业担保贷款推荐意见书",
    "revocation_decision": "撤销登记决定书",  # a registration concluded at the window, taken back (at_window.py)
    # 第十七条: the owner's query of the register (desktop/cases/ebike_query.py)
    "registration_query": "电动自行车登记信息查询单",
    # Hall reports (desktop/cases/audit_report.py): about the hall's day, not about an applicant.
    "audit_day_report": "审计日报",
}
# NOTE: these kinds have no applicant block; every other kind must name its applicant.
REPORT_KINDS = frozenset({"audit_day_report"})
