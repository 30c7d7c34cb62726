"""Sample snapshots of the e-bike register's own paper kinds (collected by tests/desktop/documents/document_samples.py)."""

from __future__ import annotations


def _revocation(head: dict) -> dict:
    """issue 13: a registration concluded at the window, taken back (desktop/cases/at_window.py)."""
    from datetime import date, datetime

    from desktop.cases import at_window
    from desktop.cases.dto import AccountInfo, Actor
    from desktop.store.models import Case
    from forms import registry

    actor = Actor(AccountInfo(1, "wang", "王丽", "clerk"), "03", head["hall"])
    bike = Case(service_id="ebike_registration", case_no="DC032611250001K",
                answers={"owner_name": "张伟", "owner_id_type": "resident_id", "owner_id_number": "410105197501010019",
                         "owner_phone": "13800138000"})
    return at_window.revocation_paper(registry.get("ebike_registration"), bike, date(2026, 11, 25),
                                      "本次核发的号牌号码郑A00001作废，不再核发；请将号牌和登记证明交回登记窗口。",
                                      "车架号录入错误", "李娜", actor, datetime(2026, 11, 25, 10, 30),
                                      {"plate_no": "郑A00001", "frame_no": "119TDT240512345"})


def _registration_query(head: dict, full_id: str) -> dict:
    """The owner's 登记信息查询单 (第十七条), made by the real builder from plain data."""
    from datetime import date, datetime

    from desktop.cases.dto import AccountInfo, Actor
    from desktop.cases.services.ebike.owner_query import OwnerLine, sheet

    bike = {"plate_no": "郑A10000", "frame_no": "119TDT240512345", "brand": "雅迪", "model": "TDT1234Z",
            "colour": "白色", "status": "registered", "registered_on": date(2026, 9, 26), "owner_name": "欧阳娜娜",
            "owner_id_type": "resident_id", "owner_id_number": full_id}
    owners = [OwnerLine(date(2026, 9, 26), "first", "张伟", "resident_id", "410105197501010019", "DC0326092600012", False),
              OwnerLine(date(2026, 11, 4), "transfer", "欧阳娜娜", "resident_id", full_id, "DZ032611100001F", True)]
    actor = Actor(AccountInfo(1, "wang", head["clerk"], "clerk"), head["window"], head["hall"])
    snap = sheet(bike, owners, [(date(2026, 9, 26), "registered", "DC0326092600012")], False, head["case_no"],
                 actor, datetime(2026, 11, 25, 10, 30))
    return snap


def samples(head: dict, full_id: str) -> dict[str, dict]:
    """The certificates of the six procedures, the revocation and the owner's 查询单, on the shared header."""
    EBIKE_HEAD = {**head, "service_name": "电动自行车登记上牌", "case_no": "DC032611250001K"}
    EBIKE_ROWS = [["号牌号码", "郑A00001"], ["车架号（整车编码）", "119TDT240512345"], ["品牌型号", "雅迪 TDT1234Z"],
                  ["车身颜色", "白色"]]

    REGISTRATION_CERTIFICATE = {
        **EBIKE_HEAD, "kind": "registration_certificate", "title": "电动自行车登记证明",
        "intro": "经查验，下列电动自行车符合登记条件，准予登记，核发号牌郑A00001。请凭本凭证领取号牌。",
        "sections": [
            {"heading": "登记信息", "type": "table", "columns": ["项目", "内容"],
             "rows": EBIKE_ROWS + [["登记日期", "2026年11月25日"]]},
            {"heading": "注意事项", "type": "text", "text": "一、驾驶电动自行车上道路行驶，应当依规悬挂号牌（第二十一条）。"},
        ],
        "signature": {"label": "受理单位（印章）", "date": "2026年11月25日"},
    }

    TRANSFER_CERTIFICATE = {
        **EBIKE_HEAD, "kind": "transfer_certificate", "title": "电动自行车转移登记证明",
        "service_name": "电动自行车转移登记", "case_no": "DZ032611250001X",
        "intro": "号牌郑A00001的电动自行车所有权已由张伟转移至欧阳娜娜，准予转移登记，原号牌继续有效。",
        "sections": [{"heading": "登记信息", "type": "table", "columns": ["项目", "内容"],
                      "rows": EBIKE_ROWS + [["转移日期", "2026年11月23日"]]}],
        "signature": {"label": "受理单位（印章）", "date": "2026年11月25日"},
    }

    DESTROYED_CERTIFICATE = {
        **EBIKE_HEAD, "kind": "destroyed_certificate", "title": "电动自行车灭失登记证明",
        "service_name": "电动自行车灭失登记", "case_no": "DM032611250001N",
        "intro": "车架号119TDT240512345的电动自行车已办理灭失登记，该车登记终止。号牌郑A00001自即日起作废，不再核发。",
        "sections": [{"heading": "登记信息", "type": "table", "columns": ["项目", "内容"],
                      "rows": EBIKE_ROWS + [["灭失原因", "火灾烧毁"], ["灭失日期", "2026年11月22日"]]}],
        "signature": {"label": "受理单位（印章）", "date": "2026年11月25日"},
    }

    RECOVERED_CERTIFICATE = {
        **EBIKE_HEAD, "kind": "recovered_certificate", "title": "电动自行车找回登记证明",
        "service_name": "电动自行车找回登记", "case_no": "DH032611250001V",
        "intro": "号牌郑A00001的电动自行车已找回，经现场交验与登记一致，被盗登记终止，登记状态恢复正常。",
        "sections": [{"heading": "登记信息", "type": "table", "columns": ["项目", "内容"],
                      "rows": EBIKE_ROWS + [["找回方式", "公安机关追回发还"], ["找回日期", "2026年11月24日"]]}],
        "signature": {"label": "受理单位（印章）", "date": "2026年11月25日"},
    }

    PLATE_CERTIFICATE = {
        **EBIKE_HEAD, "kind": "plate_certificate", "title": "电动自行车号牌补领/换领登记证明",
        "service_name": "电动自行车号牌补领、换领", "case_no": "DP0326112500016",
        "intro": "车架号119TDT240512345的电动自行车准予补领号牌，核发新号牌郑A00002。原号牌郑A00001自即日起作废。",
        "sections": [{"heading": "登记信息", "type": "table", "columns": ["项目", "内容"],
                      "rows": [["新号牌号码", "郑A00002"], ["原号牌号码", "郑A00001（已作废）"]] + EBIKE_ROWS[1:]}],
        "signature": {"label": "受理单位（印章）", "date": "2026年11月25日"},
    }

    return {"registration_certificate": REGISTRATION_CERTIFICATE, "transfer_certificate": TRANSFER_CERTIFICATE,
            "destroyed_certificate": DESTROYED_CERTIFICATE, "recovered_certificate": RECOVERED_CERTIFICATE,
            "plate_certificate": PLATE_CERTIFICATE, "revocation_decision": _revocation(head),
            "registration_query": _registration_query(head, full_id)}
