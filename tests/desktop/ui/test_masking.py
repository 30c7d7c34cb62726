"""One masking rule everywhere: no full ID or mobile number of any demo case in any printed paper or the case list."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.cases import worklists
from desktop.cases.queries import page_rows
from desktop.demo.seed import seed
from desktop.documents import DOCUMENT_KINDS
from desktop.store.models import Case, Document
from desktop.ui.case_models import DeadlineDueModel
from desktop.ui.case_table import CaseTableModel

ID_RE = re.compile(r"\d{17}[\dXx]")
PHONE_RE = re.compile(r"1[3-9]\d{9}")


def _personal(value, key: str = ""):
    """Values under keys naming an ID or phone number (frame numbers may hold phone-like runs)."""
    if isinstance(value, str) and ("id_number" in key or "phone" in key):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _personal(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _personal(v, key)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from desktop import paths
    from desktop.store.database import open_database

    folder = tmp_path_factory.mktemp("demo")
    paths.set_data_dir(folder / "data")
    db = open_database(folder / "demo.sqlite3")
    seed(db, folder / "papers", per_state=1)
    secrets: set[str] = set()
    with db.unit() as s:
        for case in s.scalars(select(Case)):
            for text in [case.id_number or "", case.phone or "", *_personal(case.answers), *_personal(case.lifecycle)]:
                secrets.update(m.upper() for m in ID_RE.findall(text))
                secrets.update(PHONE_RE.findall(text))
        kinds = {d.kind for d in s.scalars(select(Document))}
    yield db, folder / "papers", secrets, kinds
    db.close()
    paths.set_data_dir(None)


def test_no_full_number_in_any_printed_paper(demo):
    _db, papers, secrets, kinds = demo
    assert len(secrets) > 50  # the demo hall really has people in it
    # Every applicant paper kind is among the demo's papers, but the 容缺受理通知书 (the demo takes no
    # case in on a pledge; its real builder is checked for the full ID in tests/desktop/documents) and
    # the 创业担保贷款推荐意见书 (the demo has no loan claim; tests/desktop/test_every_paper.py prints one) and the
    # owner's 登记信息查询单 (printed on request; tests/services/ebike/case/test_ebike_papers_privacy.py).
    assert kinds == set(DOCUMENT_KINDS) - {"audit_day_report", "rongque_notice", "loan_recommendation",
                                           "registration_query"}
    pdfs = sorted(papers.rglob("*.pdf"))
    assert len(pdfs) > 50
    for pdf in pdfs:
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
        compact = re.sub(r"\s+", "", text).upper()
        leaked = [s for s in secrets if s in compact]
        assert not leaked, f"{pdf.name}: {leaked}"


def _everything_shown(model) -> str:
    """Every value the model gives a view, for every cell and every role (the row role's object included)."""
    roles = [*range(0, 40), int(Qt.ItemDataRole.UserRole)]
    shown = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            for role in roles:
                value = model.data(model.index(row, column), role)
                if value is not None:
                    shown.append(repr(value).upper())
    return "\n".join(shown)


def test_no_full_number_in_the_case_list_model(qtbot, demo):
    db, _papers, secrets, _kinds = demo
    model = CaseTableModel()
    rows = page_rows(db, limit=10_000)
    # NOTE (issue 15): the model keeps the rows as read, full ID numbers in them; what it hands
    # out is made by case_rows with THE masking rule.
    assert any(secret in str(rows).upper() for secret in secrets)
    model.set_rows(rows)
    assert model.rowCount() > 50
    text = _everything_shown(model)
    assert "****" in text
    assert not [s for s in secrets if s in text]
    assert not [s for s in secrets if s in repr([model.row_at(r) for r in range(model.rowCount())]).upper()]


def test_no_full_number_in_the_deadline_lists(qtbot, demo):
    db, _papers, secrets, _kinds = demo
    rows = worklists.overdue_rows(db, date(2100, 1, 1)) + worklists.due_soon_rows(db, date(2000, 1, 1), 100_000)
    assert len(rows) > 5 and any(secret in str(rows).upper() for secret in secrets)
    model = DeadlineDueModel()
    model.set_rows(rows, date(2100, 1, 1))
    text = _everything_shown(model)
    assert not [s for s in secrets if s in text]
    assert not [s for s in secrets if s in repr(model.rows()).upper()]
    assert "****" in repr(model.rows())  # the row role's DeadlineDue carries the masked number
