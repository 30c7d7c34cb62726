"""Every paper kind of every procedure, rendered by the real case layer: its text, its contact line and its pages (issue 14)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.cases import intake, lifecycle
from desktop.cases.hall_context import HallContext
from desktop.demo.seed import HALL, HALL_ADDRESS, HALL_PHONE, seed
from desktop.store.database import open_database
from desktop.store.models import Document
from forms import registry

# What each procedure prints: the intake papers for all, then each one's own.
COMMON = {"receipt", "incomplete_notice", "refusal", "supplement_notice", "refusal_decision"}
# Decided at the window (issue 13): no 补正 or decision after intake, a revocation instead.
AT_WINDOW = {"receipt", "incomplete_notice", "refusal", "revocation_decision"}
OWN = {
    "residence_permit": {"permit_collection"},
    "ebike_registration": {"registration_certificate"},
    "ebike_transfer": {"transfer_certificate"},
    "ebike_theft": set(),
    "ebike_destroyed": {"destroyed_certificate"},
    "ebike_recovered": {"recovered_certificate"},
    "ebike_plate": {"plate_certificate"},
    "startup_subsidy": {"subsidy_calculation", "subsidy_decision", "loan_recommendation"},
}
ONE_PAGE = {"receipt", "permit_collection", "registration_certificate", "transfer_certificate", "pledge",
            "revocation_decision", "destroyed_certificate", "recovered_certificate", "plate_certificate"}
CONTACT = f"地址：{HALL_ADDRESS}  电话：{HALL_PHONE}"


def loan_case(today):
    """The example claim turned into a guaranteed startup loan of 300,000 yuan (as in test_subsidy_lifecycle)."""
    case = registry.get("startup_subsidy").example(today)
    answers = {k: v for k, v in case["answers"].items()
               if k not in ("park_type", "park_name", "move_in_date", "park_costs")}
    answers.update(claim_type="guaranteed_loan", loan_borrower="individual", loan_amount="300000",
                   counter_guarantee="second_time")
    materials = {k: v for k, v in case["materials"].items() if k not in ("park_agreement", "cost_invoices")}
    materials.update(business_plan="provided", counter_guarantee_proof="provided")
    return answers, materials


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """The demo hall (every service in every state) plus a guaranteed loan approved."""
    root = tmp_path_factory.mktemp("every_paper")
    db = open_database(root / "demo.sqlite3")
    demo = seed(db, root / "papers", per_state=1)
    clerk, sup = demo.staff["zhang"], demo.staff["li"]
    now = datetime.combine(demo.today, datetime.min.time()).replace(hour=9)
    answers, materials = loan_case(now.date())
    loan = intake.accept(HallContext(db, clerk, root / "papers"), "startup_subsidy", answers, materials, now=now)
    lifecycle.approve(HallContext(db, sup, root / "papers"), loan.case.id, now=now.replace(hour=10))
    with db.unit() as s:
        docs = [(d.kind, d.snapshot, d.copy_no) for d in s.scalars(select(Document))]
    yield root, docs
    db.close()


def _pages(root, snapshot, kind, copy_no):
    return PdfReader(root / "papers" / f"{snapshot['case_no']}-{kind}-{copy_no}.pdf").pages


def test_every_kind_of_every_procedure_is_printed(hall):
    _root, docs = hall
    service_of = {sv.name: sid for sid, sv in registry.services().items()}
    seen = {(service_of[snap["service_name"]], kind) for kind, snap, _ in docs}
    for service_id, own in OWN.items():
        for kind in (AT_WINDOW if registry.get(service_id).decided_at_window else COMMON) | own:
            assert (service_id, kind) in seen, (service_id, kind)


def test_every_paper_says_what_it_must_and_fits_its_pages(hall):
    root, docs = hall
    for kind, snap, copy_no in docs:
        pages = _pages(root, snap, kind, copy_no)
        texts = [p.extract_text().replace("\n", "") for p in pages]
        whole = "".join(texts)
        where = f"{snap['case_no']} {kind}"
        assert snap["title"] in whole and snap["case_no"] in whole and HALL in whole, where
        assert snap["applicant"]["name"] in whole and snap["applicant"]["id_masked"] in whole, where
        # The hall's address and phone on every page.
        assert all(CONTACT in t for t in texts), where
        if snap["service_name"] == registry.get("startup_subsidy").name:
            assert "行政许可" not in whole, where  # a subsidy is not a licence
        if kind in ("refusal", "refusal_decision", "subsidy_decision", "loan_recommendation", "revocation_decision"):
            assert "行政复议" in whole and "人民法院" in whole, where
        # No basis ends in a stray "、" ("8号 五、"): a part cited alone reads 第五部分.
        assert not re.search(r"号 [一二三四五六七八九十]+、(?![\d（“])", whole), where
        # Dates in words one way only.
        assert not re.search(r"\d{4}年0\d月|月0\d日", whole), where
        if kind in ONE_PAGE:
            assert len(pages) == 1, where
        # No page holds only the seal, the date and the footer: a later page carries body text too.
        spilled = False
        footer = {snap["hall"], f"{snap['window']}号窗口", snap["case_no"], CONTACT}
        for later in texts[1:]:
            body = later
            for part in footer | {snap.get("signature", {}).get("date", ""), snap.get("footer", ""), "（印章）", "（续）"}:
                body = body.replace(part, "") if part else body
            body = re.sub(r"第 \d+ 页 共 \d+ 页|经办人：\S+|编号：|\s", "", body)
            spilled = spilled or len(body) <= 30
        assert not spilled, (where, texts[-1])


def test_a_loan_prints_no_payment_notice(hall):
    _root, docs = hall
    loans = [snap for kind, snap, _ in docs if kind == "loan_recommendation"]
    assert loans and all("拨付至你登记的银行账户" not in str(s) for s in loans)
