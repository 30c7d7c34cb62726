"""Accounts administration and coded reasons: role checks, password policy, disable/enable, audit rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.cases import accounts, admin as admin_ops, lifecycle, retention, sessions
from desktop.cases.errors import ActionRefused, InputError
from desktop.store import audit
from desktop.store.models import AuditEvent


@pytest.fixture
def staff(db, admin):
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    sup = accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789")
    return {"clerk": clerk, "sup": sup}


def actions(db) -> list[str]:
    with db.unit() as s:
        return [r.action for r in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def last_event(db) -> AuditEvent:
    with db.unit() as s:
        return s.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))


PROTECTED = {
    "list_accounts": lambda db, who, t: admin_ops.list_accounts(db, who),
    "create_account": lambda db, who, t: admin_ops.create_account(db, who, "wu", "吴芳", "clerk", "pass-word-9",
                                                                  "pass-word-9"),
    "disable": lambda db, who, t: admin_ops.set_disabled(db, who, t, True),
    "enable": lambda db, who, t: admin_ops.set_disabled(db, who, t, False),
    "reset_password": lambda db, who, t: admin_ops.reset_password(db, who, t, "new-pass-1", "new-pass-1"),
    "list_reasons": lambda db, who, t: admin_ops.list_reasons(db, who),
    "add_reason": lambda db, who, t: admin_ops.add_reason(db, who, "RP09", "理由", "依据",
                                                              service_id="residence_permit"),
    "edit_reason": lambda db, who, t: admin_ops.edit_reason(db, who, "RP01", "理由", "依据"),
    "deactivate_reason": lambda db, who, t: admin_ops.set_reason_active(db, who, "RP01", False),
    "set_retention": lambda db, who, t: retention.set_rule(db, who, "residence_permit", 3),
    "purge": lambda db, who, t: retention.purge(db, who, dry_run=True),
}


@pytest.mark.parametrize("role", ["clerk", "sup"])
@pytest.mark.parametrize("name", sorted(PROTECTED))
def test_clerks_and_supervisors_are_refused_every_admin_action(db, staff, role, name):
    before = actions(db)
    with pytest.raises(ActionRefused) as info:
        PROTECTED[name](db, staff[role], staff["clerk"].id)
    assert "无权" in info.value.message
    assert actions(db) == before  # nothing half-done, nothing recorded as done


def test_password_policy_in_the_case_layer(db, admin):
    cases = {"short1": "至少8位", "onlyletters": "字母和数字", "12345678": "字母和数字", "wang2026": "登录名"}
    for password, message in cases.items():
        with pytest.raises(InputError) as info:
            admin_ops.create_account(db, admin, "wang2026", "王芳", "clerk", password, password)
        assert message in info.value.errors["password"]
    with pytest.raises(InputError) as info:
        admin_ops.create_account(db, admin, "wu", "吴芳", "boss", "pass-word-9", "pass-word-9")
    assert "role" in info.value.errors
    made = admin_ops.create_account(db, admin, "wu", "吴芳", "supervisor", "pass-word-9", "pass-word-9", "03")
    assert made.role == "supervisor"
    event = last_event(db)
    assert (event.action, event.actor, event.detail) == ("account.create", "admin",
                                                         {"username": "wu", "role": "supervisor"})


def test_disable_ends_sign_in_and_enable_restores_it(db, admin, staff):
    clerk = staff["clerk"]
    row = admin_ops.set_disabled(db, admin, clerk.id, True, "01")
    assert row.disabled and row.state_label() == "已停用"
    assert not admin_ops.is_active(db, clerk.id)
    with pytest.raises(ActionRefused) as info:
        accounts.sign_in(db, "zhang", "secret-456")
    assert "停用" in info.value.message
    with pytest.raises(ActionRefused) as info:  # the open window's lock screen cannot bring it back
        sessions.unlock(db, clerk, "zhang", "secret-456", "03")
    assert "停用" in info.value.message
    admin_ops.set_disabled(db, admin, clerk.id, False, "01")
    assert accounts.sign_in(db, "zhang", "secret-456").id == clerk.id
    assert {"account.disable", "account.enable"} <= set(actions(db))
    names = [a.username for a in admin_ops.list_accounts(db, admin)]
    assert sorted(names) == ["admin", "li", "zhang"]  # never deleted


def test_admin_cannot_disable_self(db, admin, staff):
    with pytest.raises(ActionRefused, match="自己"):
        admin_ops.set_disabled(db, admin, admin.id, True)
    second = admin_ops.create_account(db, admin, "boss2", "周强", "admin", "pass-word-9", "pass-word-9")
    admin_ops.set_disabled(db, second, admin.id, True)  # another administrator may
    with pytest.raises(ActionRefused, match="自己"):  # and so a hall always keeps one
        admin_ops.set_disabled(db, second, second.id, True)


def test_disabled_admin_can_no_longer_administer(db, admin, staff):
    second = admin_ops.create_account(db, admin, "boss2", "周强", "admin", "pass-word-9", "pass-word-9")
    admin_ops.set_disabled(db, admin, second.id, True)
    with pytest.raises(ActionRefused, match="已被管理员停用"):
        admin_ops.list_accounts(db, second)


def test_reset_password_lifts_lockout_and_is_audited(db, admin, staff):
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(ActionRefused):
            accounts.sign_in(db, "zhang", "wrong-pass-1")
    states = {a.username: a.state_label() for a in admin_ops.list_accounts(db, admin)}
    assert states["zhang"] == "密码错误锁定中"
    with pytest.raises(InputError) as info:
        admin_ops.reset_password(db, admin, staff["clerk"].id, "zhang", "zhang")
    assert "password" in info.value.errors
    with pytest.raises(InputError) as info:
        admin_ops.reset_password(db, admin, staff["clerk"].id, "fresh-pass-2", "fresh-pass-3")
    assert "password2" in info.value.errors
    admin_ops.reset_password(db, admin, staff["clerk"].id, "fresh-pass-2", "fresh-pass-2", "01")
    assert accounts.sign_in(db, "zhang", "fresh-pass-2").id == staff["clerk"].id
    event = next(e for e in audit_rows(db) if e.action == "account.reset")
    assert event.detail == {"username": "zhang"} and "fresh" not in str(event.detail)


def audit_rows(db) -> list[AuditEvent]:
    with db.unit() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_coded_reasons_add_edit_deactivate(db, admin):
    with pytest.raises(InputError) as info:
        admin_ops.add_reason(db, admin, "rp", "", "", service_id="")
    assert set(info.value.errors) == {"code", "label", "basis", "service_id"}
    with pytest.raises(InputError, match="已存在"):
        admin_ops.add_reason(db, admin, "RP01", "理由", "依据", service_id="residence_permit")
    admin_ops.add_reason(db, admin, "rp04", "居住证明材料系伪造", "郑政办〔2021〕8号 三、", "01",
                         service_id="residence_permit")
    assert "RP04" in [r.code for r in lifecycle.decision_reasons(db, "residence_permit")]
    assert "RP04" not in [r.code for r in lifecycle.decision_reasons(db, "startup_subsidy")]
    admin_ops.edit_reason(db, admin, "RP04", "居住证明材料不真实", "郑政办〔2021〕8号 三、", "01")
    admin_ops.set_reason_active(db, admin, "RP04", False, "01")
    assert "RP04" not in [r.code for r in lifecycle.decision_reasons(db, "residence_permit")]  # no longer offered
    rows = {r.code: r for r in admin_ops.list_reasons(db, admin)}
    assert rows["RP04"].label == "居住证明材料不真实" and not rows["RP04"].active
    assert rows["RP04"].service_id == "residence_permit"  # edit_reason without service_id keeps it
    assert actions(db)[-3:] == ["reason.add", "reason.edit", "reason.deactivate"]
    with db.unit() as s:
        assert audit.verify(s)[0]


def test_hall_settings_are_changed_by_administrators_only(staff, admin):
    from dataclasses import asdict

    from desktop.settings import Settings

    before = asdict(Settings(window_no="03"))
    for key, value in (("window_no", "04"), ("hall_name", "别的大厅"), ("output_dir", "/tmp/x"),
                       ("idle_lock_minutes", 240), ("hall_address", "郑州市金水区某路1号"),
                       ("hall_phone", "0371-67188888")):
        with pytest.raises(ActionRefused, match="由管理员设置"):
            sessions.check_settings_change(staff["clerk"], before, {**before, key: value})
        with pytest.raises(ActionRefused):
            sessions.check_settings_change(staff["sup"], before, {**before, key: value})
        sessions.check_settings_change(admin, before, {**before, key: value})
    sessions.check_settings_change(staff["clerk"], before, {**before, "font_path": "/fonts/simsun.ttf"})


def test_hall_address_and_phone_are_checked_and_printed_as_the_contact_line(admin):
    from desktop.cases.dto import Actor
    from desktop.cases.papers import contact_line
    from desktop.settings import Settings, validate

    assert validate(Settings(hall_phone="0371-67188888", hall_address="郑州市金水区某路1号")) == {}
    assert set(validate(Settings(hall_phone="电话67188888", hall_address="长" * 61))) == {"hall_phone", "hall_address"}
    actor = Actor(admin, "03", "大厅", "郑州市金水区某路1号", "0371-67188888")
    assert contact_line(actor) == "地址：郑州市金水区某路1号  电话：0371-67188888"
    assert contact_line(Actor(admin, "03", "大厅")) == ""
