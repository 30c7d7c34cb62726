"""Who acts, on which database, and where papers go: the one context every case-view step is called with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.cases.dto import Actor
from desktop.store.database import Database


@dataclass(frozen=True)
class HallContext:
    """The database, the actor at the window, the papers folder and the font a step renders with.

    NOTE: the UI builds one per call from its settings (desktop/ui/case_view.py), so a papers
    folder or font changed in 设置 takes effect at the next step, as before.
    """

    db: Database
    actor: Actor
    papers_dir: Path | None = None  # None: the step may not print (a revocation is then refused)
    font_path: str | None = None  # None: the bundled font

    def papers_folder(self) -> Path:
        """The papers folder of a step that prints; a caller that gave none made a programming error."""
        if self.papers_dir is None:
            raise ValueError("this step prints a paper: the HallContext needs a papers_dir")
        return self.papers_dir
