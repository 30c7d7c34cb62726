"""The stored assessment, lifecycle and audit details become frozen data once, at loading; old rows still read."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from desktop.cases import casefile, intake, lifecycle, reprints, worklists
from desktop.cases.hall_context import HallContext
from desktop.cases.stored import EventDetail, Lifecycle, StoredAssessment, StoredFinding
from forms import registry

NOW = datetime(2026, 11, 25, 10, 30)
FULL_ID = "410305199001011234"


def test_a_loaded_case_carries_frozen_data_not_json(db, people, signs, tmp_path):
    example = registry.get("residence_permit").example(NOW.date())
    case = intake.accept(HallContext(db, people["clerk"], tmp_path),
                         "residence_permit", example["answers"], example["materials"], now=NOW).case
    by_sup, by_clerk = HallContext(db, people["sup"], tmp_path), HallContext(db, people["clerk"], tmp_path)
    lifecycle.request_supplement(by_clerk, case.id, ["社保缴费证明原件"], "共享数据不完整", now=NOW)
    lifecycle.receive_supplement(by_clerk, case.id, now=datetime(2026, 11, 26, 9))
    lifecycle.extend(by_sup, case.id, 3, "需要实地核查", now=datetime(2026, 11, 26, 10))
    lifecycle.approve(by_sup, case.id, now=datetime(2026, 11, 27, 9))
    lifecycle.issue(by_clerk, case.id, "欧阳娜娜", FULL_ID, False, now=datetime(2026, 11, 28, 9))
    file = casefile.load(db, case.id)
    assert isinstance(file.assessment, StoredAssessment) and isinstance(file.lifecycle, Lifecycle)
    with pytest.raises(dataclasses.FrozenInstanceError):
        file.lifecycle.issue.receiver_name = "x"  # type: ignore[misc]
    a = file.assessment
    assert (a.decision, a.decision_label, a.assessed_on) == ("accept", "可以受理", NOW.date())
    assert a.rules_version.startswith("residence_permit") and a.findings
    assert all(isinstance(f, StoredFinding) and f.rule_id and f.basis for f in a.findings)
    assert all(f.applicable for f in a.shown_findings) and len(a.shown_findings) <= len(a.findings)
    life = file.lifecycle
    [supplement] = life.supplements
    assert (supplement.requested_on, supplement.items, supplement.received_on) == (
        NOW.date(), ("社保缴费证明原件",), date(2026, 11, 26))
    assert life.decision.approved and life.decision.by == "李娜" and life.decision.on == date(2026, 11, 27)
    [extension] = life.extensions
    assert (extension.days, extension.reason, extension.on) == (3, "需要实地核查", date(2026, 11, 26))
    assert extension.to is not None and extension.to > extension.on
    issue = life.issue
    assert (issue.receiver_name, issue.receiver_id_masked, issue.by_proxy, issue.at_window) == (
        "欧阳娜娜", "410305********1234", False, False)
    assert FULL_ID not in repr(life) and not life.concluded_at_window and life.cancel is None
    # The timeline's details are typed too: the extension's days, the papers' copy numbers.
    reprints.reprint(by_clerk, reprints.papers_of(db, case.id)[0].id, "回执遗失", now=NOW)
    details = [e.detail for e in worklists.timeline(db, case.id)]
    assert all(isinstance(d, EventDetail) for d in details)
    assert any(d.days == 3 and d.to == extension.to.isoformat() for d in details)
    assert any(d.items == ("社保缴费证明原件",) for d in details)
    assert any(d.document_id is not None and d.copy_no == 2 and d.kind == "receipt" for d in details)


def test_old_rows_without_newer_keys_still_read():
    # An assessment and a lifecycle as an older HallDesk stored them: fewer keys, no labels.
    old = StoredAssessment.from_stored({"decision": "accept", "findings": [{"rule_id": "r1", "outcome": "fail"}]})
    assert old is not None and old.assessed_on is None and old.decision_label == ""
    [finding] = old.findings
    assert finding.outcome_label == "fail" and finding.needs_attention and finding.basis == ""
    assert StoredAssessment.from_stored(None) is None and StoredAssessment.from_stored({}) is None
    life = Lifecycle.from_stored({"issue": {"on": "2026-01-05", "at_window": True, "by": "张伟", "legacy": True},
                                  "cancel": {"on": "2026-01-06", "reason": "误录", "by": "张伟", "countersign": "李娜"}})
    assert life.concluded_at_window and life.issue.legacy and life.issue.receiver_id_masked == ""
    assert life.cancel.on == date(2026, 1, 6) and not life.cancel.revoked
    assert Lifecycle.from_stored(None) == Lifecycle()
    assert EventDetail.from_stored({"to": None, "reasons": ["RP02"]}) == EventDetail(reason_codes=("RP02",))


def test_a_finding_points_at_its_material():
    finding = StoredFinding.from_stored({"rule_id": "material.photo", "outcome": "missing_information",
                                         "facts": {"material": "photo"}})
    assert finding.material == "photo" and finding.needs_attention and finding.applicable
    assert StoredFinding.from_stored({"outcome": "not_applicable"}).applicable is False
