"""现场查验 of an e-bike (郑州市非机动车管理办法 第十四条): what the clerk records, its findings, and the record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.at_window import Inspection
from forms.model import Basis, Effect, Field, Finding, Kind, Outcome, RuleContext
from forms.service import missing_info

DOC = "郑州市非机动车管理办法（市政府令第242号）"
BASIS = Basis(DOC, "第十四条")
SECTION = "现场查验"
MATCH, MISMATCH = "match", "mismatch"
RESULTS = ((MATCH, "一致"), (MISMATCH, "不一致"))

# (answer key, what is compared, the short name printed on the papers, what a mismatch means)
# NOTE: 第十四条 asks the owner to 现场交验车辆 and the police to 查验 it; what a 查验 compares is
# the bike against its 整车合格证明 (第十四条第一款（四）): the frame number stamped on the frame,
# the motor number, and the certificate's description of the bike (brand, model, colour and the
# technical parameters the standard check relies on). Each is recorded on its own so a paper can
# say which one failed; the detailed rules (第十三条第三款) that might list more are not among our sources.
ITEMS = (
    ("inspect_frame", "车架上的车架号（整车编码）与整车合格证一致", "车架号", "车架上的车架号与整车合格证所载不一致"),
    ("inspect_motor", "电机上的电机号与整车合格证一致", "电机号", "电机号与整车合格证所载不一致"),
    ("inspect_certificate", "整车合格证与车辆一致（品牌、型号、颜色、技术参数）", "合格证与车辆",
     "整车合格证所载品牌、型号、颜色或技术参数与车辆不一致"),
)
NOTE_KEY = "inspect_note"

FIELDS = (
    # NOTE: required=False on the form: the rule reports an unanswered item itself, once, citing 第十四条.
    *(Field(key, label, Kind.CHOICE, required=False, choices=RESULTS, section=SECTION,
            help="第十四条：现场交验车辆，对车辆进行查验") for key, label, _short, _mismatch in ITEMS),
    # NOTE: the label names 号码: the note may quote the numbers seen on the bike, so the log masks it.
    Field(NOTE_KEY, "不一致情况（所见号码、参数）", required=False, max_length=200, section=SECTION,
          help="任一项不一致时写明：哪一项、车上所见与合格证所载各是什么"),
)
KEYS = tuple(key for key, _label, _short, _mismatch in ITEMS) + (NOTE_KEY,)


def findings(ctx: RuleContext, rid: str = "dc.inspected") -> list[Finding]:
    """One finding per item: unanswered is missing information, a mismatch refuses (不予登记)."""
    out: list[Finding] = []
    failed = []
    for key, label, short, mismatch in ITEMS:
        value = ctx.get(key)
        item_id = f"{rid}.{key.removeprefix('inspect_')}"
        if value is None:
            # NOTE: on a 一次性告知书 this tells the applicant to present the bike (现场交验车辆).
            out.append(missing_info(item_id, f"未完成现场查验（{label}）：请将车辆送至登记窗口现场交验", BASIS, key))
        elif value == MATCH:
            out.append(Finding(item_id, Outcome.PASS, f"现场查验：{short}一致", BASIS, field=key))
        else:
            failed.append((key, mismatch))
    note = ctx.get(NOTE_KEY)
    for key, mismatch in failed:
        what = f"（{note}）" if note else ""
        # NOTE: REFUSE, not CORRECT: a bike that does not match its certificate cannot be registered
        # (第十四条: 对不符合条件的，不予登记并书面说明理由); the 不予登记通知书 names the mismatch and what
        # the owner can do about it.
        out.append(Finding(
            f"{rid}.{key.removeprefix('inspect_')}", Outcome.FAIL,
            f"现场查验：{mismatch}{what}，不予登记。请持与车辆一致的整车合格证明"
            "（可向销售者或生产者核实、更换）并交验车辆后重新申请",
            BASIS, Effect.REFUSE, key, {"item": key, "note": note or ""},
        ))
    if failed and not note:
        # NOTE: FAIL + CORRECT (not MISSING): the written refusal must say what did not match, so
        # the case layer refuses to print it until the clerk has written it down (Assessment.corrections).
        out.append(Finding(f"{rid}.note", Outcome.FAIL, "查验有不一致项，请在“不一致情况”栏写明不一致之处",
                           BASIS, Effect.CORRECT, NOTE_KEY))
    return out


def record(answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the inspection found, for the case's lifecycle, the audit event and the 登记证明; None without one."""
    if not any(key in answers for key in KEYS):
        return None
    items = [{"item": key, "label": short, "result": answers.get(key) or "",
              "result_label": dict(RESULTS).get(str(answers.get(key) or ""), "未查验")}
             for key, _label, short, _mismatch in ITEMS]
    passed = all(i["result"] == MATCH for i in items)
    return {"items": items, "passed": passed, "note": str(answers.get(NOTE_KEY) or "")}


def summary(inspection: Mapping[str, Any]) -> str:
    """One line for a paper: 车架号、电机号、合格证与车辆均一致 — or each item with its result."""
    items = inspection.get("items", [])
    if items and all(i["result"] == MATCH for i in items):
        text = "、".join(i["label"] for i in items) + "均一致"
    else:
        text = "；".join(f"{i['label']}{i['result_label']}" for i in items)
    return text + (f"；{inspection['note']}" if inspection.get("note") else "")


def upgrade(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers saved before the inspection was data: the old single tick becomes what it said.

    NOTE: the old field was one tick, "车辆已现场交验，车架号与合格证一致". Ticked, it said the bike was
    presented and its frame number matched the certificate — so inspect_frame is "match"; it said
    nothing about the motor number or the certificate's description, which stay unanswered (missing,
    never assumed). Unticked meant the bike had not been presented: nothing was inspected, so nothing
    is recorded. A value already in the new fields wins.
    """
    if "vehicle_inspected" not in answers:
        return dict(answers)
    out = {k: v for k, v in answers.items() if k != "vehicle_inspected"}
    if answers["vehicle_inspected"] in (True, "true", "是", 1, "1") and not out.get("inspect_frame"):
        out["inspect_frame"] = MATCH
    return out


# What the first registration declares (forms/services/ebike/registration.py, Service.at_window): its
# inspection's fields and record, so desktop/cases/at_window.py records it without naming the e-bike.
INSPECTION = Inspection(KEYS, record, "现场查验有未通过或未完成的项目，不能登记。请核对查验结果。")
