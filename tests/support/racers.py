"""The child side of the race tests: each process opens the hall itself and runs one case-layer call on a signal.

Imported by the spawned worker processes, so it holds only plain functions of picklable arguments."""

from __future__ import annotations

import time
import traceback
from typing import Any

_barrier = None
_databases: dict[str, Any] = {}


def init(barrier) -> None:
    """Pool initializer: the Barrier every worker of a round waits on before its call."""
    global _barrier
    _barrier = barrier


def _db(url: str):
    from desktop.store.database import open_database

    if url not in _databases:
        _databases[url] = open_database(url)
    return _databases[url]


def run_warm(url: str) -> str:
    """Open the database and load the case layer before the first round, so a round starts together."""
    from desktop import documents  # noqa: F401
    from desktop.cases import intake, lifecycle  # noqa: F401

    _db(url)
    documents.render_pdf  # noqa: B018 - reportlab and the font are loaded on first use
    _barrier.wait(timeout=300)  # one warm-up per process, not two in one
    return "ready"


def accept_draft(db, actor, case_id, service_id, answers, materials, now, papers_dir):
    from desktop.cases import intake
    from desktop.cases.hall_context import HallContext

    result = intake.accept(HallContext(db, actor, papers_dir), service_id, answers, materials, case_id=case_id, now=now)
    return {"case_id": result.case.id, "case_no": result.case.case_no}


def accept_new(db, actor, service_id, answers, materials, now, papers_dir):
    from desktop.cases import intake
    from desktop.cases.hall_context import HallContext

    result = intake.accept(HallContext(db, actor, papers_dir), service_id, answers, materials, now=now)
    return {"case_id": result.case.id, "case_no": result.case.case_no}


def approve(db, actor, case_id, now, papers_dir):
    from desktop.cases import lifecycle
    from desktop.cases.hall_context import HallContext

    result = lifecycle.approve(HallContext(db, actor, papers_dir), case_id, now=now)
    return {"case_id": result.case.id, "papers": [p.kind for p in result.papers]}


CALLS = {"accept_draft": accept_draft, "accept_new": accept_new, "approve": approve}


def run(task: tuple[str, str, dict[str, Any]]) -> tuple[str, Any]:
    """Wait for every worker of the round, then make the call: ("ok", …), ("refused", message) or ("error", …)."""
    from desktop.cases.errors import ActionRefused, InputError

    name, url, kwargs = task
    db = _db(url)
    _barrier.wait(timeout=120)
    start = time.monotonic()
    try:
        return "ok", CALLS[name](db, **kwargs)
    except ActionRefused as exc:
        return "refused", exc.message
    except InputError as exc:
        return "input", exc.errors
    except Exception:  # noqa: BLE001 - reported to the test, which fails on it
        return "error", f"after {time.monotonic() - start:.1f} s:\n{traceback.format_exc()}"
