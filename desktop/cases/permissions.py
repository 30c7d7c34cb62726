"""Who may do what: enforced in the case layer, whatever the buttons show."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.orm import Session

from desktop.cases import passwords
from desktop.cases.dto import ROLE_LABELS, AccountInfo, Actor, Countersign
from desktop.cases.errors import ActionRefused
from desktop.cases.registration import Registry, caller
from desktop.store.models import Account

# NOTE: separation of duties (放管服: 受理、审核分离): clerks take cases in; supervisors decide,
# and countersign what a clerk may not do alone; administrators keep accounts and settings.
# An administrator also works a window (the first account of a new hall is an administrator),
# but never decides a case.
ALLOWED: dict[str, frozenset[str]] = {
    "intake": frozenset({"clerk", "supervisor", "admin"}),
    # NOTE: anyone may start a cancellation or reprint a paper; a supervisor's countersign
    # completes a cancellation and a certificate's reprint.
    "cancel": frozenset({"clerk", "supervisor", "admin"}),
    "reprint": frozenset({"clerk", "supervisor", "admin"}),
    "session": frozenset({"clerk", "supervisor", "admin"}),
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
    "calendar": frozenset({"admin"}),
    "promised": frozenset({"admin"}),
    # NOTE: the audit trail names every clerk's actions; supervisors check it, clerks do not browse it.
    "audit": frozenset({"supervisor", "admin"}),
    # NOTE: a list of citizens leaving the program is a transfer of personal data (PIPL): clerks
    # find and open cases; supervisors and administrators may export a search result.
    "export": frozenset({"supervisor", "admin"}),
}
LABELS = {
    "intake": "受理", "cancel": "撤销案件", "reprint": "补打文书", "session": "继续使用本窗口",
    "supplement": "补正", "issue": "发证", "extend": "延长办理期限",
    "decide": "作出审核决定", "countersign": "复核签字", "accounts": "管理账号",
    "settings": "修改大厅设置", "purge": "清理到期数据",
    "reasons": "维护不予许可理由", "retention": "设置保存期限",
    "calendar": "调整节假日安排", "promised": "设置承诺办结时限", "audit": "查看审计记录", "export": "导出案件清单",
}
# Actions that need a second person: a supervisor other than the one acting.
NEEDS_COUNTERSIGN = frozenset({"cancel", "reprint_certificate"})
CORE_SCOPE = "通用"  # what the 权限 tab says of the actions above (a service's say its own name)


@dataclass(frozen=True)
class Permission:
    """One action a role may take: its key, what a refusal calls it (无权{label}), the roles, whose it is."""

    key: str
    label: str
    roles: frozenset[str]
    scope: str = CORE_SCOPE  # the service (group) that declared it, for the administrator's list


# NOTE (issue 16): a service's own actions (the e-bike plate series: "plates") are declared by its package
# (desktop/cases/services/<name>/), not listed above; a key declared twice, or one of the core's, fails at
# start-up like every registration of the seam.
_declared: Registry[str, Permission] = Registry("permission")
for _key, _roles in ALLOWED.items():
    _declared.add(_key, Permission(_key, LABELS[_key], _roles), __name__)


def declare(key: str, label: str, roles: frozenset[str] | set[str], scope: str) -> Permission:
    """A service's permission (key, Chinese label, roles); DuplicateRegistration for a key already known."""
    unknown = set(roles) - set(ROLE_LABELS)
    if unknown:
        raise ValueError(f"permission {key!r}: unknown roles {sorted(unknown)}")
    return _declared.add(key, Permission(key, label, frozenset(roles), scope), caller())


def _permission(action: str) -> Permission | None:
    found = _declared.get(action)
    if found is None:
        # NOTE: a service's permission is declared when its package loads (imported here, not at the top:
        # the packages import this module).
        from desktop.cases import services

        services.load()
        found = _declared.get(action)
    return found


def allowed(action: str) -> frozenset[str]:
    """The roles that may take ``action`` (none for an action nobody declared)."""
    found = _permission(action)
    return found.roles if found is not None else frozenset()


def label(action: str) -> str:
    found = _permission(action)
    return found.label if found is not None else action


def declared() -> tuple[Permission, ...]:
    """Every permission, the core's first, then each service's in load order (the administrator's 权限 tab)."""
    from desktop.cases import services

    services.load()
    return tuple(_declared.values())


def can(account: AccountInfo, action: str) -> bool:
    """For the UI only (which menu items to show): the role the account had when it signed in."""
    return account.role in allowed(action)


def _account_row(s: Session, account_id: int | None = None, username: str | None = None) -> Account | None:
    """The account as the database has it now, read inside the caller's transaction and held there."""
    bind = s.get_bind()
    query = select(Account).execution_options(populate_existing=True)
    query = query.where(Account.id == account_id) if account_id is not None else query.where(
        Account.username == (username or "").strip())
    if bind.dialect.name == "postgresql":
        # NOTE: FOR SHARE: an administrator's disable (an UPDATE of this row) waits until the action
        # commits, or the action waits for the disable and then sees it; never both at once.
        query = query.with_for_update(read=True)
    elif bind.dialect.name == "sqlite":
        begin_write(s)
    return s.scalars(query).first()


