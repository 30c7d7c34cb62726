"""The case view's data over real SQLite: the case file, revealing an ID, paper files, search keys."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.cases import accounts, casefile, intake, lifecycle, paper_files, privacy, reprints
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.cases.queries import CaseFilter, count_cases, list_cases
from desktop.store.models import AuditEvent
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)
HALL = "郑州市金水区政务服务中心"
FULL_ID = "410305199001011234"


@pytest.fixture
def clerk(db, admin):
    return Actor(accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456"), "03", HALL)


@pytest.fixture
def accepted(db, clerk, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    return intake.accept(HallContext(db, clerk, tmp_path),
                         "residence_permit", case["answers"], case["materials"], now=NOW).case


def test_reveal_id_returns_the_number_and_audits_without_it(db, clerk, accepted):
    assert privacy.reveal_id(db, clerk, accepted.id) == FULL_ID
    with db.unit() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "id.reveal")).one()
        assert event.actor == "zhang" and event.window == "03" and event.case_id == accepted.id
        assert FULL_ID not in str(event.detail) and "1234" not in str(event.detail)
    with pytest.raises(ActionRefused):
        privacy.reveal_id(db, clerk, 9999)


def test_case_file_masks_the_receiver_and_knows_provisional_dates(db, clerk, admin, accepted, tmp_path):
    sup = Actor(accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789"), "05", HALL)
    lifecycle.approve(HallContext(db, sup, tmp_path), accepted.id, now=NOW)
    lifecycle.issue(HallContext(db, clerk), accepted.id, "欧阳娜娜", FULL_ID, by_proxy=False, now=NOW)
    file = casefile.load(db, accepted.id)
    assert file.summary.status == "issued" and file.accepted_on == NOW.date()
    assert file.lifecycle.issue.receiver_id_masked == "410305********1234" and FULL_ID not in str(file)
    assert file.lifecycle.decision.approved and file.lifecycle.decision.by == "李娜"
    assert file.due_explanation and file.assessment.findings and file.assessment.decision == "accept"
    # 2026 is published in chinese-calendar's table; the due date is not provisional.
    assert file.due_provisional is False


def test_pdf_for_uses_the_file_or_renders_it_again(db, clerk, accepted, tmp_path):
    receipt = reprints.papers_of(db, accepted.id)[0]
    path = paper_files.pdf_for(HallContext(db, clerk, tmp_path), receipt.id)
    assert path.endswith("-receipt-1.pdf")
    original = Path(path).read_bytes()
    # A lost file comes back identical from the snapshot.
    other = tmp_path / "elsewhere"
    again = paper_files.pdf_for(HallContext(db, clerk, other), receipt.id)
    assert hashlib.sha256(Path(again).read_bytes()).hexdigest() == hashlib.sha256(original).hexdigest()
    copy2 = reprints.reprint(HallContext(db, clerk, tmp_path / "x"), receipt.id, "回执遗失", now=NOW)
    redone = paper_files.pdf_for(HallContext(db, clerk, tmp_path / "y"), copy2.id)
    text = "".join(p.extract_text() for p in PdfReader(redone).pages)
    assert "补打" in text and "第2份" in text
    assert len(reprints.papers_of(db, accepted.id)) == 2  # previewing registers no print


def _ebike(db, clerk, tmp_path, frame: str, phone: str, name: str, id_number: str):
    case = registry.get("ebike_registration").example(NOW.date())
    answers = dict(case["answers"], frame_no=frame, owner_phone=phone, owner_name=name,
                   owner_id_number=id_number)
    return intake.accept(HallContext(db, clerk, tmp_path),
                         "ebike_registration", answers, case["materials"], now=NOW).case


def test_search_by_phone_plate_and_frame(db, clerk, accepted, tmp_path):
    bike = _ebike(db, clerk, tmp_path, "119TDT240512399", "13900139000", "王芳", "410105197501010019")
    [row] = list_cases(db, CaseFilter(identifiers={"frame_no": "119tdt 2405-12399"}))
    assert row.id == bike.id
    with db.unit() as s:
        from desktop.cases import identifiers

        plate = identifiers.value_of(s, bike.id, "plate_no")
    assert plate
    assert [c.id for c in list_cases(db, CaseFilter(identifiers={"plate_no": plate.lower()}))] == [bike.id]
    assert [c.id for c in list_cases(db, CaseFilter(phone="139 0013 9000"))] == [bike.id]
    assert [c.id for c in list_cases(db, CaseFilter(phone="13800138000"))] == [accepted.id]
    assert count_cases(db, CaseFilter(phone="13700000000")) == 0
    assert count_cases(db, CaseFilter(received_from=date(2026, 11, 26))) == 0
    assert count_cases(db, CaseFilter(received_from=NOW.date(), received_to=NOW.date())) == 2


def test_case_file_masks_phone_and_id_numbers_on_the_data_path(db, clerk, accepted):
    answers = registry.get("residence_permit").example(NOW.date())["answers"]
    file = casefile.load(db, accepted.id)
    phone = answers["phone"]
    assert file.answers["phone"] == phone[:3] + "****" + phone[-4:]
    assert file.answers["id_number"] == "410305********1234"
    assert FULL_ID not in str(file) and phone not in str(file)


def test_masking_reaches_into_tables():
    rows = [{"name": "王强", "id_number": "410105199001010011", "poor_household": True}, {"name": "李娜"}]
    masked = privacy.masked_answers("startup_subsidy", {"phone": "13903710000", "employees": rows})
    assert masked == {"phone": "139****0000", "employees": [
        {"name": "王强", "id_number": "410105********0011", "poor_household": True}, {"name": "李娜"}]}
    assert rows[0]["id_number"] == "410105199001010011"  # the stored answers are not touched


def test_reveal_gives_full_numbers_and_audits_the_fields_only(db, clerk, accepted):
    answers = registry.get("residence_permit").example(NOW.date())["answers"]
    full = privacy.reveal(db, clerk, accepted.id)
    assert full.answers["id_number"] == FULL_ID and full.answers["phone"] == answers["phone"]
    assert full.id_number == FULL_ID and FULL_ID not in repr(full)
    with db.unit() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "id.reveal")).one()
    assert "id_number" in event.detail["fields"] and "phone" in event.detail["fields"]
    assert answers["phone"] not in str(event.detail) and FULL_ID not in str(event.detail)
