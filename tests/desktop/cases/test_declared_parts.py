"""The seam's declared parts (issue 16): a service's permissions, self-test plan and at-window words are its own."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from desktop import selftest
from desktop.cases import at_window, permissions, selftest_plans
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.cases.registration import DuplicateRegistration
from desktop.cases.services.ebike import plates
from forms import registry
from forms.at_window import AtWindow, Inspection

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 25)


# --- permissions ------------------------------------------------------------------------------------


def test_a_service_declares_its_own_permission_and_the_core_lists_none_of_it():
    assert "plates" not in permissions.ALLOWED and "plates" not in permissions.LABELS
    declared = {p.key: p for p in permissions.declared()}
    assert declared["plates"] == permissions.Permission("plates", "设置号牌号段", frozenset({"admin"}), "电动自行车登记")
    assert [p.key for p in permissions.declared()][:len(permissions.ALLOWED)] == list(permissions.ALLOWED)
    assert {p.scope for p in declared.values() if p.key in permissions.ALLOWED} == {permissions.CORE_SCOPE}


def test_a_declared_permission_is_enforced_in_the_same_words(db, people):
    with pytest.raises(ActionRefused, match=r"^李娜（审核）无权设置号牌号段。$"):
        with db.unit() as s:
            permissions.require(s, people["sup"], "plates")
    assert permissions.allowed("no_such_action") == frozenset()  # an undeclared action: nobody


@pytest.mark.parametrize("key", ["plates", "calendar"])  # a service's taken key, and one of the core's
def test_a_permission_declared_twice_is_refused_and_keeps_the_first(key):
    before = permissions.declared()
    with pytest.raises(DuplicateRegistration, match="registered twice"):
        permissions.declare(key, "别的", {"clerk"}, "别的服务")
    assert permissions.declared() == before


def test_a_permission_for_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="unknown roles"):
        permissions.declare("zz_boss_only", "老板专用", {"boss"}, "别的服务")
    assert "zz_boss_only" not in {p.key for p in permissions.declared()}


def _start_with_extra_package(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    """A fresh interpreter whose desktop.cases.services also holds ``zz_extra``; it loads the packages."""
    package = tmp_path / "zz_extra"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(body), encoding="utf-8")
    code = (f"import desktop.cases.services as s; s.__path__.append({str(tmp_path)!r})\n"
            "from desktop.cases import permissions\n"
            "print(sorted(p.key for p in permissions.declared() if p.scope == '试点服务'))\n")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)


def test_a_new_packages_permission_is_found_and_a_taken_one_stops_the_start(tmp_path):
    found = _start_with_extra_package(tmp_path / "a", '''
        from desktop.cases import permissions
        permissions.declare("zz_codes", "设置编码号段", {"admin"}, "试点服务")
    ''')
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "['zz_codes']"
    taken = _start_with_extra_package(tmp_path / "b", '''
        from desktop.cases import permissions
        permissions.declare("plates", "设置号牌号段", {"admin", "clerk"}, "试点服务")
    ''')
    assert taken.returncode != 0
    assert "DuplicateRegistration" in taken.stderr and "zz_extra" in taken.stderr
    assert "desktop.cases.services.ebike.plates" in taken.stderr  # both places are named


# --- the self-test's plans --------------------------------------------------------------------------


def test_the_self_test_stages_what_the_packages_say_and_every_service_without_a_plan():
    plans = selftest_plans.declared()
    left_out = {sid for sid, plan in plans.items() if not plan.staged}
    assert left_out == {"ebike_destroyed", "ebike_recovered", "ebike_plate"}
    assert selftest.services() == tuple(sid for sid in registry.services() if sid not in left_out)
    assert selftest_plans.plan("residence_permit") == selftest_plans.SelftestPlan("residence_permit")  # the plain one


def test_a_self_test_plan_declared_twice_is_refused():
    with pytest.raises(DuplicateRegistration, match="registered twice"):
        selftest_plans.declare(selftest_plans.SelftestPlan("ebike_registration"))


def test_the_registrations_set_up_gives_a_standalone_window_its_block_once(db, admin):
    # NOTE: the db fixture is a hall-mode file; the self-test's own folder is a standalone PC's.
    plates.set_register_mode(db, admin, False, "07")
    actor = Actor(admin, "07", "自检大厅")
    setup = selftest_plans.plan("ebike_registration").setup
    setup(db, actor)
    setup(db, actor)  # a second run's set-up finds it done
    blocks = [b for b in plates.list_blocks(db) if b.window == "07"]
    assert [(b.prefix, b.range_text) for b in blocks] == [("郑A", "郑A90000–郑A90999")]
    assert plates.current_series(db).prefix == "郑A"


def test_the_bike_procedures_carry_the_plate_and_the_owner_of_the_run():
    carried: dict = {}
    plans = selftest_plans.declared()
    transfer = dict(registry.get("ebike_transfer").example(TODAY)["answers"])
    plans["ebike_transfer"].answers(transfer, carried)
    assert transfer["plate_no"] == registry.get("ebike_transfer").example(TODAY)["answers"]["plate_no"]  # nothing yet
    carried["ebike.plate_no"] = "郑A90000"
    plans["ebike_transfer"].answers(transfer, carried)
    plans["ebike_transfer"].accepted(None, 1, transfer, carried)
    stolen = dict(registry.get("ebike_theft").example(TODAY)["answers"])
    plans["ebike_theft"].answers(stolen, carried)
    assert stolen["plate_no"] == "郑A90000" and transfer["plate_no"] == "郑A90000"
    assert (stolen["owner_id_number"], stolen["owner_name"]) == (transfer["new_owner_id_number"],
                                                                  transfer["new_owner_name"])


# --- the words of a procedure decided at the window -------------------------------------------------


def test_at_window_names_no_service():
    source = (ROOT / "desktop" / "cases" / "at_window.py").read_text(encoding="utf-8")
    services = registry.services()
    named = [w for w in (*services, *(s.name for s in services.values()), "ebike", "非机动车", "电动自行车",
                         "号牌", "车辆") if w in source]
    assert named == []


def test_each_e_bike_procedure_declares_its_words_and_only_the_registration_an_inspection():
    for service_id in at_window.service_ids():
        service = registry.get(service_id)
        if service_id.startswith("ebike_"):
            assert at_window.terms(service).basis == "《郑州市非机动车管理办法》第十四条、第十五条"
            assert at_window.terms(service).subject == "所涉车辆"
    inspecting = {sid for sid in at_window.service_ids() if at_window.terms(registry.get(sid)).inspection}
    assert inspecting == {"ebike_registration"}


def test_a_procedure_without_words_of_its_own_gets_the_neutral_ones():
    plain = dataclasses.replace(registry.get("ebike_transfer"), at_window=None)
    assert at_window.terms(plain) == AtWindow() and at_window.terms(plain).basis == ""


def test_a_wrong_declaration_fails_where_the_service_is_defined():
    service = registry.get("ebike_transfer")
    with pytest.raises(ValueError, match="not decided at the window"):
        dataclasses.replace(registry.get("residence_permit"), at_window=AtWindow())
    with pytest.raises(ValueError, match=r"inspection's fields \['inspect_frame'\] are not on its form"):
        dataclasses.replace(service, at_window=AtWindow(inspection=Inspection(("inspect_frame",), lambda a: None)))
