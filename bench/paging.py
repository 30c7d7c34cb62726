"""The case list at a million cases: pages fetched as the view scrolls, a bounded number kept, dropped ones read again."""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def run(db_path: Path, pages: int = 200) -> list[dict]:
    from PySide6.QtWidgets import QApplication

    from bench.startup_child import rss_kb
    from desktop.cases import queries
    from desktop.cases.dto import AccountInfo, Actor
    from desktop.settings import Settings
    from desktop.store.database import open_database
    from desktop.ui.case_table import KEEP_PAGES, PAGE_SIZE
    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    db = open_database(db_path)
    total = queries.count_cases(db)
    window = MainWindow(db, Actor(AccountInfo(1, "bench", "测试", "clerk"), "01", "bench"), Settings())
    window.show()
    app.processEvents()
    model, table = window.case_list.model, window.case_list.table
    counts, before = [model.rowCount()], rss_kb() / 1024
    # The view asks for the next page itself when scrolled to the end.
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    app.processEvents()
    counts.append(model.rowCount())
    times = []
    for _ in range(pages):
        t = time.perf_counter()
        model.fetchMore()
        times.append((time.perf_counter() - t) * 1000)
        counts.append(model.rowCount())
    after = rss_kb() / 1024
    kept = model.pages_in_memory()
    t = time.perf_counter()
    model.row_at(0)  # scrolled back to the top: the first page was dropped long ago
    reread = (time.perf_counter() - t) * 1000
    window.close()
    db.close()
    steps = {b - a for a, b in itertools.pairwise(counts)}
    per_1000 = (after - before) / max(1, counts[-1] - counts[1]) * 1000
    ok = steps == {PAGE_SIZE} and counts[-1] < total and kept <= KEEP_PAGES
    times.sort()
    return [{
        "name": f"案件列表分页（库中 {total:,} 件）", "ok": ok,
        "line": f"rowCount {counts[0]} → {counts[1]} after scrolling to the end → {counts[-1]} after {pages} fetchMore "
                f"(+{PAGE_SIZE} each); fetchMore p50 {times[len(times) // 2]:.1f} ms, max {times[-1]:.1f} ms; "
                f"RSS {before:.0f} → {after:.0f} MB (≈ {per_1000:.2f} MB per 1,000 rows scrolled past); "
                f"{kept} pages kept (≤ {KEEP_PAGES}); a dropped page read again in {reread:.1f} ms",
    }]
