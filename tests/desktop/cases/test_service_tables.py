"""A service's register tables are declared in its package (issue 16) and still reach everything that walks them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.cases import identifiers
from desktop.store import audit_hashes

ROOT = Path(__file__).resolve().parents[3]
REGISTERS = {
    "ebike": {"ebike_registrations", "ebike_owner_history", "ebike_status_history", "ebike_voided_plates",
              "plate_pools", "plate_blocks", "plate_register_mode"},
    "subsidy": {"subsidy_claims", "subsidy_claim_months", "subsidy_claim_workers"},
    "nrmm": {"nrmm_registrations", "nrmm_code_counters"},
}


def _fresh(code: str) -> dict:
    """Run ``code`` in a fresh interpreter (nothing imported yet) and return the JSON it prints."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_store_alone_declares_no_register_and_loading_the_services_brings_each_from_its_package():
    found = _fresh(
        "import json, pkgutil, importlib, desktop.store as st\n"
        "for m in pkgutil.iter_modules(st.__path__): importlib.import_module('desktop.store.' + m.name)\n"
        "from desktop.store.models import Base\n"
        "core = sorted(Base.metadata.tables)\n"
        "from desktop.cases import services\n"
        "services.load()\n"
        "where = {m.local_table.name: m.class_.__module__ for m in Base.registry.mappers}\n"
        "print(json.dumps({'core': core, 'where': where}))\n")
    every = set().union(*REGISTERS.values())
    assert not every & set(found["core"]), "a service's table is declared in desktop/store"
    for name, tables in REGISTERS.items():
        assert {t: found["where"].get(t) for t in tables} == dict.fromkeys(tables, f"desktop.cases.services.{name}.models")


def test_the_purge_sees_every_register_even_when_nothing_loaded_the_services():
    # NOTE: `python -m desktop purge` imports the retention module and nothing of the services; without
    # their tables it would delete a case a register row still points at.
    found = _fresh("import json\nfrom desktop.cases import retention\n"
                   "print(json.dumps(sorted({t.name for t, _c in retention._referencing()})))\n")
    assert {"ebike_registrations", "ebike_owner_history", "ebike_voided_plates", "subsidy_claims",
            "nrmm_registrations"} <= set(found)


def test_the_frozen_case_hash_slots_are_kinds_the_e_bike_package_records():
    # NOTE (desktop/store/audit.py, CASE_COLUMNS): every case hash of format v1 holds plate_no and frame_no;
    # since migration 0016 they are read from case_identifiers rows of those kinds, so the e-bike package
    # must keep declaring exactly these keys, or every e-bike case hashed before would stop verifying.
    identifiers.declared()  # loads the services
    where = {k: identifiers._declared._where[k] for k in audit_hashes.IDENTIFIER_COLUMNS if k in identifiers._declared}
    assert where == dict.fromkeys(audit_hashes.IDENTIFIER_COLUMNS, "desktop.cases.services.ebike.declarations")
    assert [c for c in audit_hashes.CASE_COLUMNS if c in audit_hashes.IDENTIFIER_COLUMNS] == ["plate_no", "frame_no"]
