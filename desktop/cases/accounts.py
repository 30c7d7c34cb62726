"""Clerk accounts: the first administrator, sign-in with argon2id, lockout after repeated failures."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select, update

from desktop.cases import passwords, permissions
from desktop.cases.dto import ROLES, AccountInfo, Countersign
from desktop.cases.errors import ActionRefused, InputError
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import Account

MIN_PASSWORD_LENGTH = 8
MAX_FAILURES = 5
LOCK_MINUTES = 5
# NOTE: one answer for an unknown login name, a wrong password and a locked account, so the
# sign-in screen does not tell which login names exist (the audit log keeps the real reason).
SIGN_IN_FAILED = f"登录名或密码不正确。同一账号连续输错{MAX_FAILURES}次将锁定{LOCK_MINUTES}分钟。"
DISABLED = "该账号已停用，请联系管理员。"


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
    return passwords.hash_password(password)


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
            password_hash=passwords.hash_password(password), failed_attempts=0, disabled=False,
            created_at=datetime.now(),
        )
        s.add(row)
        s.flush()
        audit.append(s, "account.create", actor=row.username, window=window,
                     detail={"username": row.username, "role": "admin", "first": True})
        return _info(row)


def create_account(db: Database, admin: AccountInfo, username: str, display_name: str, role: str,
                   password: str, password2: str, window: str = "") -> AccountInfo:
    errors = validate_new_account(username, display_name, password, password2)
    if role not in ROLES:
        errors["role"] = "请选择角色"
    with db.unit() as s:
        permissions.require(s, admin, "accounts", refused="只有管理员可以创建账号。")
        if errors:
            raise InputError(errors)
        if s.scalar(select(Account.id).where(Account.username == username.strip())):
            raise InputError({"username": "登录名已存在"})
        row = Account(
            username=username.strip(), display_name=display_name.strip(), role=role,
            password_hash=passwords.hash_password(password), failed_attempts=0, disabled=False,
            created_at=datetime.now(),
        )
        s.add(row)
        s.flush()
        audit.append(s, "account.create", actor=admin.username, window=window,
                     detail={"username": row.username, "role": role})
        return _info(row)


def _reserve_attempt(db: Database, username: str, now: datetime) -> tuple[Account | None, bool]:
    """Count this attempt before the password is checked: (the account, whether a check is allowed).

    NOTE: one atomic UPDATE … RETURNING takes an attempt from the account's allowance, so eight
    windows guessing at once cannot all read "3 failures so far" and each evaluate a guess: at most
    MAX_FAILURES guesses are ever checked before the lock. The attempt that uses the last one locks
    the account in the same statement; a right password then lifts the lock again. An attempt that
    never finishes (a crash) stays counted, which errs on the safe side.
    """
    # NOTE: a Core UPDATE of the table, not the ORM entity: the same SQL without the ORM's bulk-update
    # evaluation (≈ 10 ms of 登录 in a fresh process, issue 15); no loaded object needs syncing.
    table = Account.__table__.c
    last = table.failed_attempts + 1 >= MAX_FAILURES
    statement = (
        update(Account.__table__)
        .where(table.username == username,
               or_(table.locked_until.is_(None), table.locked_until <= now),
               table.failed_attempts < MAX_FAILURES)
        .values(failed_attempts=case((last, 0), else_=table.failed_attempts + 1),
                locked_until=case((last, now + timedelta(minutes=LOCK_MINUTES)), else_=None))
        .returning(table.id)
    )
    with db.unit() as s:
        # NOTE: the UPDATE is the transaction's first statement, so on SQLite it takes the write
        # lock before anything is read (no stale snapshot), on PostgreSQL it locks the row.
        reserved = s.execute(statement).scalar()
        row = s.scalars(select(Account).where(Account.username == username)
                        .execution_options(populate_existing=True)).first()
        if row is not None:
            s.expunge(row)
        return row, reserved is not None


def sign_in(db: Database, username: str, password: str, window: str = "",
            now: datetime | None = None, success_action: str = "signin",
            detail: dict | None = None) -> AccountInfo:
    """The account, or ActionRefused. Every failure is counted and recorded, never the password.

    An unknown login name, a wrong password and a locked account get the same words and the same
    argon2 work (a dummy hash), so neither the answer nor its timing tells which names exist.
    ``success_action`` names the audit event of a success ("unlock" for the idle lock, "countersign"),
    so an unlock is not counted as a new sign-in; failures and the lockout are the same either way.
    """
    now = now or datetime.now()
    if not username.strip() or not password:
        raise InputError({"username" if not username.strip() else "password": "请输入登录名和密码"})
    name = username.strip()
    row, allowed = _reserve_attempt(db, name, now)
    checked = row if allowed else None  # the account whose password is checked (None: a dummy hash)
    if row is None:
        reason: str | None = "unknown_user"
    elif not allowed:
        reason = "locked"
    else:
        reason = None
    # NOTE: outside any transaction: the argon2 work must not hold the database's write lock.
    ok = passwords.matches(checked.password_hash if checked is not None else None, password)
    with db.unit() as s:
        permissions.begin_write(s)  # NOTE: the audit row below reads the chain's head; no stale snapshot
        if ok and checked is not None:  # (a dummy hash never matches: ok means an account was checked)
            current = s.get(Account, checked.id, with_for_update=s.get_bind().dialect.name == "postgresql")
            if current is None:  # NOTE: removed since the check (accounts are disabled, not deleted)
                audit.append(s, "signin.failed", actor=checked.username, window=window,
                             detail={"reason": "unknown_user"})
                failure = SIGN_IN_FAILED
            elif current.disabled:
                audit.append(s, "signin.failed", actor=current.username, window=window, detail={"reason": "disabled"})
                failure = DISABLED
            else:
                current.failed_attempts = 0
                current.locked_until = None
                current.last_login_at = now
                if passwords.needs_rehash(current.password_hash):
                    current.password_hash = passwords.hash_password(password)
                audit.append(s, success_action, actor=current.username, window=window, detail=detail)
                return _info(current)
        elif reason is not None or row is None:
            audit.append(s, "signin.failed", actor=row.username if row else None, window=window,
                         detail={"reason": reason})
            failure = SIGN_IN_FAILED
        elif row.locked_until is not None and row.locked_until > now:
            # This attempt used the last of the allowance and locked the account.
            audit.append(s, "account.locked", actor=row.username, window=window, detail={"minutes": LOCK_MINUTES})
            failure = SIGN_IN_FAILED
        else:
            audit.append(s, "signin.failed", actor=row.username, window=window, detail={"reason": "password"})
            failure = SIGN_IN_FAILED
    # NOTE: raised after the unit committed, so the audit row is kept.
    raise ActionRefused(failure)


def sign_out(db: Database, account: AccountInfo, window: str = "") -> None:
    with db.unit() as s:
        audit.append(s, "signout", actor=account.username, window=window)


def countersign(db: Database, actor_account: AccountInfo, username: str, password: str,
                window: str = "") -> Countersign:
    """A second person confirms with their own password on this window (cancel, reprints).

    The password is checked here like a sign-in (failures count towards the lockout), and the
    returned credential is checked again by the case action inside its own transaction.
    """
    if username.strip() == actor_account.username:
        raise ActionRefused("复核人不能是经办人本人。")
    signer = sign_in(db, username, password, window, success_action="countersign",
                     detail={"for": actor_account.username})
    if not permissions.can(signer, "countersign"):
        raise ActionRefused(f"复核人{signer.display_name}不是审核人员，不能复核。")
    return Countersign(signer.username, password)
