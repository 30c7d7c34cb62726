"""Clerk accounts: the first administrator, sign-in with argon2id, lockout after repeated failures."""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from desktop.cases import permissions
from desktop.cases.dto import ROLES, AccountInfo
from desktop.cases.errors import ActionRefused, InputError
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import Account

MIN_PASSWORD_LENGTH = 8
MAX_FAILURES = 5
LOCK_MINUTES = 5
# argon2-cffi's PasswordHasher defaults to argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()


def _info(row: Account) -> AccountInfo:
    return AccountInfo(row.id, row.username, row.display_name, row.role)


def has_accounts(db: Database) -> bool:
    with db.unit() as s:
        return bool(s.scalar(select(func.count(Account.id))))


def validate_new_account(username: str, display_name: str, password: str, password2: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "请填写登录名"
    elif len(username) > 40 or not username.replace("_", "").replace(".", "").isalnum():
        errors["username"] = "登录名只能包含字母、数字、下划线和点，不超过40个字符"
    if not display_name.strip():
        errors["display_name"] = "请填写姓名"
    problem = password_problem(username, password)
    if problem:
        errors["password"] = problem
    elif password != password2:
        errors["password2"] = "两次输入的密码不一致"
    return errors


def password_problem(username: str, password: str) -> str | None:
    """THE password policy, in Chinese, or None: at least 8 characters, letters and digits, not the login name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少{MIN_PASSWORD_LENGTH}位"
    if not (any(c.isascii() and c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        return "密码须同时包含字母和数字"
    if username.strip() and password.strip().lower() == username.strip().lower():
        return "密码不能与登录名相同"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_first_admin(db: Database, username: str, display_name: str, password: str,
                       password2: str, window: str = "") -> AccountInfo:
    """Create the first administrator; refused once any account exists."""
    errors = validate_new_account(username, display_name, password, password2)
    if errors:
        raise InputError(errors)
    with db.unit() as s:
        if s.scalar(select(func.count(Account.id))):
            raise ActionRefused("已存在账号，不能再创建首个管理员。")
        row = Account(
            username=username.strip(), display_name=display_name.strip(), role="admin",
            password_hash=_hasher.hash(password), failed_attempts=0, disabled=False,
            created_at=datetime.now(),
        )
        s.add(row)
        s.flush()
        audit.append(s, "account.create", actor=row.username, window=window,
                     detail={"username": row.username, "role": "admin", "first": True})
        return _info(row)


def create_account(db: Database, admin: AccountInfo, username: str, display_name: str, role: str,
                   password: str, password2: str, window: str = "") -> AccountInfo:
    if not permissions.can(admin, "accounts"):
        raise ActionRefused("只有管理员可以创建账号。")
    errors = validate_new_account(username, display_name, password, password2)
    if role not in ROLES:
        errors["role"] = "请选择角色"
    if errors:
        raise InputError(errors)
    with db.unit() as s:
        if s.scalar(select(Account.id).where(Account.username == username.strip())):
            raise InputError({"username": "登录名已存在"})
        row = Account(
            username=username.strip(), display_name=display_name.strip(), role=role,
            password_hash=_hasher.hash(password), failed_attempts=0, disabled=False,
            created_at=datetime.now(),
        )
        s.add(row)
        s.flush()
        audit.append(s, "account.create", actor=admin.username, window=window,
                     detail={"username": row.username, "role": role})
        return _info(row)


def sign_in(db: Database, username: str, password: str, window: str = "",
            now: datetime | None = None, success_action: str = "signin") -> AccountInfo:
    """The account, or ActionRefused with the reason. Every failure is recorded, never the password.

    ``success_action`` names the audit event of a success ("unlock" for the idle lock), so an
    unlock is not counted as a new sign-in; failures and the lockout are the same either way.
    """
    now = now or datetime.now()
    if not username.strip() or not password:
        raise InputError({"username" if not username.strip() else "password": "请输入登录名和密码"})
    failure: str | None = None
    with db.unit() as s:
        row = s.scalar(select(Account).where(Account.username == username.strip()))
        if row is None:
            audit.append(s, "signin.failed", actor=None, window=window, detail={"reason": "unknown_user"})
            failure = "登录名或密码不正确。"
        elif row.disabled:
            audit.append(s, "signin.failed", actor=row.username, window=window, detail={"reason": "disabled"})
            failure = "该账号已停用，请联系管理员。"
        elif row.locked_until is not None and row.locked_until > now:
            minutes = max(1, int((row.locked_until - now).total_seconds() + 59) // 60)
            audit.append(s, "signin.failed", actor=row.username, window=window, detail={"reason": "locked"})
            failure = f"密码错误次数过多，账号已锁定，请{minutes}分钟后再试。"
        else:
            try:
                _hasher.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                row.failed_attempts += 1
                left = MAX_FAILURES - row.failed_attempts
                if left <= 0:
                    row.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    row.failed_attempts = 0
                    audit.append(s, "account.locked", actor=row.username, window=window,
                                 detail={"minutes": LOCK_MINUTES})
                    failure = f"密码连续错误{MAX_FAILURES}次，账号已锁定{LOCK_MINUTES}分钟。"
                else:
                    audit.append(s, "signin.failed", actor=row.username, window=window,
                                 detail={"reason": "password"})
                    failure = f"登录名或密码不正确，还可尝试{left}次。"
            else:
                row.failed_attempts = 0
                row.locked_until = None
                row.last_login_at = now
                if _hasher.check_needs_rehash(row.password_hash):
                    row.password_hash = _hasher.hash(password)
                audit.append(s, success_action, actor=row.username, window=window)
                return _info(row)
    # NOTE: raised after the unit committed, so the failure counter and audit row are kept.
    raise ActionRefused(failure)


def sign_out(db: Database, account: AccountInfo, window: str = "") -> None:
    with db.unit() as s:
        audit.append(s, "signout", actor=account.username, window=window)


def verify_password(db: Database, account: AccountInfo, password: str, window: str = "") -> bool:
    """For the idle lock: the signed-in clerk's own password again."""
    try:
        return sign_in(db, account.username, password, window).id == account.id
    except (ActionRefused, InputError):
        return False


def countersign(db: Database, actor_account: AccountInfo, username: str, password: str,
                window: str = "") -> AccountInfo:
    """A second person confirms with their own password on this window (cancel, reprints)."""
    if username.strip() == actor_account.username:
        raise ActionRefused("复核人不能是经办人本人。")
    signer = sign_in(db, username, password, window)
    with db.unit() as s:
        audit.append(s, "countersign", actor=signer.username, window=window,
                     detail={"for": actor_account.username})
    return signer
