"""Sample snapshots of each document kind, shaped as the case layer stores them."""

from __future__ import annotations

import copy

HEAD = {
    "service_name": "居住证申领",
    "case_no": "JZ03261125000187",
    "hall": "郑州市金水区政务服务中心",
    "window": "03",
    "clerk": "王丽",
    "issued_at": "2026-11-25 10:30",
    "applicant": {"name": "欧阳娜娜", "id_type": "居民身份证", "id_masked": "410105********1234",
                  "phone_masked": "138****5678"},
}
FULL_ID = "410105199003071234"  # what the masked ID stands for; must never be printed

RECEIPT = {
    **HEAD, "kind": "receipt", "title": "受理回执",
    "intro": "你（单位）提交的居住证申领申请，经审查，材料齐全、符合法定形式，决定予以受理。",
    "sections": [
        {"heading": "已收材料", "type": "list",
         "items": ["居住证申领登记表（原件1份）", "居民身份证（复印件1份，原件已核验）",
                   "居住证明：房屋租赁合同及租赁登记备案证明（复印件1份）", "近期一寸免冠彩色照片（2张）"]},
        {"heading": "办理时限", "type": "table", "columns": ["事项", "期限", "计算方式", "依据"],
         "rows": [["审核", "2026-12-02", "自受理次日起5个工作日，跳过周末及法定节假日", "郑政办〔2021〕8号 四、"],
                  ["制证", "2027-01-06（暂定）", "审核通过次日起15个工作日，2027年节假日安排尚未公布",
                   "郑政办〔2021〕8号 四、2"]]},
        {"heading": "领取方式", "type": "text",
         "text": "证件制作完成后将以短信通知，请本人持本回执及居民身份证到原受理窗口领取。\n"
                 "委托他人领取的，受托人须另行提交委托书及受托人身份证件。"},
    ],
    "provisional_note": "标“暂定”的日期所在年度的节假日安排尚未公布，按周一至周五计算，届时以公布的安排为准。",
    "signature": {"label": "受理单位（印章）", "date": "2026年11月25日"},
    "footer": "请妥善保管本回执，凭回执查询办理进度或领取证件。咨询电话：0371-12345。",
}

INCOMPLETE = {
    **HEAD, "kind": "incomplete_notice", "title": "一次性告知书",
    "intro": "你（单位）提交的居住证申领申请，经审查，申请材料不齐全或者不符合法定形式。"
             "现一次性告知需要补正的全部内容，请补正后重新提交。",
    "sections": [
        {"heading": "需要补正的材料", "type": "list",
         "items": ["居住证明：租赁合同未经租赁登记备案，请提交房屋租赁登记备案证明",
                   "近期一寸免冠彩色照片（2张），现提交照片为黑白照片"]},
        {"heading": "需要更正的信息", "type": "findings",
         "items": [{"message": "申请表中“居住地址”与租赁合同所载地址不一致，请核对后更正。",
                    "basis": "郑政办〔2021〕8号 三、2"},
                   {"message": "联系电话位数不正确。"}]},
        {"heading": "补正期限", "type": "text", "text": "请于2026年12月25日前补正。逾期未补正的，视为撤回申请。"},
    ],
    "signature": {"label": "受理单位（印章）", "date": "2026年11月25日"},
    "footer": "补正材料时请携带本告知书。",
}

REFUSAL = {
    **HEAD, "kind": "refusal", "title": "不予受理通知书", "service_name": "一次性创业补贴申领",
    "intro": "你（单位）提交的一次性创业补贴申领申请，经审查，不符合受理条件，决定不予受理。理由如下：",
    "sections": [
        {"heading": "不予受理的理由", "type": "findings",
         "items": [{"message": "申请人所创办的企业注册时间距申请之日已超过3年，不在补贴申领期限内。",
                    "basis": "郑政办〔2021〕8号 二、"},
                   {"message": "申请人已于2025年领取过同类补贴，不得重复申领。", "basis": "郑政办〔2021〕8号 二、3"}]},
        {"heading": "核定情况", "type": "amounts",
         "rows": [{"label": "一次性创业补贴", "formula": "定额补贴", "amount": "10000.00",
                   "basis": "郑政办〔2021〕8号 二、1"},
                  {"label": "已领取同类补贴", "formula": "2025年已发放金额冲抵", "amount": "-10000.00",
                   "basis": "郑政办〔2021〕8号 二、3"}],
         "total": "0.00"},
    ],
    "remedies": "如不服本决定，可以自收到本通知书之日起60日内依法申请行政复议，或者6个月内依法提起行政诉讼。",
    "signature": {"label": "受理单位（印章）", "date": "2026年11月25日"},
}

