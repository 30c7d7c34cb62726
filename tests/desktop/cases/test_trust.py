"""The case layer trusts nothing the UI hands it: role and state from the database, countersigns as passwords."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from desktop.cases import (
    admin as admin_ops,
    audit_report,
    calendars,
    drafts,
    export,
    intake,
    lifecycle,
    pledges,
    print_jobs,
    privacy,
    reprints,
    retention,
)
from desktop.cases.dto import AccountInfo, Actor, Countersign
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.cases.queries import CaseFilter
from desktop.cases.services.ebike import plates
from desktop.store.models import Account, AuditEvent, Case
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


@pytest.fixture
def accepted(db, people, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    return intake.accept(HallContext(db, people["clerk"], tmp_path),
                         "residence_permit", case["answers"], case["materials"], now=NOW).case


def status_of(db, case_id):
    with db.unit() as s:
        return s.get(Case, case_id).status


def test_a_forged_role_in_the_account_info_is_ignored(db, people, accepted, tmp_path):
    forged = Actor(dataclasses.replace(people["clerk"].account, role="supervisor"), "03", "大厅")
    with pytest.raises(ActionRefused, match="张伟（受理）无权作出审核决定"):
        lifecycle.approve(HallContext(db, forged, tmp_path), accepted.id, now=NOW)
    assert status_of(db, accepted.id) == "accepted"


def test_a_forged_name_in_the_account_info_is_refused(db, people, accepted, tmp_path):
    """The audit and the papers name the actor from the account info: it must be the database's."""
    forged = Actor(dataclasses.replace(people["sup"].account, username="zhao", display_name="赵敏"), "03", "大厅")
    with pytest.raises(ActionRefused, match="账号信息与登录时不符"):
        lifecycle.approve(HallContext(db, forged, tmp_path), accepted.id, now=NOW)
    assert status_of(db, accepted.id) == "accepted"


def test_a_role_taken_away_counts_at_once(db, people, accepted, tmp_path):
    with db.unit() as s:
        s.execute(update(Account).where(Account.username == "li").values(role="clerk"))
    with pytest.raises(ActionRefused, match="无权作出审核决定"):
        lifecycle.approve(HallContext(db, people["sup"], tmp_path), accepted.id, now=NOW)
    assert status_of(db, accepted.id) == "accepted"


def test_a_supervisor_disabled_after_sign_in_can_no_longer_approve(db, admin, people, accepted, tmp_path):
    admin_ops.set_disabled(db, admin, people["sup"].account.id, True)
    with pytest.raises(ActionRefused, match=r"^李娜的账号已被管理员停用，不能作出审核决定。$"):
        lifecycle.approve(HallContext(db, people["sup"], tmp_path), accepted.id, now=NOW)
    assert status_of(db, accepted.id) == "accepted"


def test_an_account_that_does_not_exist_can_do_nothing(db, accepted, tmp_path):
    ghost = Actor(AccountInfo(999, "ghost", "无名", "supervisor"), "03", "大厅")
    with pytest.raises(ActionRefused, match="已被管理员停用"):
        lifecycle.approve(HallContext(db, ghost, tmp_path), accepted.id, now=NOW)


def _every_action(db, actor: Actor, case_id: int, tmp_path, signs):
    """One call of every case-layer action an account can take, each as the given actor."""
    case = registry.get("residence_permit").example(NOW.date())
    paths = {"papers_dir": tmp_path}
    acc = actor.account
    return {
        "autosave": lambda: drafts.autosave(db, actor, "residence_permit", case["answers"], case["materials"]),
        "save_draft": lambda: intake.save_draft(db, actor, "residence_permit", case["answers"], case["materials"]),
        "accept": lambda: intake.accept(HallContext(db, actor, **paths), "residence_permit", case["answers"],
                                        case["materials"], now=NOW),
        "supplement": lambda: lifecycle.request_supplement(HallContext(db, actor, **paths),
                                                           case_id, ["x"], "y", now=NOW),
        "receive": lambda: lifecycle.receive_supplement(HallContext(db, actor), case_id, now=NOW),
        "extend": lambda: lifecycle.extend(HallContext(db, actor, **paths), case_id, 3, "x", now=NOW),
        "approve": lambda: lifecycle.approve(HallContext(db, actor, **paths), case_id, now=NOW),
        "refuse": lambda: lifecycle.refuse(HallContext(db, actor, **paths), case_id, ["RP02"], now=NOW),
        "issue": lambda: lifecycle.issue(HallContext(db, actor),
                                         case_id, "欧阳娜娜", "410305199001011234", False, now=NOW),
        "cancel": lambda: lifecycle.cancel(HallContext(db, actor), case_id, "x", signs["sup2"], now=NOW),
        "reprint": lambda: reprints.reprint(HallContext(db, actor, **paths),
                                            reprints.papers_of(db, case_id)[0].id, "遗失", now=NOW),
        "reveal": lambda: privacy.reveal(db, actor, case_id),
        "print_job": lambda: print_jobs.record_print_job(db, actor, reprints.papers_of(db, case_id)[0].id, 1, "HP"),
        "export": lambda: export.export_cases(db, actor, CaseFilter(), tmp_path, now=NOW),
        "fulfil": lambda: pledges.fulfil(db, actor, 1),
        "audit": lambda: audit_report.check_chain_as(db, acc),
        "accounts": lambda: admin_ops.list_accounts(db, acc),
        "reasons": lambda: admin_ops.add_reason(db, acc, "RP99", "理由", "依据", service_id="residence_permit"),
        "retention": lambda: retention.set_rule(db, acc, "residence_permit", 5),
        "purge": lambda: retention.purge(db, acc, dry_run=True),
        "plates": lambda: plates.set_series(db, acc, "郑B", 5),
        "calendar": lambda: calendars.set_override(db, date(2027, 1, 1), "holiday", "元旦", "通知", acc, "03"),
    }


