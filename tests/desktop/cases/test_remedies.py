"""Every refusal and decision names its review body and court, by the law of its day (issue 14)."""

from __future__ import annotations

from datetime import date, datetime

from pypdf import PdfReader

from desktop import paths
from desktop.cases import intake, remedies
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


def _text(pdf: str) -> str:
    return "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "")


def test_a_refusal_names_the_city_government_and_the_court(db, admin, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    answers = dict(case["answers"], hukou_in_zhengzhou=True)
    result = intake.refuse(HallContext(db, Actor(admin, "03", "郑州市金水区政务服务中心"), tmp_path),
                           "residence_permit", answers,
                           case["materials"], now=NOW)
    text = _text(result.paper.pdf_path)
    assert "本决定由郑州市公安局作出" in text
    assert "60日内向郑州市人民政府申请行政复议" in text
    assert "6个月内向作出决定的行政机关所在地有管辖权的人民法院提起行政诉讼" in text
    assert "自收到本通知书之日起" in text and "行政复议法（2023修订" in text


def test_before_2024_a_department_up_could_also_review():
    old = remedies.for_service("residence_permit", date(2023, 12, 31))
    new = remedies.for_service("residence_permit", date(2024, 1, 1))
    assert old.review_body == "郑州市人民政府或者河南省公安厅" and "2017修正" in old.source
    assert new.review_body == "郑州市人民政府" and "2023修订" in new.source


def test_every_service_has_its_authority():
    for service_id in registry.services():
        found = remedies.for_service(service_id, NOW.date())
        assert found.authority and found.review_body and found.court, service_id
    assert remedies.for_service("startup_subsidy", NOW.date()).authority == "郑州市人力资源和社会保障局"


def test_a_hall_names_its_own_bodies(data_dir):
    paths.config_dir().mkdir(parents=True, exist_ok=True)
    (paths.config_dir() / remedies.HALL_FILE).write_text(
        '[residence_permit]\nauthority = "郑州市公安局金水分局"\nreview_body = "郑州市人民政府"\n'
        '[default]\ncourt = "郑州铁路运输法院"\n', encoding="utf-8")
    found = remedies.for_service("residence_permit", NOW.date())
    assert (found.authority, found.court) == ("郑州市公安局金水分局", "郑州铁路运输法院")
    assert remedies.for_service("ebike_theft", NOW.date()).court == "郑州铁路运输法院"


def test_a_broken_hall_file_falls_back_to_the_defaults(data_dir):
    paths.config_dir().mkdir(parents=True, exist_ok=True)
    (paths.config_dir() / remedies.HALL_FILE).write_text("[residence_permit\n", encoding="utf-8")
    assert remedies.for_service("residence_permit", NOW.date()).review_body == "郑州市人民政府"


def test_a_decision_speaks_of_itself_as_a_decision():
    assert remedies.section("ebike_registration", "不予登记决定书", NOW.date()).count("自收到本决定书之日起") == 2
    assert "本通知书" in remedies.section("ebike_registration", "不予登记通知书", NOW.date())
