"""The service's papers: the receipt's machine rows and the 非道路移动机械编码登记证明."""

from __future__ import annotations

from typing import Any

from desktop.cases.hooks import IntakeContext
from desktop.cases.papers import cn_date, header
from desktop.cases.services.nrmm.models import NrmmRegistration
from forms.services.nrmm.form import ACQUISITIONS, FUELS, MACHINE_TYPES, OTHER_TYPE, STAGES
from forms.zhengzhou import district_name

CERTIFICATE_TITLE = "非道路移动机械编码登记证明"


def machine_label(typed: dict[str, Any]) -> str:
    kind = typed.get("machine_type")
    if kind == OTHER_TYPE:
        return str(typed.get("machine_type_other") or "其他")
    return dict(MACHINE_TYPES).get(str(kind), str(kind or ""))


def receipt_rows(typed: dict[str, Any]) -> list[list[str]]:
    """What the receipt says about the machine: enough to recognise it, and when its code comes."""
    owner = ([["统一社会信用代码", str(typed.get("owner_uscc") or "")]] if typed.get("owner_kind") == "unit" else [])
    return [
        *owner,
        ["机械类型", machine_label(typed)],
        ["产品识别号", str(typed.get("product_no") or "")],
        ["登记机关", f"{district_name(str(typed.get('department')))}生态环境主管部门"],
    ]


def certificate(ctx: IntakeContext, row: NrmmRegistration, typed: dict[str, Any]) -> dict[str, Any]:
    snap = header("nrmm_certificate", CERTIFICATE_TITLE, ctx.service, dict(ctx.case.answers), ctx.case.case_no or "",
                  ctx.actor, ctx.now)
    snap["intro"] = "下列非道路移动机械经排放污染物检验合格，已完成编码登记。"
    owner = str(typed.get("owner_name") or "")
    if typed.get("owner_kind") == "unit":
        owner += f"（统一社会信用代码 {typed.get('owner_uscc') or ''}）"
    acquired = dict(ACQUISITIONS).get(str(typed.get("acquisition")), "")
    rows = [
        ["编码登记号", str(row.code)],
        ["机械类型", machine_label(typed)],
        ["生产厂家、型号及出厂日期",
         f"{typed.get('manufacturer') or ''} {typed.get('model') or ''}，{typed.get('manufacture_date') or ''}出厂"],
        ["产品识别号", row.product_no],
        ["发动机型号及编号", f"{typed.get('engine_type_no') or ''} {typed.get('engine_no') or ''}".strip() or "—"],
        # NOTE: one row for fuel and stage, so the certificate stays one page with its seal
        ["燃料及排放阶段", f"{dict(FUELS).get(str(typed.get('fuel')), '')}，{dict(STAGES).get(str(typed.get('emission_stage')), '—')}"],
        ["排放检验", f"合格（报告{typed.get('test_report_no') or ''}，{typed.get('test_date') or ''}）"],
        ["所有人", f"{owner}，{typed.get('acquisition_date') or ''}{acquired}"],
        # NOTE: one row for who registered and when, one paragraph of notes: the certificate stays one page
        ["登记机关及日期", f"{district_name(row.department)}生态环境主管部门，"
                           f"{cn_date(row.registered_on) if row.registered_on else ''}"],
    ]
    snap["sections"] = [
        {"heading": "登记信息", "type": "table", "columns": ["项目", "内容"], "rows": rows},
        {"heading": "注意事项", "type": "text", "text": (
            "编码登记号一机一号，不重复核发（第九条）；使用未经编码登记或者未与监控平台联网的机械的，"
            "依法纳入信用记录（第二十七条）。"
        )},
    ]
    snap["footer"] = "依据《郑州市机动车和非道路移动机械排放污染防治办法》第九条。请妥善保管本证明。"
    return snap
