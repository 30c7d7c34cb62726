"""E-bike dates and privacy on papers (issue 13): dates against the register, papers for non-owners, the owner's 查询单."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.cases import intake, print_jobs
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused, InputError
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike.owner_query import print_owner_query
from desktop.store.models import AuditEvent, Document
from forms import registry
from forms.model import Decision, Effect

NOW = datetime(2026, 11, 25, 10, 30)
HALL = "郑州市金水区政务服务中心"
FRAME, PLATE = "119TDT240512345", "郑A00001"
OWNER, OWNER_ID = "张伟", "410105197501010019"
BUYER, BUYER_ID = "李娜", "41018219850612002X"
STRANGER, STRANGER_ID = "赵敏", "410102199003070027"


@pytest.fixture
def clerk(admin) -> Actor:
    return Actor(admin, "03", HALL)  # 王丽: the fixture's clerk 张伟 shares the owner's name


def _text(path: str) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def _answers(service_id: str, now: datetime = NOW, **changes) -> tuple[dict, dict]:
    case = registry.get(service_id).example(now.date())
    if service_id != "ebike_registration":
        changes = {"plate_no": PLATE, **changes}
    return dict(case["answers"], **changes), case["materials"]


def _accept(db, actor, tmp_path, service_id, now=NOW, **changes):
    answers, materials = _answers(service_id, now, **changes)
    return intake.accept(HallContext(db, actor, tmp_path), service_id, answers, materials, now=now)


def _documents(db) -> int:
    with db.read() as s:
        return len(s.scalars(select(Document.id)).all())


def test_a_transfer_or_loss_dated_before_the_registration_must_be_corrected(db, clerk, tmp_path):
    _accept(db, clerk, tmp_path, "ebike_registration")
    answers, materials = _answers("ebike_transfer", transfer_date=(NOW.date() - timedelta(days=1)).isoformat())
    assessment = intake.assess_case(db, "ebike_transfer", answers, materials, NOW.date())
    [finding] = [f for f in assessment.findings if f.rule_id == "dz.transfer"]
    assert (finding.effect, finding.field) == (Effect.CORRECT, "transfer_date")
    assert "早于该车的登记日期2026-11-25" in finding.message and "第十五条" in str(finding.basis)
    assert assessment.decision is Decision.INCOMPLETE
    with pytest.raises(ActionRefused):
        intake.accept(HallContext(db, clerk, tmp_path), "ebike_transfer", answers, materials, now=NOW)
    # The day of the registration itself is possible; a later transfer may not predate the last one.
    same_day = intake.assess_case(db, "ebike_transfer", dict(answers, transfer_date=NOW.date().isoformat()),
                                  materials, NOW.date())
    assert same_day.decision is Decision.ACCEPT
    sold = NOW.date() + timedelta(days=5)
    _accept(db, clerk, tmp_path, "ebike_transfer", now=NOW + timedelta(days=10), transfer_date=sold.isoformat())
    later = NOW + timedelta(days=30)
    answers, materials = _answers("ebike_transfer", transfer_date=sold.isoformat(),
                                  new_owner_id_number=STRANGER_ID, new_owner_name=STRANGER)
    assert intake.assess_case(db, "ebike_transfer", answers, materials, later.date()).decision is Decision.ACCEPT
    answers["transfer_date"] = (sold - timedelta(days=1)).isoformat()
    early = intake.assess_case(db, "ebike_transfer", answers, materials, later.date())
    [finding] = [f for f in early.findings if f.rule_id == "dz.transfer"]
    assert finding.effect is Effect.CORRECT and f"上一次转移登记的转移日期{sold.isoformat()}" in finding.message
    # A theft reported by the current owner for a day before they owned the bike.
    answers, materials = _answers("ebike_theft", owner_id_number=BUYER_ID, owner_name=BUYER,
                                  loss_date=(sold - timedelta(days=2)).isoformat())
    theft = intake.assess_case(db, "ebike_theft", answers, materials, later.date())
    [finding] = [f for f in theft.findings if f.rule_id == "dd.report"]
    assert (finding.effect, finding.field) == (Effect.CORRECT, "loss_date")


def test_a_non_owners_theft_refusal_names_no_owner_and_masks_the_bike(db, clerk, tmp_path):
    _accept(db, clerk, tmp_path, "ebike_registration", now=NOW - timedelta(days=30))
    answers, materials = _answers("ebike_theft", owner_id_number=STRANGER_ID, owner_name=STRANGER,
                                  owner_phone="13700137000")
    refused = intake.refuse(HallContext(db, clerk, tmp_path), "ebike_theft", answers, materials, now=NOW)
    text = _text(refused.paper.pdf_path)
    assert "不予登记通知书" in text and "不是该车的登记所有人" in text
    assert OWNER not in text and "410105********0019" not in text
    assert "车辆信息" in text and "***0001" in text and "119TDT*****2345" in text
    assert PLATE not in text and FRAME not in text
    assert STRANGER in text  # the applicant's own name, in the header


def test_a_one_time_notice_names_the_bike_masked_and_no_owner(db, clerk, tmp_path):
    _accept(db, clerk, tmp_path, "ebike_registration")
    answers, materials = _answers("ebike_transfer", plate_no="", transfer_date=NOW.date().isoformat())
    notice = intake.give_notice(HallContext(db, clerk, tmp_path),
                                "ebike_transfer", answers, dict(materials, transfer_proof=""),
                                now=NOW)
    text = _text(notice.paper.pdf_path)
    assert "一次性告知书" in text and "所有权转移证明" in text
    # Only the frame number was typed: the bike is named by the register's plate and frame, masked.
    assert "车辆信息" in text and "***0001" in text and "119TDT*****2345" in text
    assert OWNER not in text and PLATE not in text and FRAME not in text


def test_the_owner_gets_a_query_sheet_of_their_own_bike_and_the_print_is_audited(db, clerk, tmp_path):
    _accept(db, clerk, tmp_path, "ebike_registration")
    _accept(db, clerk, tmp_path, "ebike_transfer", transfer_date=NOW.date().isoformat())
    _accept(db, clerk, tmp_path, "ebike_theft", now=NOW + timedelta(days=2), owner_id_number=BUYER_ID,
            owner_name=BUYER, report_kind="lost", police_report_no=None,
            loss_date=(NOW.date() + timedelta(days=1)).isoformat())
    before = _documents(db)
    # The earlier owner's ID is not the register's owner any more: refused, next to the ID field.
    with pytest.raises(InputError) as wrong:
        print_owner_query(HallContext(db, clerk, tmp_path), PLATE, "resident_id", OWNER_ID, now=NOW)
    assert "不一致" in wrong.value.errors["id_number"] and _documents(db) == before
    with pytest.raises(InputError):
        print_owner_query(HallContext(db, clerk, tmp_path), PLATE, "resident_id", "", now=NOW)
    with pytest.raises(ActionRefused):
        print_owner_query(HallContext(db, clerk, tmp_path), "郑A99999", "resident_id", BUYER_ID, now=NOW)
    paper = print_owner_query(HallContext(db, clerk, tmp_path), "119tdt 2405-12345", "resident_id", BUYER_ID.lower(),
                              now=NOW + timedelta(days=3))
    text = _text(paper.pdf_path)
    assert "电动自行车登记信息查询单" in text and "第十七条" in text
    for value in (PLATE, FRAME, "雅迪TDT1234Z", "遗失", "2026年11月26日", BUYER, "410182********002X",
                  "张*", "410105********0019", "初次登记", "转移登记"):
        assert value in text, value
    assert OWNER not in text and OWNER_ID not in text and BUYER_ID not in text
    with db.read() as s:
        doc = s.get(Document, paper.id)
        made = s.scalars(select(AuditEvent).where(AuditEvent.action == "paper.made",
                                                  AuditEvent.document_id == paper.id)).all()
        refused = s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "ebike.query_refused")).all()
    assert doc.kind == "registration_query" and len(made) == 1
    assert refused == [{"registration_id": 1}]  # who tried is in the row; the typed number is not
    print_jobs.record_print_job(db, clerk, paper.id, 1, "HP LaserJet")
    with db.read() as s:
        printed = s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "paper.printed")).all()
    assert printed[-1]["document_id"] == paper.id and printed[-1]["kind"] == "registration_query"
