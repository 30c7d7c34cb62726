"""The service seam (issue 16): service packages are discovered, and a registration made twice stops the start."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.cases import demo_data, facts, hooks, identifiers, intake, paper_kinds, reasons, services, status
from desktop.cases.registration import DuplicateRegistration
from desktop.documents.kinds import DOCUMENT_KINDS, DuplicateKind
from desktop.store.database import open_database
from desktop.store.lifecycle_models import DecisionReason
from forms import registry

ROOT = Path(__file__).resolve().parents[3]


def test_the_service_packages_are_discovered_in_name_order():
    loaded = services.load()
    assert {"ebike", "residence", "subsidy"} <= set(loaded) and loaded == tuple(sorted(loaded))
    assert services.load() is services.load()  # once


def test_intake_names_no_service_module():
    # NOTE: the hand-written imports of desktop.cases.ebike, residence, subsidy… are what a new service
    # used to have to add (and forgot: its facts and hooks silently never ran).
    source = (ROOT / "desktop" / "cases" / "intake.py").read_text(encoding="utf-8")
    assert "desktop.cases.services." not in source and "ebike" not in source and "subsidy" not in source


def test_every_service_with_a_case_part_has_registered():
    # Each registry the seam offers holds what the three packages declare.
    assert ("ebike_registration", "accepted") in hooks._hooks and ("residence_permit", "approved") in hooks._hooks
    assert "ebike_transfer" in facts._providers and "startup_subsidy" in facts._providers
    assert [i.key for i in identifiers.declared()][:2] == ["plate_no", "frame_no"]  # ebike's, loaded first
    assert paper_kinds.is_certificate("registration_certificate") and not paper_kinds.is_certificate("receipt")
    assert {p.service_id for p in demo_data.plans()} == set(registry.services())


@pytest.mark.parametrize("register", [
    pytest.param(lambda: hooks.on(status.ACCEPTED, "ebike_registration")(lambda ctx: hooks.HookResult()), id="hook"),
    pytest.param(lambda: facts.provides("ebike_transfer")(lambda s, sv, a, c: {}), id="facts"),
    pytest.param(lambda: facts.keyed_by("startup_subsidy")(lambda sv, a: []), id="lock keys"),
    pytest.param(lambda: identifiers.declare(identifiers.SearchIdentifier("plate_no", "号牌", "", str.upper)),
                 id="identifier"),
    pytest.param(lambda: reasons.declare(reasons.RefusalReason("EB03", "x", "y", "ebike_transfer")), id="reason"),
    pytest.param(lambda: demo_data.declare(demo_data.DemoPlan("residence_permit", 1, {})), id="demo plan"),
])
def test_a_second_registration_of_a_key_raises_and_keeps_the_first(register):
    before = (dict(hooks._hooks.items()), dict(facts._providers.items()), identifiers.declared(),
              reasons.declared(), demo_data.plans())
    with pytest.raises(DuplicateRegistration, match="registered twice"):
        register()
    after = (dict(hooks._hooks.items()), dict(facts._providers.items()), identifiers.declared(),
             reasons.declared(), demo_data.plans())
    assert after == before


def test_a_paper_kind_twice_raises():
    with pytest.raises(DuplicateKind):
        paper_kinds.declare("registration_certificate", "另一个登记证明")
    with pytest.raises(DuplicateKind):
        paper_kinds.declare("receipt", "回执")  # a generic kind cannot be taken by a service either
    assert DOCUMENT_KINDS["registration_certificate"] == "电动自行车登记证明"


def _start_with_extra_package(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    """A fresh interpreter whose desktop.cases.services also holds ``zz_extra`` (in tmp_path) and imports intake."""
    package = tmp_path / "zz_extra"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(body), encoding="utf-8")
    code = (f"import desktop.cases.services as s; s.__path__.append({str(tmp_path)!r})\n"
            "from desktop.cases import intake, hooks\n"
            "print(sorted(k for k in hooks._hooks if k[0] == 'zz_service'))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_new_package_is_found_without_naming_it_anywhere(tmp_path):
    result = _start_with_extra_package(tmp_path, '''
        from desktop.cases import hooks
        hooks.on("accepted", "zz_service")(lambda ctx: hooks.HookResult())
    ''')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[('zz_service', 'accepted')]"


def test_a_package_registering_a_taken_hook_stops_the_start(tmp_path):
    result = _start_with_extra_package(tmp_path, '''
        from desktop.cases import hooks
        @hooks.on("accepted", "ebike_registration")
        def second(ctx):
            return hooks.HookResult()
    ''')
    assert result.returncode != 0
    assert "DuplicateRegistration" in result.stderr and "zz_extra" in result.stderr
    assert "desktop.cases.services.ebike.registry" in result.stderr  # both places are named


def test_every_declared_reason_is_in_a_fresh_database_under_its_service(tmp_path):
    db = open_database(tmp_path / "hall.sqlite3")
    try:
        with db.read() as s:
            stored = {r.code: (r.label, r.basis, r.service_id) for r in s.scalars(select(DecisionReason))}
    finally:
        db.close()
    declared = {r.code: (r.label, r.basis, r.service_id) for r in reasons.declared()}
    assert len(declared) >= 12  # the first three services' twelve, and any later service's own
    assert {code: stored.get(code) for code in declared} == declared


def test_every_declared_paper_kind_is_known_to_the_documents():
    # the services' kinds were registered into desktop.documents.kinds when the packages loaded
    assert intake is not None
    for kind in ("registration_certificate", "permit_collection", "subsidy_decision", "registration_query"):
        assert paper_kinds.title(kind) == DOCUMENT_KINDS[kind]