@pytest.mark.parametrize("state", ["disabled", "locked"])
@pytest.mark.parametrize("who", ["sup", "admin"])
def test_a_disabled_or_locked_account_can_do_nothing(db, admin, people, signs, accepted, tmp_path, state, who):
    actor = people["sup"] if who == "sup" else Actor(admin, "01", "大厅")
    with db.unit() as s:
        values = {"disabled": True} if state == "disabled" else {"locked_until": datetime.now() + timedelta(minutes=5)}
        s.execute(update(Account).where(Account.id == actor.account.id).values(**values))
    with db.unit() as s:
        events_before = len(s.scalars(select(AuditEvent)).all())
    word = "已被管理员停用" if state == "disabled" else "已被锁定"
    for call in _every_action(db, actor, accepted.id, tmp_path, signs).values():
        with pytest.raises(ActionRefused, match=word):
            call()
    assert status_of(db, accepted.id) == "accepted"
    with db.unit() as s:
        assert len(s.scalars(select(AuditEvent)).all()) == events_before  # nothing was done, nothing recorded
    assert list(tmp_path.glob("*.csv")) == []


def test_a_countersign_without_a_password_is_refused(db, people, accepted):
    for forged in (None, people["sup"].account, Countersign("li", ""), {"username": "li"}):
        with pytest.raises(ActionRefused, match="复核"):
            lifecycle.cancel(HallContext(db, people["clerk"]), accepted.id, "申请人撤回", forged, now=NOW)
    assert status_of(db, accepted.id) == "accepted"


def test_a_countersign_with_a_wrong_password_or_unknown_name_reads_the_same(db, people, accepted):
    answers = []
    for sign in (Countersign("li", "wrong-pass-1"), Countersign("nobody", "wrong-pass-1")):
        with pytest.raises(ActionRefused) as info:
            lifecycle.cancel(HallContext(db, people["clerk"]), accepted.id, "申请人撤回", sign, now=NOW)
        answers.append(info.value.message)
    assert answers[0] == answers[1] == "复核人登录名或密码不正确，撤销案件未完成。"
    assert status_of(db, accepted.id) == "accepted"


def test_the_countersigner_must_be_another_enabled_supervisor(db, admin, people, signs, accepted, tmp_path):
    with pytest.raises(ActionRefused, match="不能是经办人本人"):
        lifecycle.cancel(HallContext(db, people["sup"]), accepted.id, "x", signs["sup"], now=NOW)
    with pytest.raises(ActionRefused, match="不是审核人员"):
        lifecycle.cancel(HallContext(db, people["sup"]), accepted.id, "x", signs["clerk"], now=NOW)
    admin_ops.set_disabled(db, admin, people["sup2"].account.id, True)
    with pytest.raises(ActionRefused, match=r"^赵敏的账号已被管理员停用，不能复核撤销案件。$"):
        lifecycle.cancel(HallContext(db, people["sup"]), accepted.id, "x", signs["sup2"], now=NOW)
    assert status_of(db, accepted.id) == "accepted"
    # The certificate's reprint: the same checks.
    voucher = lifecycle.approve(HallContext(db, people["sup"], tmp_path), accepted.id, now=NOW).papers[0]
    with pytest.raises(ActionRefused, match="复核人登录名或密码不正确"):
        reprints.reprint(HallContext(db, people["clerk"], tmp_path),
                         voucher.id, "遗失", Countersign("li", "secret-000"), now=NOW)
    assert reprints.reprint(HallContext(db, people["clerk"], tmp_path),
                            voucher.id, "遗失", signs["sup"], now=NOW).copy_no == 2


def test_a_password_changed_after_the_dialog_is_checked_again(db, admin, people, signs, accepted):
    """The dialog's check is not the one that counts: the case action checks the password itself."""
    from desktop.cases import accounts

    credential = accounts.countersign(db, people["clerk"].account, "li", "secret-789", "03")
    admin_ops.reset_password(db, admin, people["sup"].account.id, "new-secret-1", "new-secret-1")
    with pytest.raises(ActionRefused, match="复核人登录名或密码不正确"):
        lifecycle.cancel(HallContext(db, people["clerk"]), accepted.id, "申请人撤回", credential, now=NOW)
    step = lifecycle.cancel(HallContext(db, people["clerk"]),
                            accepted.id, "申请人撤回", Countersign("li", "new-secret-1"), now=NOW)
    assert step.case.status == "cancelled"


def test_the_countersign_password_is_never_shown():
    assert "secret" not in repr(Countersign("li", "secret-789"))


def test_hall_settings_follow_the_role_in_the_database(db, admin, people):
    from desktop.cases import sessions

    before, after = {"window_no": "03"}, {"window_no": "04"}
    sessions.check_settings_change(admin, before, after, db)
    forged = dataclasses.replace(people["clerk"].account, role="admin")
    with pytest.raises(ActionRefused, match=sessions.ADMIN_SETTINGS_MESSAGE):
        sessions.check_settings_change(forged, before, after, db)
    sessions.check_settings_change(forged, before, {"window_no": "03"}, db)  # nothing of the hall's changed
