"""Administration in the case layer: accounts (list, create, disable, enable, reset) and coded decision reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.cases import accounts, permissions
from desktop.cases.dto import ROLE_LABELS, AccountInfo, ReasonRow
from desktop.cases.errors import ActionRefused, InputError
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.lifecycle_models import DecisionReason
from desktop.store.models import Account
from forms import registry

_CODE = re.compile(r"[A-Z]{2}\d{2,4}")


@dataclass(frozen=True)
class AccountRow:
    """One account as the administrator's list shows it (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    disabled: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def state_label(self, now: datetime | None = None) -> str:
        if self.disabled:
            return "已停用"
        if self.locked_until is not None and self.locked_until > (now or datetime.now()):
            return "密码错误锁定中"
        return "正常"


def _row(a: Account) -> AccountRow:
    return AccountRow(a.id, a.username, a.display_name, a.role, a.disabled, a.locked_until, a.last_login_at,
                      a.created_at)


def _acting(s: Session, who: AccountInfo, action: str) -> Account:
    """The actor's own row, re-read: a role taken away or an account disabled meanwhile counts now."""
    permissions.require(s, who, action)
    row = s.get(Account, who.id)
    if row is None:  # NOTE: cannot be: require() just read it
        raise ActionRefused("账号不存在，请重新登录。")
    return row


def _target(s: Session, account_id: int) -> Account:
    row = s.get(Account, account_id, with_for_update=s.get_bind().dialect.name == "postgresql")
    if row is None:
        raise ActionRefused("账号不存在。")
    return row


# --- accounts ---
def list_accounts(db: Database, admin: AccountInfo) -> list[AccountRow]:
    with db.unit() as s:
        _acting(s, admin, "accounts")
        return [_row(a) for a in s.scalars(select(Account).order_by(Account.disabled, Account.username))]


def create_account(db: Database, admin: AccountInfo, username: str, display_name: str, role: str,
                   password: str, password2: str, window: str = "") -> AccountInfo:
    """A new clerk, supervisor or administrator; the password policy applies (accounts.password_problem)."""
    with db.unit() as s:
        _acting(s, admin, "accounts")
    return accounts.create_account(db, admin, username, display_name, role, password, password2, window)


def set_disabled(db: Database, admin: AccountInfo, account_id: int, disabled: bool,
                 window: str = "") -> AccountRow:
    """Disable or enable an account; accounts are never deleted, so their history keeps its names."""
    with db.unit() as s:
        _acting(s, admin, "accounts")
        row = _target(s, account_id)
        if row.disabled == disabled:
            return _row(row)
        if disabled and row.id == admin.id:
            raise ActionRefused("不能停用自己正在使用的账号。")
        if disabled and row.role == "admin":
            others = s.scalar(select(func.count(Account.id)).where(
                Account.role == "admin", Account.disabled.is_(False), Account.id != row.id))
            if not others:
                raise ActionRefused("这是最后一个可用的管理员账号，不能停用。")
        row.disabled = disabled
        if not disabled:
            row.failed_attempts = 0
            row.locked_until = None
        audit.append(s, "account.disable" if disabled else "account.enable", actor=admin.username,
                     window=window, detail={"username": row.username, "role": row.role})
        return _row(row)


def reset_password(db: Database, admin: AccountInfo, account_id: int, password: str, password2: str,
                   window: str = "") -> AccountRow:
    """A new password set by the administrator; it also lifts a lockout. Never recorded, not even hashed, in the log."""
    with db.unit() as s:
        _acting(s, admin, "accounts")
        row = _target(s, account_id)
        problem = accounts.password_problem(row.username, password)
        if problem:
            raise InputError({"password": problem})
        if password != password2:
            raise InputError({"password2": "两次输入的密码不一致"})
        row.password_hash = accounts.hash_password(password)
        row.failed_attempts = 0
        row.locked_until = None
        audit.append(s, "account.reset", actor=admin.username, window=window, detail={"username": row.username})
        return _row(row)


