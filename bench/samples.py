"""What the real case layer stores for each service: assessments and papers' snapshots from a small demo hall.

NOTE: issue 15: the generator wrote a compact assessment (no findings) and a one-section snapshot,
so its cases were 2.4× smaller than real ones. Here a throwaway hall is made by the real path
(``desktop.demo.seed``: intake, the hooks, the lifecycle, every paper through its own builder),
and its stored values become the generator's samples: each generated case gets the assessment of
its service and decision, and each paper the sections of its kind, under the case's own header.
"""

from __future__ import annotations

import copy
import functools
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

SEED = 11  # NOTE: not the dictionary's (packed_dictionary: seed 7), so the samples are not the texts it was made of


@functools.lru_cache(maxsize=4)
def samples(today: date, services: tuple[str, ...]) -> Samples:
    """The samples of one day, made once per process (the demo hall takes ≈ 10–25 s on this machine)."""
    return Samples(today, services)


class Samples:
    """Stored values by (service, decision) and (service, paper kind), read back through the ORM."""

    def __init__(self, today: date, services: tuple[str, ...]):
        from desktop import paths
        from desktop.demo import seed
        from desktop.store.database import open_database
        from desktop.store.models import Case, Document

        self.assessments: dict[tuple[str, str], dict[str, Any]] = {}
        self.papers: dict[tuple[str, str], dict[str, Any]] = {}
        previous = paths.data_dir()
        with tempfile.TemporaryDirectory() as tmp:
            paths.set_data_dir(Path(tmp) / "data")  # the demo hall's audit key and anchors stay in it
            try:
                db = open_database(Path(tmp) / "samples.sqlite3")
                try:
                    seed.seed(db, Path(tmp) / "papers", per_state=1, seed_value=SEED, today=today, services=services)
                    with db.read() as s:
                        for case in s.scalars(select(Case).where(Case.assessment.is_not(None)).order_by(Case.id)):
                            self.assessments.setdefault((case.service_id, case.decision or ""), case.assessment)
                        rows = s.execute(select(Case.service_id, Document.kind, Document.snapshot)
                                         .join(Case, Case.id == Document.case_id).order_by(Document.id))
                        for service_id, kind, snapshot in rows:
                            self.papers.setdefault((service_id, kind), snapshot)
                finally:
                    db.close()
            finally:
                paths.set_data_dir(previous)

    def assessment(self, service_id: str, decision: str, day: date) -> dict[str, Any] | None:
        sample = self.assessments.get((service_id, decision))
        if sample is None:
            return None
        return {**copy.deepcopy(sample), "assessed_on": day.isoformat()}

    def paper(self, service_id: str, kind: str, head: dict[str, Any]) -> dict[str, Any] | None:
        """The sample paper's body (intro, sections, remedies, footer) under this case's header."""
        sample = self.papers.get((service_id, kind))
        if sample is None:
            return None
        return {**copy.deepcopy(sample), **head}
