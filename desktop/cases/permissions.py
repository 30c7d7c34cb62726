"""Who may do what: enforced in the case layer, whatever the buttons show."""

from __future__ import annotations

from desktop.cases.dto import AccountInfo, Actor
from desktop.cases.errors import ActionRefused

# NOTE: separation of duties (放管服: 受理、审核分离): clerks take cases in; supervisors decide,
# and countersign what a clerk may not do alone; administrators keep accounts and settings.
# An administrator also works a window (the first account of a new hall is an administrator),
# but never decides a case.
ALLOWED: dict[str, frozenset[str]] = {
    "intake": frozenset({"clerk", "supervisor", "admin"}),
    "supplement": frozenset({"clerk", "supervisor", "admin"}),
    "issue": frozenset({"clerk", "supervisor", "admin"}),
    "extend": frozenset({"supervisor"}),
    "decide": frozenset({"supervisor"}),
    "countersign": frozenset({"supervisor"}),
    "accounts": frozenset({"admin"}),
    "settings": frozenset({"admin"}),
    "purge": frozenset({"admin"}),
    "reasons": frozenset({"admin"}),
    "retention": frozenset({"admin"}),
    "plates": frozenset({"admin"}),
    "calendar": frozenset({"admin"}),
    # NOTE: the audit trail names every clerk's actions; supervisors check it, clerks do not browse it.
    "audit": frozenset({"supervisor", "admin"}),
    # NOTE: a list of citizens leaving the program is a transfer of personal data (PIPL): clerks
    # find and open cases; supervisors and administrators may export a search result.
    "export": frozenset({"supervisor", "admin"}),
}
LABELS = {
    "intake": "受理", "supplement": "补正", "issue": "发证", "extend": "延长办理期限",
    "decide": "作出审核决定", "countersign": "复核签字", "accounts": "管理账号",
    "settings": "修改大厅设置", "purge": "清理到期数据",
    "reasons": "维护不予许可理由", "retention": "设置保存期限", "plates": "设置号牌号段",
    "calendar": "调整节假日安排", "audit": "查看审计记录", "export": "导出案件清单",
}
# Actions that need a second person: a supervisor other than the one acting.
NEEDS_COUNTERSIGN = frozenset({"cancel", "reprint_certificate"})


def can(account: AccountInfo, action: str) -> bool:
    return account.role in ALLOWED.get(action, frozenset())


def require(actor: Actor | AccountInfo, action: str) -> None:
    account = actor.account if isinstance(actor, Actor) else actor
    if not can(account, action):
        raise ActionRefused(f"{account.display_name}（{account.role_label}）无权{LABELS.get(action, action)}。")


def require_countersign(actor: Actor, countersign: AccountInfo | None, what: str) -> AccountInfo:
    """A supervisor other than the actor must have signed in on this window to confirm."""
    if countersign is None:
        raise ActionRefused(f"{what}需要另一位审核人员复核签字。")
    if countersign.id == actor.account.id:
        raise ActionRefused(f"{what}的复核人不能是经办人本人。")
    if not can(countersign, "countersign"):
        raise ActionRefused(f"复核人{countersign.display_name}不是审核人员，不能复核{what}。")
    return countersign