def is_active(db: Database, account_id: int) -> bool:
    """False once an administrator disabled the account: its open sessions end (see ui.idle_lock)."""
    with db.unit() as s:
        row = s.get(Account, account_id)
        return row is not None and not row.disabled


# --- coded decision reasons ---
def list_reasons(db: Database, admin: AccountInfo) -> list[ReasonRow]:
    """Every reason, deactivated ones too (decisions already taken still cite them)."""
    with db.unit() as s:
        _acting(s, admin, "reasons")
        rows = s.scalars(select(DecisionReason).order_by(DecisionReason.active.desc(), DecisionReason.code))
        return [ReasonRow(r.code, r.label, r.basis, r.active, r.service_id) for r in rows]


def _check_reason(label: str, basis: str, service_id: str | None = None) -> dict[str, str]:
    errors = {}
    if service_id is not None and service_id not in registry.services():
        errors["service_id"] = "请选择理由适用的事项"
    if not label.strip():
        errors["label"] = "请填写理由内容"
    elif len(label.strip()) > 200:
        errors["label"] = "理由内容不超过200字"
    if not basis.strip():
        errors["basis"] = "请填写依据，例如“郑政办〔2021〕8号 二、”"
    elif len(basis.strip()) > 120:
        errors["basis"] = "依据不超过120字"
    return errors


def add_reason(db: Database, admin: AccountInfo, code: str, label: str, basis: str, window: str = "", *,
               service_id: str) -> ReasonRow:
    """A new reason for the cases of one procedure (``service_id``): only those cases may cite it."""
    code = code.strip().upper()
    errors = _check_reason(label, basis, service_id)
    if not _CODE.fullmatch(code):
        errors["code"] = "代码为2个大写字母加2到4位数字，例如“RP04”"
    if errors:
        raise InputError(errors)
    with db.unit() as s:
        _acting(s, admin, "reasons")
        if s.get(DecisionReason, code) is not None:
            raise InputError({"code": f"代码{code}已存在"})
        s.add(DecisionReason(code=code, label=label.strip(), basis=basis.strip(), active=True, service_id=service_id))
        audit.append(s, "reason.add", actor=admin.username, window=window,
                     detail={"code": code, "label": label.strip(), "basis": basis.strip(), "service_id": service_id})
        return ReasonRow(code, label.strip(), basis.strip(), True, service_id)


def edit_reason(db: Database, admin: AccountInfo, code: str, label: str, basis: str, window: str = "", *,
                service_id: str | None = None) -> ReasonRow:
    """Change the wording, basis or procedure (None keeps it); printed decisions keep the text they were printed with."""
    errors = _check_reason(label, basis, service_id)
    if errors:
        raise InputError(errors)
    with db.unit() as s:
        _acting(s, admin, "reasons")
        row = s.get(DecisionReason, code)
        if row is None:
            raise ActionRefused(f"理由代码{code}不存在。")
        before = {"label": row.label, "basis": row.basis, "service_id": row.service_id}
        row.label, row.basis = label.strip(), basis.strip()
        if service_id is not None:
            row.service_id = service_id
        audit.append(s, "reason.edit", actor=admin.username, window=window,
                     detail={"code": code, "before": before, "label": row.label, "basis": row.basis,
                             "service_id": row.service_id})
        return ReasonRow(row.code, row.label, row.basis, row.active, row.service_id)


def set_reason_active(db: Database, admin: AccountInfo, code: str, active: bool, window: str = "") -> ReasonRow:
    """Deactivate (or bring back) a reason; it is never deleted, since old decisions cite its code."""
    with db.unit() as s:
        _acting(s, admin, "reasons")
        row = s.get(DecisionReason, code)
        if row is None:
            raise ActionRefused(f"理由代码{code}不存在。")
        if row.active != active:
            row.active = active
            audit.append(s, "reason.activate" if active else "reason.deactivate", actor=admin.username,
                         window=window, detail={"code": code})
        return ReasonRow(row.code, row.label, row.basis, row.active, row.service_id)
