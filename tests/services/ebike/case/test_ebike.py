"""E-bike registry over a real SQLite file: plates, duplicate frames, transfers, theft and the status search."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from stdnum.cn import ric

from desktop.cases import accounts, hooks, identifiers, intake
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused, InputError
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike import plates, registry as ebike
from desktop.cases.services.ebike.models import EbikeOwnerHistory, EbikeRegistration, PlatePool
from desktop.store.models import Case, Document
from forms import registry
from forms.model import Decision

NOW = datetime(2026, 11, 25, 10, 30)
FRAME = "119TDT240512345"
OWNER_ID = "410105197501010019"


@pytest.fixture
def actor(admin):
    return Actor(admin, "03", "郑州市金水区政务服务中心")


def _text(path: str) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def _example(service_id: str, now: datetime = NOW, **changes) -> tuple[dict, dict]:
    case = registry.get(service_id).example(now.date())
    if service_id != "ebike_registration":
        changes = {"plate_no": "郑A00001", **changes}  # the examples name a plate of their own
    return dict(case["answers"], **changes), case["materials"]


def _register(db, actor, tmp_path, now: datetime = NOW, **changes) -> intake.IntakeResult:
    answers, materials = _example("ebike_registration", now, **changes)
    return intake.accept(HallContext(db, actor, tmp_path), "ebike_registration", answers, materials, now=now)


def _resident_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")  # it reads only the first 17 characters


def _count(db, column) -> int:
    with db.unit() as s:
        return s.scalar(select(func.count(column)))


def test_first_registration_assigns_a_plate_printed_on_receipt_and_certificate(db, actor, tmp_path):
    result = _register(db, actor, tmp_path)
    receipt = _text(result.paper.pdf_path)
    assert "受理及办结回执" in receipt and "郑A00001" in receipt and FRAME in receipt and "雅迪 TDT1234Z" in receipt
    [certificate] = result.extra_papers
    assert certificate.kind == "registration_certificate"
    text = _text(certificate.pdf_path)
    assert "电动自行车登记证明" in text
    for value in ("郑A00001", FRAME, "雅迪 TDT1234Z", "白色", "张伟", "410105********0019", "2026年11月25日",
                  result.case.case_no):
        assert value in text
    assert OWNER_ID not in text and OWNER_ID not in receipt
    with db.unit() as s:
        case = s.get(Case, result.case.id)
        assert identifiers.of_case(s, case.id) == {"plate_no": "郑A00001", "frame_no": FRAME}
        assert case.answers["plate_no"] == "郑A00001"
        assert s.scalar(select(func.count(Document.id)).where(Document.case_id == case.id)) == 2
    view = ebike.find_registration(db, "郑A00001")
    assert view.status_label == "正常" and view.owner_name == "张伟" and view.owner_id_masked == "410105********0019"
    assert view.registered_case_no == result.case.case_no
    assert [(o.kind_label, o.name) for o in view.owners] == [("初次登记", "张伟")]


def test_plates_are_sequential_unique_and_never_reused(db, actor, admin, tmp_path):
    issued = [_register(db, actor, tmp_path, frame_no=f"119TDT24051234{i}").case for i in range(3)]
    with db.unit() as s:
        assert [identifiers.value_of(s, c.id, "plate_no") for c in issued] == ["郑A00001", "郑A00002", "郑A00003"]
    assert plates.current_series(db).next_plate == "郑A00004"
    plates.set_series(db, admin, "郑州B", 4)
    fourth = _register(db, actor, tmp_path, frame_no="119TDT240512349")
    assert ebike.find_registration(db, "119TDT240512349").plate_no == "郑州B0001"
    # Back to the first series: it goes on where it stopped.
    plates.set_series(db, admin, "郑A", 5)
    _register(db, actor, tmp_path, frame_no="119TDT240512350")
    assert ebike.find_registration(db, "119TDT240512350").plate_no == "郑A00004"
    assert fourth.case.case_no
    with db.unit() as s:
        all_plates = list(s.scalars(select(EbikeRegistration.plate_no)))
    assert len(all_plates) == len(set(all_plates)) == 5
    # The database refuses a second bike with a plate already issued.
    with pytest.raises(IntegrityError):
        with db.unit() as s:
            s.add(EbikeRegistration(
                frame_no="119TDT240519999", plate_no="郑A00001", status="registered", brand="x", model="x",
                colour="x", owner_name="x", owner_id_type="resident_id", owner_id_number=OWNER_ID,
                registered_case_id=issued[0].id, registered_on=NOW.date(), created_at=NOW, updated_at=NOW))


def test_plate_series_is_an_administrators_setting(db, admin, tmp_path):
    clerk = accounts.create_account(db, admin, "clerk1", "李娜", "clerk", "secret-123", "secret-123")
    with pytest.raises(ActionRefused):
        plates.set_series(db, clerk, "郑B", 5)
    with pytest.raises(InputError) as bad:
        plates.set_series(db, admin, "郑A1", 9)
    assert set(bad.value.errors) == {"prefix", "width"}
    actor = Actor(admin, "03", "郑州市金水区政务服务中心")
    _register(db, actor, tmp_path)
    with pytest.raises(InputError) as used:
        plates.set_series(db, admin, "郑A", 6)  # 郑A000002 would read as 郑A00002
    assert "不能改为6位" in used.value.errors["width"]
    assert plates.set_series(db, admin, " 郑ｄ ", 3).next_plate == "郑D001"  # full-width letter from an IME


def test_exhausted_series_stops_the_intake_and_keeps_nothing(db, actor, admin, tmp_path):
    plates.set_series(db, admin, "郑C", 3)
    with db.unit() as s:
        s.get(PlatePool, "郑C").next_no = 1000
    with pytest.raises(ActionRefused) as info:
        _register(db, actor, tmp_path)
    assert "已全部发放" in info.value.message
    assert _count(db, Case.id) == 0 and _count(db, EbikeRegistration.id) == 0


def test_typed_plate_is_not_taken_from_the_clerk(db, actor, tmp_path):
    with pytest.raises(ActionRefused) as info:
        _register(db, actor, tmp_path, plate_no="郑A99999")
    assert "号牌库" in info.value.message
    assert _count(db, EbikeRegistration.id) == 0 and plates.current_series(db).next_no == 1


def test_duplicate_frame_is_refused_at_assessment_naming_the_case(db, actor, tmp_path):
    first = _register(db, actor, tmp_path)
    # Typed differently (lower case, spaces, a hyphen): still the same frame number.
    answers, materials = _example("ebike_registration", frame_no=" 119tdt-2405 12345")
    assessment = intake.assess_case(db, "ebike_registration", answers, materials, NOW.date())
    assert assessment.decision is Decision.REFUSE
    [finding] = [f for f in assessment.findings if f.rule_id == "dc.frame_unique"]
    assert first.case.case_no in finding.message and "号牌***0001" in finding.message
    with pytest.raises(ActionRefused):
        intake.accept(HallContext(db, actor, tmp_path), "ebike_registration", answers, materials, now=NOW)
    refused = intake.refuse(HallContext(db, actor, tmp_path), "ebike_registration", answers, materials, now=NOW)
    text = _text(refused.paper.pdf_path)
    assert "不予登记通知书" in text and first.case.case_no in text and "第十四条" in text
    assert _count(db, EbikeRegistration.id) == 1


def test_duplicate_frame_is_refused_by_the_database_when_two_windows_race(db, actor, tmp_path):
    first = _register(db, actor, tmp_path)
    # Window 04 assessed the same bike before window 03 accepted it; its accept step reaches the
    # registry after the first registration was committed.
    service = registry.get("ebike_registration")
    answers, _ = _example("ebike_registration")
    other = Actor(actor.account, "04", actor.hall)
    assessment = intake.assess_case(db, "ebike_registration", dict(answers, frame_no="119TDT240599999"), {},
                                    NOW.date())
    with pytest.raises(ActionRefused) as info:
        with db.unit() as s:
            case = Case(service_id=service.service_id, status="accepted", window="04", clerk_id=actor.account.id,
                        created_at=NOW, updated_at=NOW, received_on=NOW.date(), answers=answers, materials={},
                        case_no="DC042611250001X")
            s.add(case)
            s.flush()
            hooks.run("accepted", hooks.IntakeContext(s, case, service, answers, assessment, other, NOW))
    assert first.case.case_no in info.value.message and "不能重复登记" in info.value.message
    assert _count(db, EbikeRegistration.id) == 1 and _count(db, Case.id) == 1
    assert plates.current_series(db).next_no == 2  # the plate drawn for the loser went back
    with pytest.raises(IntegrityError):
        with db.unit() as s:
            s.add(EbikeRegistration(
                frame_no=FRAME, plate_no=None, status="registered", brand="x", model="x", colour="x",
                owner_name="x", owner_id_type="resident_id", owner_id_number=OWNER_ID,
                registered_case_id=first.case.id, registered_on=NOW.date(), created_at=NOW, updated_at=NOW))


def test_theft_then_search_shows_stolen(db, actor, tmp_path):
    registered = _register(db, actor, tmp_path, now=NOW - timedelta(days=30))
    answers, materials = _example("ebike_theft", plate_no="郑A00001", frame_no="")
    result = intake.accept(HallContext(db, actor, tmp_path), "ebike_theft", answers, materials, now=NOW)
    receipt = _text(result.paper.pdf_path)
    assert "郑A00001" in receipt and "被盗" in receipt and FRAME in receipt and result.extra_papers == ()
    for query in (FRAME, "郑a 00001", FRAME.lower()):
        view = ebike.find_registration(db, query)
        assert view.status == "stolen" and view.status_label == "被盗"
    assert [(h.status_label, h.case_no) for h in view.statuses] == [
        ("正常", registered.case.case_no), ("被盗", result.case.case_no)]
    assert view.statuses[1].since == NOW.date()  # the example's day of the theft
    assert ebike.find_registration(db, "郑A99999") is None and ebike.find_registration(db, " ") is None
    with db.unit() as s:
        assert identifiers.value_of(s, result.case.id, "frame_no") == FRAME  # indexed from the registry


def test_transfer_of_a_stolen_bike_is_refused(db, actor, tmp_path):
    registered = _register(db, actor, tmp_path, now=NOW - timedelta(days=30))
    theft, materials = _example("ebike_theft")
    intake.accept(HallContext(db, actor, tmp_path), "ebike_theft", theft, materials, now=NOW)
    answers, materials = _example("ebike_transfer")
    assessment = intake.assess_case(db, "ebike_transfer", answers, materials, NOW.date())
    assert assessment.decision is Decision.REFUSE
    with pytest.raises(ActionRefused):
        intake.accept(HallContext(db, actor, tmp_path), "ebike_transfer", answers, materials, now=NOW)
    refused = intake.refuse(HallContext(db, actor, tmp_path), "ebike_transfer", answers, materials, now=NOW)
    text = _text(refused.paper.pdf_path)
    assert "不予登记通知书" in text and "被盗" in text and registered.case.case_no in text
    view = ebike.find_registration(db, FRAME)
    assert view.owner_name == "张伟" and len(view.owners) == 1


def test_ownership_history_after_two_transfers(db, actor, tmp_path):
    first = _register(db, actor, tmp_path, now=NOW - timedelta(days=60))
    to_li = _example("ebike_transfer", now=NOW - timedelta(days=20))
    one = intake.accept(HallContext(db, actor, tmp_path), "ebike_transfer", *to_li, now=NOW - timedelta(days=20))
    third_id = _resident_id("41010219920315002")
    answers, materials = _example(
        "ebike_transfer", plate_no="", new_owner_id_number=third_id, new_owner_name="王芳",
        transfer_reason="gift", transfer_date=(NOW.date() - timedelta(days=1)).isoformat())
    two = intake.accept(HallContext(db, actor, tmp_path), "ebike_transfer", answers, materials, now=NOW)
    view = ebike.find_registration(db, "郑A00001")
    assert [(o.kind_label, o.name, o.case_no) for o in view.owners] == [
        ("初次登记", "张伟", first.case.case_no), ("转移登记", "李娜", one.case.case_no),
        ("转移登记", "王芳", two.case.case_no)]
    assert [o.from_date for o in view.owners] == [
        (NOW - timedelta(days=60)).date(), (NOW - timedelta(days=20)).date(), NOW.date() - timedelta(days=1)]
    assert view.owner_name == "王芳" and view.owner_id_masked == third_id[:6] + "********" + third_id[-4:]
    assert all("*" in o.id_masked for o in view.owners)
    [certificate] = two.extra_papers
    text = _text(certificate.pdf_path)
    assert certificate.kind == "transfer_certificate" and "电动自行车转移登记证明" in text
    assert "郑A00001" in text and FRAME in text and "王芳" in text and third_id[-4:] in text and third_id not in text
    receipt = _text(two.paper.pdf_path)
    assert "新所有人" in receipt and "王芳" in receipt and "郑A00001" in receipt
    with db.unit() as s:
        assert identifiers.value_of(s, two.case.id, "plate_no") == "郑A00001"  # typed only the frame number
    # The first owner can no longer report it stolen: the registry knows the current owner.
    theft, materials = _example("ebike_theft")
    assessment = intake.assess_case(db, "ebike_theft", theft, materials, NOW.date())
    assert assessment.decision is Decision.REFUSE


def test_transfer_of_a_plate_that_does_not_exist_stores_nothing(db, actor, tmp_path):
    _register(db, actor, tmp_path, now=NOW - timedelta(days=30))
    answers, materials = _example("ebike_transfer", plate_no="郑A54321", frame_no="")
    assessment = intake.assess_case(db, "ebike_transfer", answers, materials, NOW.date())
    assert assessment.decision is Decision.REFUSE
    [finding] = [f for f in assessment.failures() if f.rule_id == "dz.registration"]
    assert "未找到该号牌/车架号的登记" in finding.message and "郑A54321" in finding.message
    cases, history = _count(db, Case.id), _count(db, EbikeOwnerHistory.id)
    with pytest.raises(ActionRefused):
        intake.accept(HallContext(db, actor, tmp_path), "ebike_transfer", answers, materials, now=NOW)
    assert _count(db, Case.id) == cases and _count(db, EbikeOwnerHistory.id) == history
    assert ebike.find_registration(db, FRAME).owner_name == "张伟"


def test_facts_exclude_the_case_being_edited(db, actor, tmp_path):
    first = _register(db, actor, tmp_path)
    answers, materials = _example("ebike_registration")
    again = intake.assess_case(db, "ebike_registration", answers, materials, NOW.date(), case_id=first.case.id)
    [finding] = [f for f in again.findings if f.rule_id == "dc.frame_unique"]
    assert finding.outcome.value == "pass"
    assert date(2026, 11, 25) == ebike.find_registration(db, FRAME).registered_on