@functools.lru_cache(maxsize=4)
def _state_query(dialect: str) -> Executable:
    """What ``require`` reads of the acting account, built once per dialect (issue 15: ≈ 0.1 ms a call to build)."""
    query = select(Account.id, Account.username, Account.display_name, Account.role, Account.disabled,
                   Account.locked_until).where(Account.id == bindparam("account_id"))
    return query.with_for_update(read=True) if dialect == "postgresql" else query


def _account_state(s: Session, account_id: int) -> Any:
    """The acting account's id, names, role and state as the database has them now (``_account_row``'s locks)."""
    dialect = s.get_bind().dialect.name
    if dialect == "sqlite":
        begin_write(s)
    if s.autoflush:
        s.flush()  # NOTE: as s.execute would (a no-op when nothing is pending)
    # NOTE: on the unit's connection: the same transaction and lock as the entity read, without
    # loading the password hash or refreshing an ORM object nothing here changes.
    return s.connection().execute(_state_query(dialect), {"account_id": account_id}).first()


def begin_write(s: Session) -> None:
    """Make the SQLite transaction a writer's now, so the account read below stays true until commit."""
    # NOTE: Python's sqlite3 only begins a transaction at the first write, so a read before it is
    # outside the transaction; BEGIN IMMEDIATE takes the write lock first. Harmless when
    # Database.unit() already began one (then the connection is in a transaction and this is skipped).
    if s.get_bind().dialect.name != "sqlite":
        return
    connection = s.connection()
    raw = connection.connection.driver_connection  # a checked-out connection always has its driver's
    if raw is None or not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _info(row: Any) -> AccountInfo:
    return AccountInfo(row.id, row.username, row.display_name, row.role)


def _state_problem(row: Any, name: str, now: datetime) -> str | None:
    if row is None or row.disabled:
        return f"{name}的账号已被管理员停用"
    if row.locked_until is not None and row.locked_until > now:
        return f"{name}的账号因密码多次输错已被锁定"
    return None


def require(s: Session, actor: Actor | AccountInfo, action: str, now: datetime | None = None, *,
            refused: str | None = None) -> AccountInfo:
    """The acting account as it is now in the database, or ActionRefused: disabled, locked, or not allowed.

    Call it inside the action's transaction with its session: the role and state the UI holds are a
    copy from sign-in and may be stale or forged. ``refused`` replaces the words for a role that may not.
    """
    account = actor.account if isinstance(actor, Actor) else actor
    what = label(action)
    row = _account_state(s, account.id)
    problem = _state_problem(row, account.display_name, now or datetime.now())
    if row is None or problem:  # (no row is always a problem: the account was removed)
        raise ActionRefused(f"{problem}，不能{what}。")
    if (row.username, row.display_name) != (account.username, account.display_name):
        # NOTE: the audit rows and papers name the actor from the account the UI holds; one that
        # does not match the database would put another person's name on the record.
        raise ActionRefused(f"账号信息与登录时不符，不能{what}。请重新登录。")
    if row.role not in allowed(action):
        raise ActionRefused(refused or f"{row.display_name}（{ROLE_LABELS.get(row.role, row.role)}）无权{what}。")
    return _info(row)


def require_countersign(s: Session, actor: Actor, countersign: Countersign | None, what: str,
                        now: datetime | None = None) -> AccountInfo:
    """A second, enabled supervisor whose password is checked here, in the action's transaction."""
    if countersign is None or not isinstance(countersign, Countersign) or not countersign.password:
        raise ActionRefused(f"{what}需要另一位审核人员输入登录名和密码复核签字。")
    if countersign.username.strip() == actor.account.username:
        raise ActionRefused(f"{what}的复核人不能是经办人本人。")
    row = _account_row(s, username=countersign.username)
    # NOTE: the hash is checked before anything else is said about the account, and an unknown
    # name costs a dummy check, so this answer does not tell which login names exist.
    matched = passwords.matches(row.password_hash if row is not None else None, countersign.password)
    if not matched or row is None:  # (a dummy hash never matches)
        raise ActionRefused(f"复核人登录名或密码不正确，{what}未完成。")
    if row.id == actor.account.id:
        raise ActionRefused(f"{what}的复核人不能是经办人本人。")
    problem = _state_problem(row, row.display_name, now or datetime.now())
    if problem:
        raise ActionRefused(f"{problem}，不能复核{what}。")
    if row.role not in ALLOWED["countersign"]:
        raise ActionRefused(f"复核人{row.display_name}不是审核人员，不能复核{what}。")
    return _info(row)
