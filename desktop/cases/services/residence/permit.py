"""居住证 after intake: the 居住证领取凭证 printed when the application is approved."""

from __future__ import annotations

from desktop.cases import hooks, numbers, status
from desktop.cases.papers import header


@hooks.on(status.APPROVED, "residence_permit")
def on_approved(ctx: hooks.IntakeContext) -> hooks.HookResult:
    row = ctx.case
    issue = next((d for d in (row.assessment or {}).get("deadlines", []) if d["key"] == "issue"), None)
    restarted = next((d for d in (row.lifecycle or {}).get("deadlines", []) if d["key"] == "issue"), None)
    latest = restarted or issue
    snap = header("permit_collection", "居住证领取凭证", ctx.service, dict(row.answers), numbers.number_of(row),
                  ctx.actor, ctx.now)
    snap["intro"] = "你申领的居住证经审核符合条件，已批准制作。请凭本凭证和本人身份证件到窗口领取。"
    rows = [["受理编号", row.case_no], ["批准日期", ctx.now.date().isoformat()]]
    if latest:
        due = latest["due"] + ("（暂定）" if latest.get("provisional") else "")
        rows.append(["最迟发放日期", due])
    rows.append(["领取地点", f"{ctx.actor.hall} {ctx.actor.window}号窗口"])
    snap["sections"] = [
        {"heading": "领取信息", "type": "table", "columns": ["项目", "内容"], "rows": rows},
        {"heading": "说明", "type": "text",
         "text": "本人不能到场的，可委托他人凭本凭证、委托人和受托人的身份证件代为领取（郑政办〔2021〕8号 三、2）。"},
    ]
    snap["footer"] = "本凭证遗失的，请到窗口申请补打。"
    return hooks.HookResult(papers=[snap])
