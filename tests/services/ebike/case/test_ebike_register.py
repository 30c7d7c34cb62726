"""灭失, 找回 and 补领/换领号牌 over a real SQLite file: the register changes, refusals, papers, search and reversals."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from desktop.cases import intake, lifecycle, queries
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.cases.queries import CaseFilter
from desktop.cases.services.ebike import plates, procedures as ebike_register, registry as ebike
from desktop.cases.services.ebike.models import EbikeRegistration, EbikeStatusHistory, EbikeVoidedPlate, PlatePool
from desktop.store.models import AuditEvent
from forms import registry
from forms.model import Decision

NOW = datetime(2026, 11, 25, 10, 30)
FRAME = "119TDT240512345"
OWNER_ID = "410105197501010019"
OTHER_ID = "41018219850612002X"


def _text(path: str) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", "")


def _answers(service_id: str, now: datetime, **changes) -> tuple[dict, dict]:
    case = registry.get(service_id).example(now.date())
    if service_id != "ebike_registration":
        changes = {"plate_no": "郑A00001", **changes}
    return dict(case["answers"], **changes), dict(case["materials"])


def _accept(db, actor, tmp_path, service_id: str, now: datetime = NOW, **changes) -> intake.IntakeResult:
    answers, materials = _answers(service_id, now, **changes)
    return intake.accept(HallContext(db, actor, tmp_path), service_id, answers, materials, now=now)


def _assess(db, service_id: str, now: datetime = NOW, **changes):
    answers, materials = _answers(service_id, now, **changes)
    return intake.assess_case(db, service_id, answers, materials, now.date())


def _failure(assessment, rule_id: str):
    [found] = [f for f in assessment.findings if f.rule_id == rule_id and f.blocks]
    return found


def _statuses(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(EbikeStatusHistory.status).order_by(EbikeStatusHistory.id)))


def _stolen(db, actor, tmp_path):
    _accept(db, actor, tmp_path, "ebike_registration", NOW - timedelta(days=60))
    return _accept(db, actor, tmp_path, "ebike_theft", NOW - timedelta(days=20))


# --- 灭失 -----------------------------------------------------------------------------------------


def test_destroyed_ends_the_registration_and_the_frame_and_plate_are_never_used_again(db, people, tmp_path, admin):
    clerk = people["clerk"]
    first = _accept(db, clerk, tmp_path, "ebike_registration", NOW - timedelta(days=60))
    result = _accept(db, clerk, tmp_path, "ebike_destroyed")
    view = ebike.find_registration(db, FRAME)
    assert view.status == "destroyed" and view.status_label == "灭失" and view.plate_no == "郑A00001"
    assert _statuses(db) == ["registered", "destroyed"]
    voided = ebike_register.find_voided_plate(db, "郑a-00001")
    assert (voided.reason_label, voided.case_no, voided.frame_no) == ("车辆灭失登记", result.case.case_no, FRAME)
    [paper] = result.extra_papers
    text = _text(paper.pdf_path)
    assert paper.kind == "destroyed_certificate"
    for value in ("电动自行车灭失登记证明", "郑A00001（已作废）", FRAME, "火灾烧毁", "登记终止", "不得再次登记",
                  result.case.case_no, "第十五条"):
        assert value in text, value
    assert OWNER_ID not in text and "410105********0019" in text

    # The frame number can never be registered again: dc.frame_unique refuses, saying why.
    again = _assess(db, "ebike_registration")
    finding = _failure(again, "dc.frame_unique")
    assert again.decision is Decision.REFUSE and "灭失登记" in finding.message and "永久不得再次登记" in finding.message
    with pytest.raises(ActionRefused):
        _accept(db, clerk, tmp_path, "ebike_registration")
    # …and the plate number is never issued again: the pool only counts forward, across series switches.
    second = _accept(db, clerk, tmp_path, "ebike_registration", frame_no="119TDT240512346")
    assert ebike.find_registration(db, "119TDT240512346").plate_no == "郑A00002"
    plates.set_series(db, admin, "郑州B", 4)
    plates.set_series(db, admin, "郑A", 5)
    _accept(db, clerk, tmp_path, "ebike_registration", frame_no="119TDT240512347")
    assert ebike.find_registration(db, "119TDT240512347").plate_no == "郑A00003"
    assert second.case.case_no and first.case.case_no
    with db.read() as s:
        issued = list(s.scalars(select(EbikeRegistration.plate_no)))
        assert s.scalar(select(PlatePool.next_no).where(PlatePool.prefix == "郑A")) == 4
    assert sorted(issued) == ["郑A00001", "郑A00002", "郑A00003"]

    # Any later procedure naming the voided plate is refused by name.
    for service_id in ("ebike_transfer", "ebike_theft", "ebike_destroyed", "ebike_recovered", "ebike_plate"):
        found = _assess(db, service_id)
        assert found.decision is Decision.REFUSE, service_id
        assert any("郑A00001已于2026-11-25作废" in f.message and result.case.case_no in f.message
                   for f in found.failures()), service_id
    # By frame number alone, the status refuses: the registration has ended.
    transfer = _assess(db, "ebike_transfer", plate_no=None)
    assert transfer.decision is Decision.REFUSE and any("灭失" in f.message for f in transfer.failures())
    # The 查询 by the voided plate finds the case that voided it.
    found = {c.case_no for c in queries.list_cases(db, CaseFilter(identifiers={"plate_no": "郑A00001"}))}
    assert {first.case.case_no, result.case.case_no} <= found


def test_destroyed_by_someone_else_is_refused_without_naming_the_owner(db, people, tmp_path):
    clerk = people["clerk"]
    _accept(db, clerk, tmp_path, "ebike_registration", NOW - timedelta(days=60))
    found = _assess(db, "ebike_destroyed", owner_id_number=OTHER_ID, owner_name="李娜")
    assert found.decision is Decision.REFUSE
    assert "须由登记所有人本人申请" in _failure(found, "dm.owner").message
    with pytest.raises(ActionRefused):
        _accept(db, clerk, tmp_path, "ebike_destroyed", owner_id_number=OTHER_ID, owner_name="李娜")
    answers, materials = _answers("ebike_destroyed", NOW, owner_id_number=OTHER_ID, owner_name="李娜")
    refusal = intake.refuse(HallContext(db, clerk, tmp_path), "ebike_destroyed", answers, materials, now=NOW)
    text = _text(refusal.paper.pdf_path)
    assert "不予登记通知书" in text and "须由登记所有人本人申请" in text
    assert ebike.find_registration(db, FRAME).status == "registered"  # nothing changed


def test_destroyed_date_before_the_registration_is_a_field_error(db, people, tmp_path):
    _accept(db, people["clerk"], tmp_path, "ebike_registration", NOW - timedelta(days=10))
    found = _assess(db, "ebike_destroyed", destroyed_date=(NOW - timedelta(days=30)).date().isoformat())
    finding = _failure(found, "dm.destroyed")
    assert found.decision is Decision.INCOMPLETE and finding.field == "destroyed_date" and "早于该车登记日期" in finding.message


# --- 找回 -----------------------------------------------------------------------------------------


def test_recovered_closes_the_theft_record_and_the_bike_is_active_again(db, people, tmp_path, signs):
    clerk = people["clerk"]
    theft = _stolen(db, clerk, tmp_path)
    assert ebike.find_registration(db, FRAME).status == "stolen"
    # The transfer rule now points to the procedure that exists.
    blocked = _assess(db, "ebike_transfer")
    assert any("请先办理找回登记" in f.message for f in blocked.failures())
    result = _accept(db, clerk, tmp_path, "ebike_recovered")
    view = ebike.find_registration(db, FRAME)
    assert view.status == "registered" and view.plate_no == "郑A00001"
    assert [(e.status, e.case_no) for e in view.statuses][-2:] == [("stolen", theft.case.case_no),
                                                                 ("registered", result.case.case_no)]
    [paper] = result.extra_papers
    text = _text(paper.pdf_path)
    for value in ("电动自行车找回登记证明", "郑A00001", FRAME, "公安机关追回发还", "FH4101052026000123",
                  f"被盗（案件{theft.case.case_no}）", "登记状态恢复正常"):
        assert value in text, value
    # The theft case is built upon now: cancelling it is refused, naming the recovery.
    with pytest.raises(ActionRefused, match=result.case.case_no):
        lifecycle.cancel(HallContext(db, people["sup"], tmp_path), theft.case.id, "误录", signs["sup2"], now=NOW)
    # The bike may be transferred again; a second recovery is refused (nothing to close).
    assert _assess(db, "ebike_transfer").decision is Decision.ACCEPT
    again = _assess(db, "ebike_recovered")
    assert again.decision is Decision.REFUSE and "未登记为被盗或遗失" in _failure(again, "dh.status").message


def test_found_by_the_owner_asks_that_the_police_were_told_and_the_dates_agree(db, people, tmp_path):
    _stolen(db, people["clerk"], tmp_path)
    by_owner = dict(found_by="owner", police_return_no=None)
    untold = _assess(db, "ebike_recovered", **by_owner, police_informed=False)
    finding = _failure(untold, "dh.found")
    assert untold.decision is Decision.INCOMPLETE and "J4101050000002025001234" in finding.message
    assert "第十八条" in str(finding.basis)
    told = _assess(db, "ebike_recovered", **by_owner, police_informed=True)
    assert told.decision is Decision.ACCEPT, [f.message for f in told.failures()]
    early = _assess(db, "ebike_recovered", found_date=(NOW - timedelta(days=30)).date().isoformat())
    assert "早于被盗日期" in _failure(early, "dh.found").message
    stranger = _assess(db, "ebike_recovered", owner_id_number=OTHER_ID)
    assert stranger.decision is Decision.REFUSE and _failure(stranger, "dh.owner")


# --- 补领/换领号牌 ------------------------------------------------------------------------------


def test_replaced_plate_gets_a_new_number_and_the_old_one_is_voided_found_and_refused(db, people, tmp_path):
    clerk = people["clerk"]
    first = _accept(db, clerk, tmp_path, "ebike_registration", NOW - timedelta(days=60))
    result = _accept(db, clerk, tmp_path, "ebike_plate")
    view = ebike.find_registration(db, FRAME)
    assert view.plate_no == "郑A00002" and view.status == "registered"
    assert ebike.find_registration(db, "郑A00001") is None  # the old number is no bike's any more
    voided = ebike_register.find_voided_plate(db, "郑A00001")
    assert (voided.replaced_by, voided.current_plate_no, voided.reason_label) == ("郑A00002", "郑A00002", "号牌遗失补领")
    with db.read() as s:
        assert s.scalar(select(func.count(EbikeVoidedPlate.id))) == 1
    [paper] = result.extra_papers
    text = _text(paper.pdf_path)
    for value in ("电动自行车号牌补领/换领登记证明", "核发新号牌郑A00002", "郑A00001（已作废）", FRAME, "第二十一条"):
        assert value in text, value
    assert "郑A00002" in _text(result.paper.pdf_path)  # the receipt names the new plate too
    # Every later procedure naming the old plate is refused by name; by the new plate they work.
    for service_id in ("ebike_transfer", "ebike_theft", "ebike_plate", "ebike_destroyed"):
        refused = _assess(db, service_id)
        assert refused.decision is Decision.REFUSE, service_id
        assert any("已于2026-11-25作废（号牌遗失补领" in f.message for f in refused.failures()), service_id
        assert _assess(db, service_id, plate_no="郑A00002").decision is Decision.ACCEPT, service_id
    registration = _assess(db, "ebike_registration", plate_no="郑A00001", frame_no="119TDT240519999")
    assert "作废" in _failure(registration, "dc.plate_voided").message
    # The 查询 finds the replacement case by either number, and the registration by the old one.
    by_old = {c.case_no for c in queries.list_cases(db, CaseFilter(identifiers={"plate_no": "郑A00001"}))}
    by_new = {c.case_no for c in queries.list_cases(db, CaseFilter(identifiers={"plate_no": "郑A00002"}))}
    assert {first.case.case_no, result.case.case_no} <= by_old and result.case.case_no in by_new
    # A second replacement goes from the new plate and voids it in turn.
    again = _accept(db, clerk, tmp_path, "ebike_plate", NOW + timedelta(days=1), plate_no="郑A00002")
    assert ebike.find_registration(db, FRAME).plate_no == "郑A00003"
    assert ebike_register.find_voided_plate(db, "郑A00002").case_no == again.case.case_no
    assert ebike_register.find_voided_plate(db, "郑A00001").replaced_by == "郑A00002"  # the history stays


def test_a_damaged_plate_must_be_handed_in_and_a_stolen_bike_gets_no_plate(db, people, tmp_path):
    clerk = people["clerk"]
    _accept(db, clerk, tmp_path, "ebike_registration", NOW - timedelta(days=60))
    answers, materials = _answers("ebike_plate", NOW, plate_event="damaged")
    found = intake.assess_case(db, "ebike_plate", answers, materials, NOW.date())
    assert found.decision is Decision.INCOMPLETE and [m.key for m in found.missing_materials] == ["damaged_plate"]
    replaced = intake.accept(HallContext(db, clerk, tmp_path),
                             "ebike_plate", answers, {**materials, "damaged_plate": "provided"}, now=NOW)
    assert "号牌损坏（原号牌已交回）" in _text(replaced.extra_papers[0].pdf_path)
    _accept(db, clerk, tmp_path, "ebike_theft", NOW + timedelta(hours=1), plate_no="郑A00002")
    stolen = _assess(db, "ebike_plate", NOW + timedelta(hours=2), plate_no="郑A00002")
    assert stolen.decision is Decision.REFUSE and "请先办理找回登记" in _failure(stolen, "dp.status").message


# --- reversals ------------------------------------------------------------------------------------


def _actions(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_cancelled_destroyed_and_recovered_cases_restore_the_status_before_them(db, people, tmp_path, signs):
    clerk = people["clerk"]
    _stolen(db, clerk, tmp_path)
    recovered = _accept(db, clerk, tmp_path, "ebike_recovered", NOW - timedelta(days=2))
    destroyed = _accept(db, clerk, tmp_path, "ebike_destroyed", NOW - timedelta(days=1))
    # The recovery has a later case on it: refused, naming it.
    with pytest.raises(ActionRefused, match=destroyed.case.case_no):
        lifecycle.cancel(HallContext(db, people["sup"], tmp_path), recovered.case.id, "误录", signs["sup2"], now=NOW)
    lifecycle.cancel(HallContext(db, people["sup"], tmp_path), destroyed.case.id, "误录", signs["sup2"], now=NOW)
    assert ebike.find_registration(db, FRAME).status == "registered"
    assert ebike_register.find_voided_plate(db, "郑A00001") is None
    lifecycle.cancel(HallContext(db, people["sup"], tmp_path), recovered.case.id, "误录", signs["sup2"], now=NOW)
    assert ebike.find_registration(db, FRAME).status == "stolen"
    assert _statuses(db) == ["registered", "stolen"]
    assert {"ebike.destroyed_reverted", "ebike.recovered_reverted"} <= set(_actions(db))


def test_cancelled_replacement_gives_the_old_plate_back_and_voids_the_new_number(db, people, tmp_path, signs):
    clerk = people["clerk"]
    first = _accept(db, clerk, tmp_path, "ebike_registration", NOW - timedelta(days=60))
    replaced = _accept(db, clerk, tmp_path, "ebike_plate", NOW - timedelta(days=3))
    # The registration has a later case on it now.
    with pytest.raises(ActionRefused, match=replaced.case.case_no):
        lifecycle.cancel(HallContext(db, people["sup"], tmp_path), first.case.id, "误录", signs["sup2"], now=NOW)
    transfer = _accept(db, clerk, tmp_path, "ebike_transfer", NOW - timedelta(days=2), plate_no="郑A00002")
    with pytest.raises(ActionRefused, match=transfer.case.case_no):
        lifecycle.cancel(HallContext(db, people["sup"], tmp_path), replaced.case.id, "误录", signs["sup2"], now=NOW)
    lifecycle.cancel(HallContext(db, people["sup"], tmp_path),
                     transfer.case.id, "误录", signs["sup2"], now=NOW - timedelta(days=1))
    lifecycle.cancel(HallContext(db, people["sup"], tmp_path), replaced.case.id, "误录", signs["sup2"], now=NOW)
    assert ebike.find_registration(db, FRAME).plate_no == "郑A00001"
    assert ebike_register.find_voided_plate(db, "郑A00001") is None
    revoked = ebike_register.find_voided_plate(db, "郑A00002")
    assert revoked.reason_label == "补领/换领登记撤销" and revoked.current_plate_no == "郑A00001"
    # The revoked number is never issued again either.
    _accept(db, clerk, tmp_path, "ebike_registration", frame_no="119TDT240512346")
    assert ebike.find_registration(db, "119TDT240512346").plate_no == "郑A00003"
    assert "ebike.plate_reverted" in _actions(db)


@pytest.mark.postgres
def test_the_three_procedures_on_a_hall_database(pg_url, tmp_path):
    """Hall mode: the same steps on PostgreSQL (row locks, the voided plate's unique key, the revert's order)."""
    from desktop.cases import accounts
    from desktop.cases.dto import Actor, Countersign
    from desktop.store.database import open_database

    db = open_database(pg_url)
    try:
        admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
        sup = accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789")
        accounts.create_account(db, admin, "zhao", "赵敏", "supervisor", "secret-000", "secret-000")
        clerk, boss = Actor(admin, "03", "大厅"), Actor(sup, "05", "大厅")
        _stolen(db, clerk, tmp_path)
        _accept(db, clerk, tmp_path, "ebike_recovered", NOW - timedelta(days=3))
        replaced = _accept(db, clerk, tmp_path, "ebike_plate", NOW - timedelta(days=2))
        assert ebike.find_registration(db, FRAME).plate_no == "郑A00002"
        assert _assess(db, "ebike_transfer").decision is Decision.REFUSE  # the old plate is voided
        lifecycle.cancel(HallContext(db, boss, tmp_path), replaced.case.id, "误录", Countersign("zhao", "secret-000"),
                         now=NOW - timedelta(days=1))
        assert ebike.find_registration(db, FRAME).plate_no == "郑A00001"
        assert ebike_register.find_voided_plate(db, "郑A00002").reason_label == "补领/换领登记撤销"
        _accept(db, clerk, tmp_path, "ebike_destroyed")
        assert ebike.find_registration(db, FRAME).status == "destroyed"
        assert _failure(_assess(db, "ebike_registration"), "dc.frame_unique")
    finally:
        db.close()
