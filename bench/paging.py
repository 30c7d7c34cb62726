"""The case list at a million cases: pages fetched as the view scrolls, a bounded number kept, dropped ones read again.

NOTE (issue 15): a page's rows are kept as read and formatted when painted, so ``fetchMore`` alone
no longer includes making the rows' texts. Each page is timed twice over: ``fetchMore`` against the
same page's SELECT in raw sqlite3 (alternately, who goes first alternating), and ``fetchMore`` with
the new rows scrolled into view and the list repainted (every cell on screen formatted and drawn),
which is what the clerk waits for.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def run(db_path: Path, pages: int = 200) -> list[dict]:
    from PySide6.QtWidgets import QAbstractItemView, QApplication

    from bench.startup_child import rss_kb
    from desktop.cases import queries
    from desktop.cases.dto import AccountInfo, Actor
    from desktop.settings import Settings
    from desktop.store.database import open_database
    from desktop.ui.case_table import KEEP_PAGES, PAGE_SIZE
    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    db = open_database(db_path, check=False)  # NOTE: reads only; quick_check is start-up's
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
    plan = db.reader.plan(("cases.page",), lambda: queries.page_query({}))  # the statement fetchMore sends
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA query_only = ON")
    times, floor, painted = [], [], []
    steps = {counts[1] - counts[0]}
    viewport = table.viewport()
    for n in range(pages):
        offset = model.rowCount()
        parameters = plan.parameters({"offset": offset, "limit": PAGE_SIZE})

        def ours(offset=offset):
            t = time.perf_counter()
            model.fetchMore()
            fetched = time.perf_counter()
            steps.add(model.rowCount() - offset)
            # NOTE: the new rows at the top, so the view is not at its end and fetches no page itself
            table.scrollTo(model.index(offset, 0), QAbstractItemView.ScrollHint.PositionAtTop)
            viewport.repaint()  # NOTE: synchronous: every visible cell's data() and its drawing
            times.append((fetched - t) * 1000)
            painted.append((time.perf_counter() - t) * 1000)

        def bare(parameters=parameters):
            t = time.perf_counter()
            raw.execute(plan.sql, parameters).fetchall()
            floor.append((time.perf_counter() - t) * 1000)

        for step in ((ours, bare) if n % 2 == 0 else (bare, ours)):
            step()
        counts.append(model.rowCount())
    raw.close()
    after = rss_kb() / 1024
    kept = model.pages_in_memory()
    t = time.perf_counter()
    model.row_at(0)  # scrolled back to the top: the first page was dropped long ago
    reread = (time.perf_counter() - t) * 1000
    window.close()
    db.close()
    per_1000 = (after - before) / max(1, counts[-1] - counts[1]) * 1000
    ok = steps == {PAGE_SIZE} and counts[-1] < total and kept <= KEEP_PAGES
    ratio = statistics.median(times) / statistics.median(floor)
    painted_p50 = statistics.median(painted)
    times.sort()
    return [{
        "name": f"案件列表分页（库中 {total:,} 件）", "ok": ok, "ratio": ratio, "painted_p50_ms": painted_p50,
        "line": f"rowCount {counts[0]} → {counts[1]} after scrolling to the end → {counts[-1]} after {pages} fetchMore "
                f"(+{PAGE_SIZE} each); fetchMore p50 {times[len(times) // 2]:.2f} ms (max {times[-1]:.1f}) vs the "
                f"same page's SELECT in raw sqlite3 p50 {statistics.median(floor):.2f} ms → {ratio:.2f}×; with the "
                f"new rows scrolled into view and repainted p50 {painted_p50:.1f} ms; "
                f"RSS {before:.0f} → {after:.0f} MB (≈ {per_1000:.2f} MB per 1,000 rows scrolled past); "
                f"{kept} pages kept (≤ {KEEP_PAGES}); a dropped page read again in {reread:.1f} ms",
    }]
