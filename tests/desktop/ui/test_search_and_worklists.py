"""The 查询 panel by every key (incl. a scanner's input), the 待办 lists, and 容缺受理 from the intake page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from case_helpers import HALL, accept_example, drive, error_text, make_people, pdf_text, press
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit
from qt_helpers import type_text

from desktop.cases import casefile, identifiers, pledges, status
from desktop.cases.hall_context import HallContext
from desktop.settings import Settings
from desktop.ui.case_dialogs import ActionDialog
from desktop.ui.intake_page import IntakePage
from desktop.ui.search_panel import SearchPanel
from desktop.ui.worklists_page import WorklistsPage
from forms import registry

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
NOW = datetime(2026, 11, 25, 10, 0)


@pytest.fixture
def people(db, admin):
    return make_people(db, admin)


@pytest.fixture
def hall(db, people, tmp_path):
    """A residence permit case and an e-bike registration, both accepted on NOW."""
    permit = accept_example(db, people["clerk"], tmp_path, now=NOW).case
    bike = accept_example(db, people["clerk"], tmp_path, "ebike_registration", now=NOW, owner_name="王芳",
                          owner_phone="13900139000").case
    with db.unit() as s:
        plate = identifiers.value_of(s, bike.id, "plate_no")
    return {"permit": permit, "bike": bike, "plate": plate}


@pytest.fixture
def panel(qtbot, db):
    widget = SearchPanel(db)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


def found(panel) -> list[int]:
    return [panel.model.row_at(r).id for r in range(panel.model.rowCount())]


def test_case_number_typed_by_a_scanner(qtbot, qtmodeltester, panel, hall):
    case_no = hall["permit"].case_no
    qtbot.keyClicks(panel.edits["case_no"], case_no.lower())
    qtbot.keyClick(panel.edits["case_no"], Qt.Key.Key_Return)  # scanners end with Enter
    assert found(panel) == [hall["permit"].id] and panel.count_label.text() == "共找到 1 件"
    assert panel.edits["case_no"].text() == case_no
    qtmodeltester.check(panel.model)
    wrong = case_no[:-1] + ("A" if case_no[-1] != "A" else "B")
    panel.edits["case_no"].clear()
    qtbot.keyClicks(panel.edits["case_no"], wrong)
    qtbot.keyClick(panel.edits["case_no"], Qt.Key.Key_Return)
    assert "校验不通过" in panel.case_no_error.text() and panel.case_no_error.isVisible()
    assert found(panel) == [hall["permit"].id]  # the earlier result stays; nothing was searched


def test_one_field_per_declared_identifier(panel):
    # NOTE (issue 16): the plate and frame fields come from what the e-bike package declares.
    declared = identifiers.declared()
    assert tuple(panel.edits) == ("case_no", "id_number", "name_prefix", "phone", *(i.key for i in declared))
    assert [panel.edits[i.key].placeholderText() for i in declared] == [i.placeholder for i in declared]
    assert [i.placeholder for i in declared][:2] == ["如 郑A12345", "整车编码"]  # the e-bike package loads first


@pytest.mark.parametrize("key, value, which", [
    ("id_number", "410305199001011234", "permit"),
    ("phone", "139 0013 9000", "bike"),
    ("frame_no", "119tdt240512345", "bike"),
])
def test_search_by_typed_key(qtbot, panel, hall, key, value, which):
    qtbot.keyClicks(panel.edits[key], value)
    panel.search_button.click()
    assert found(panel) == [hall[which].id]


def test_search_by_name_prefix_plate_status_and_dates(qtbot, panel, hall):
    type_text(panel.edits["name_prefix"], "欧阳")
    panel.search_button.click()
    assert found(panel) == [hall["permit"].id]
    panel.clear()
    type_text(panel.edits["plate_no"], hall["plate"])
    panel.search_button.click()
    assert found(panel) == [hall["bike"].id]
    panel.clear()
    panel.status.set_value(status.ACCEPTED)
    panel.service.set_value("residence_permit")
    panel.search_button.click()
    assert found(panel) == [hall["permit"].id]
    panel.clear()
    panel.use_dates.setChecked(True)
    panel.date_from.setDate(QDate(2026, 11, 26))
    panel.date_to.setDate(QDate(2026, 12, 31))
    panel.search_button.click()
    assert found(panel) == [] and panel.count_label.text() == "没有符合条件的案件。"
    panel.date_from.setDate(QDate(2026, 11, 25))
    panel.search_button.click()
    assert sorted(found(panel)) == sorted([hall["permit"].id, hall["bike"].id])


def test_double_click_opens_the_case(qtbot, panel, hall):
    qtbot.keyClicks(panel.edits["id_number"], "410305199001011234")
    panel.search_button.click()
    with qtbot.waitSignal(panel.sig_case_activated) as opened:
        panel.view.activated.emit(panel.model.index(0, 0))
    assert opened.args == [hall["permit"].id]


def rongque_case(db, actor, tmp_path):
    from desktop.cases import intake

    case = registry.get("residence_permit").example(NOW.date())
    materials = dict(case["materials"])
    materials.pop("residence_proof")
    return intake.accept_with_pledge(HallContext(db, actor, tmp_path), "residence_permit", case["answers"], materials,
                                     due=date(2026, 12, 1), now=NOW).case


def test_worklists(qtbot, qtmodeltester, db, people, tmp_path):
    plain = accept_example(db, people["clerk"], tmp_path, now=NOW).case
    pledged = rongque_case(db, people["clerk"], tmp_path)
    day = {"today": date(2026, 12, 5)}
    page = WorklistsPage(db, today=lambda: day["today"])
    qtbot.addWidget(page)
    page.show()
    ids = lambda model: [model.row_at(r).id for r in range(model.rowCount())]  # noqa: E731
    # Deadline lists hold deadlines: on 12-05 both issue dates (12-07) are near, both reviews (12-02) late.
    cases = lambda model: [(model.row_at(r).case.id, model.row_at(r).key) for r in range(model.rowCount())]  # noqa: E731
    assert sorted(cases(page.due_soon_model)) == sorted([(plain.id, "issue"), (pledged.id, "issue")])
    assert sorted(cases(page.overdue_model)) == sorted([(plain.id, "review"), (pledged.id, "review")])
    assert sorted(ids(page.review_model)) == sorted([plain.id, pledged.id])
    [due] = page.pledges_model.rows()
    assert due.case.id == pledged.id and due.overdue
    assert page.pledges_model.data(page.pledges_model.index(0, 4)) == "已逾期"
    assert page.pledges_model.data(page.pledges_model.index(0, 3), Qt.ItemDataRole.ForegroundRole) is not None
    assert page.boxes["pledges"].title().startswith("容缺承诺到期")
    for model in (page.due_soon_model, page.overdue_model, page.pledges_model, page.review_model):
        qtmodeltester.check(model)
    # The review list elides the service so the deadline stays in view; the tooltip has the whole name.
    page.resize(1000, 700)
    review = page.views["review"]
    assert review.horizontalHeader().sectionSize(1) == 120 and not review.wordWrap()
    assert page.review_model.data(page.review_model.index(0, 1), Qt.ItemDataRole.ToolTipRole) == "居住证申领"
    day["today"] = date(2026, 12, 8)
    page.refresh()
    assert sorted(cases(page.overdue_model)) == sorted([(plain.id, k) for k in ("review", "issue")]
                                                       + [(pledged.id, k) for k in ("review", "issue")])
    assert cases(page.due_soon_model) == []
    with qtbot.waitSignal(page.sig_case_activated) as opened:
        page.views["pledges"].activated.emit(page.pledges_model.index(0, 0))
    assert opened.args == [pledged.id]


def test_pledge_fulfilled_from_the_case_view(qtbot, db, people, tmp_path):
    from qt_helpers import answer_next_box

    from desktop.ui.case_view import CaseView

    pledged = rongque_case(db, people["clerk"], tmp_path)
    view = CaseView(db, people["clerk"], Settings(output_dir=str(tmp_path)), pledged.id)
    qtbot.addWidget(view)
    view.show()
    assert view.buttons["fulfil_button"].isVisible() and view.pledges_model.rowCount() == 1
    answer_next_box([])
    view.buttons["fulfil_button"].click()
    assert casefile.load(db, pledged.id).pledges[0].fulfilled_on == date.today()
    assert not view.buttons["fulfil_button"].isVisible()
    assert pledges.open_pledges(db, pledged.id)[0].fulfilled_on is not None


def test_rongque_from_the_intake_page(qtbot, db, people, tmp_path):
    settings = Settings(hall_name=HALL, window_no="03", output_dir=str(tmp_path / "papers"))
    page = IntakePage(db, people["clerk"], settings, registry.get("residence_permit"))
    qtbot.addWidget(page)
    page.resize(1280, 860)
    page.show()
    today = date.today()
    case = registry.get("residence_permit").example(today)
    materials = dict(case["materials"])
    materials.pop("residence_proof")  # non-core: 容缺 fits
    page.load(case["answers"], materials)
    qtbot.waitUntil(lambda: page.rongque_button.isVisible(), timeout=2000)
    limit = min(d.due for d in page.assessment.deadlines)
    seen = {}

    def fill(dialog):
        dates: QDateEdit = dialog.findChild(QDateEdit, "due")
        assert dates.date().toPython() == limit  # the default is the handling deadline
        late = limit + timedelta(days=20)
        dates.setDate(QDate(late.year, late.month, late.day))
        press(dialog)
        seen["late"] = error_text(dialog)
        dates.setDate(QDate(limit.year, limit.month, limit.day))
        press(dialog)

    drive(ActionDialog, fill)
    with qtbot.waitSignal(page.sig_case_saved, timeout=5000) as saved:
        page.rongque_button.click()
    assert "不能晚于办理时限" in seen["late"]
    assert saved.args[0].status == status.ACCEPTED
    assert "受理回执" in pdf_text(page.preview.pdf_path)
    kinds = [pdf_text(d.pdf_path) for d in page.extra_previews]
    assert any("容缺受理通知书" in k for k in kinds) and any("承诺书" in k for k in kinds)
    assert not page.rongque_button.isVisible() and not page.accept_button.isEnabled()
    for dialog in (page.preview, *page.extra_previews):
        dialog.close()


def test_no_rongque_when_a_core_material_is_missing(qtbot, db, people, tmp_path):
    page = IntakePage(db, people["clerk"], Settings(output_dir=str(tmp_path)), registry.get("residence_permit"))
    qtbot.addWidget(page)
    page.show()
    case = registry.get("residence_permit").example(date.today())
    materials = dict(case["materials"])
    materials.pop("application_form")
    page.load(case["answers"], materials)
    assert page.assessment.decision.value == "incomplete" and not page.rongque_button.isVisible()


def test_search_result_follows_case_changes_made_elsewhere(qtbot, panel, db, people, hall, tmp_path):
    from desktop.ui.main_window import MainWindow
    from desktop.ui.pages import _cases_changed

    panel.refresh()  # before the clerk searched, a refresh shows nothing
    assert panel.model.rowCount() == 0 and panel.count_label.text() == ""
    panel.status.set_value(status.ACCEPTED)
    panel.search_button.click()
    assert panel.count_label.text() == "共找到 1 件"  # the bike was concluded at the window (issue 13)
    accept_example(db, people["clerk"], tmp_path, now=NOW, name="赵磊")
    window = MainWindow(db, people["clerk"], Settings())
    qtbot.addWidget(window)
    window.add_fixed_page(panel, "查询")
    _cases_changed(window)
    assert panel.count_label.text() == "共找到 2 件" and panel.model.rowCount() == 2


def test_a_page_that_is_not_full_is_the_count(qtbot, panel, hall, db, monkeypatch):
    """Issue 15: a lookup reads once; only a full first page asks how many there are in all."""
    from desktop.ui import case_table

    sent: list[str] = []
    db.reader.watchers.append(lambda statement, _parameters: sent.append(statement))
    qtbot.keyClicks(panel.edits["case_no"], hall["permit"].case_no)
    panel.search()
    assert found(panel) == [hall["permit"].id] and panel.count_label.text() == "共找到 1 件"
    assert len(sent) == 1 and "count(" not in sent[0].lower()
    monkeypatch.setattr(case_table, "PAGE_SIZE", 1)  # now the same result fills a page
    sent.clear()
    panel.search()
    assert panel.count_label.text() == "共找到 1 件"
    assert sum("count(" in statement.lower() for statement in sent) == 1  # (and the view may ask for a next page)



def test_a_failed_read_leaves_no_false_nothing_found(qtbot, panel, hall, db):
    from pathlib import Path

    from modals import answer_box

    qtbot.keyClicks(panel.edits["case_no"], hall["permit"].case_no)
    panel.search()
    assert panel.count_label.text() == "共找到 1 件" and panel.export_button.isEnabled() is False  # no actor
    db.engine.dispose()  # the file damaged under the program
    path = Path(db.location())
    path.write_bytes(b"this is not a database at all" * 200)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    texts: list[str] = []
    answer_box(texts)
    panel.search()
    assert texts and "损坏" in texts[0]
    assert panel.count_label.text() == ""  # not "没有符合条件的案件。" under the message
