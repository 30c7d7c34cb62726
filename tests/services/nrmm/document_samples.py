"""Sample snapshots of this service's own paper kinds (collected by tests/desktop/documents/document_samples.py)."""

from __future__ import annotations

HEAD = {
    "service_name": "非道路移动机械编码登记",
    "case_no": "FD0326120100010",
    "hall": "郑州市金水区政务服务中心",
    "window": "03",
    "clerk": "李娜",
    "issued_at": "2026-12-03 10:30",
    "applicant": {"name": "郑州市示例建设工程有限公司", "id_type": "", "id_masked": "", "phone_masked": "138****8000"},
}

SAMPLES = {
    "nrmm_certificate": {
        **HEAD, "kind": "nrmm_certificate", "title": "非道路移动机械编码登记证明",
        "intro": "下列非道路移动机械经排放污染物检验合格，已完成编码登记。",
        "sections": [
            {"heading": "登记信息", "type": "table", "columns": ["项目", "内容"],
             "rows": [["编码登记号", "41010503000001L"], ["机械类型", "挖掘机"],
                      ["产品识别号", "SY021523K0012345"], ["燃料及排放阶段", "柴油，第四阶段（国四）"],
                      ["登记机关及日期", "金水区生态环境主管部门，2026年12月3日"]]},
            {"heading": "注意事项", "type": "text",
             "text": "编码登记号一机一号，不重复核发（第九条）；使用未经编码登记的机械的，依法纳入信用记录（第二十七条）。"},
        ],
        "signature": {"label": "郑州市金水区政务服务中心（印章）", "date": "2026年12月3日"},
        "footer": "依据《郑州市机动车和非道路移动机械排放污染防治办法》第九条。请妥善保管本证明。",
    },
}