def _lifecycle_samples() -> dict[str, dict]:
    """The papers after intake, made by the real builders of the case layer."""
    from datetime import date, datetime

    from desktop.cases import lifecycle_papers
    from desktop.cases.deadlines import Extended
    from desktop.cases.dto import AccountInfo, Actor
    from forms import registry

    actor = Actor(AccountInfo(1, "wang", "王丽", "clerk"), "03", HEAD["hall"])
    now = datetime(2026, 11, 25, 10, 30)
    service = registry.get("residence_permit")
    answers = {"name": "欧阳娜娜", "id_number": FULL_ID, "phone": "13812345678"}
    no = "JZ032611250001X"
    items = [("居住、就业或就读证明", "郑政办〔2021〕8号 三、3")]
    voucher = {**HEAD, "kind": "permit_collection", "title": "居住证领取凭证", "case_no": no,
               "intro": "你申领的居住证经审核符合条件，已批准制作。",
               "sections": [{"heading": "领取信息", "type": "table", "columns": ["项目", "内容"],
                             "rows": [["最迟发放日期", "2026-12-07"]]}]}
    return {
        "supplement_notice": lifecycle_papers.supplement_notice(service, answers, no, ["社保缴费证明原件"],
                                                                "共享数据不完整", actor, now),
        "refusal_decision": lifecycle_papers.refusal_decision(
            service, answers, no, [{"label": "不符合居住满半年的申领条件之一", "basis": "郑政办〔2021〕8号 二、"}],
            "", actor, now),
        "rongque_notice": lifecycle_papers.rongque_notice(service, answers, no, items, date(2026, 12, 1), False,
                                                          actor, now),
        "pledge": lifecycle_papers.pledge_letter(service, answers, no, "gaozhi", items, None, False, actor, now),
        "permit_collection": voucher,
        "extension_notice": lifecycle_papers.extension_notice(
            service, answers, no, [Extended("审核完毕", date(2026, 12, 2), date(2026, 12, 9), False),
                                   Extended("制作发放居住证", date(2026, 12, 7), date(2026, 12, 14), False)],
            5, "需核实居住地址，须实地走访", "《中华人民共和国行政许可法》第四十二条", actor, now),
    }


def _audit_day_report() -> dict:
    """The hall's end-of-day report (no applicant), made by the real builder of the case layer."""
    from datetime import date, datetime

    from desktop.cases.audit_report import ChainCheck, DayReport, day_report_snapshot

    report = DayReport(
        day=date(2026, 11, 25), total=9,
        by_kind=(("signin", 3), ("case.accepted", 2), ("paper.made", 2), ("lock", 1), ("unlock", 1)),
        by_person=(("wang", "王丽", 6, "登录 2、案件：已受理待审核 2、生成文书 2"), ("zhang", "张伟", 3, "登录 1、锁屏 1、解锁 1")),
        last_id=120, last_hash="3f" * 32, day_last_hash="3f" * 32, chain=ChainCheck(True, 120),
        made_at=datetime(2026, 11, 25, 17, 30))
    return day_report_snapshot(report, HEAD["hall"], HEAD["window"], HEAD["clerk"])


SAMPLES = {"receipt": RECEIPT, "incomplete_notice": INCOMPLETE, "refusal": REFUSAL,
           **_lifecycle_samples(), "audit_day_report": _audit_day_report()}


def sample(kind: str) -> dict:
    """A fresh deep copy, so a test may change it freely."""
    return copy.deepcopy(SAMPLES[kind])


def _service_samples() -> dict[str, dict]:
    """Each service package's own paper samples: tests/services/<name>/document_samples.py's ``SAMPLES``, or
    its ``samples(head, full_id)`` where they share this file's header and masked ID.

    NOTE (issue 16): a service's paper kinds are declared by its package, so their samples live with its
    tests too; found by path, naming no service here. A kind sampled twice fails loudly."""
    import importlib.util
    from pathlib import Path

    found: dict[str, dict] = {}
    for path in sorted((Path(__file__).resolve().parents[2] / "services").glob("*/document_samples.py")):
        spec = importlib.util.spec_from_file_location(f"service_samples_{path.parent.name}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        own = module.samples(HEAD, FULL_ID) if hasattr(module, "samples") else module.SAMPLES
        for kind, snapshot in own.items():
            if kind in SAMPLES or kind in found:
                raise RuntimeError(f"paper kind {kind!r} sampled twice ({path})")
            found[kind] = snapshot
    return found


SAMPLES.update(_service_samples())
