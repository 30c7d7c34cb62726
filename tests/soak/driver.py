"""The soak driver, run inside the program's process: real start-up and sign-in, then a clerk's day by keyboard.

``python tests/soak/driver.py --phase clerk|supervisor …`` (the soak runner starts it on a real X
display). It records every Qt warning, samples ``sys.getrefcount(None)`` and VmRSS after every
case, and writes ``<out>/<phase>.json``; a failure writes the report and exits 1 at once.
"""

from __future__ import annotations

import argparse
import faulthandler
import gc
import json
import os
import sys
import time
import traceback
from datetime import date
from pathlib import Path

# NOTE: the handler must be in place before Qt says anything (the QApplication's own start-up).
from PySide6.QtCore import QtMsgType, qInstallMessageHandler

QT_MESSAGES: list[dict] = []
_KINDS = {QtMsgType.QtWarningMsg: "warning", QtMsgType.QtCriticalMsg: "critical", QtMsgType.QtFatalMsg: "fatal"}


def _qt_message(mode, context, message) -> None:
    if mode in _KINDS:
        QT_MESSAGES.append({"kind": _KINDS[mode], "category": context.category or "", "message": message,
                            "at_case": STATE.get("case")})
        print(f"Qt {_KINDS[mode]}: [{context.category}] {message}", file=sys.stderr, flush=True)


qInstallMessageHandler(_qt_message)

import keys as k  # noqa: E402
import ui  # noqa: E402
from keys import K  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QTableView, QTabWidget, QWidget  # noqa: E402,E501
from script import ScriptFailed, ScriptRunner, Wait  # noqa: E402

from forms import registry  # noqa: E402

PASSWORD = "demo-pass-1"  # the demo hall's accounts (python -m desktop seed-demo)
STATE: dict = {"case": None}


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Day:
    """What the phase did and measured; written as the report."""

    def __init__(self, args, phase: str | None = None, user: str | None = None):
        self.args = args
        self.phase, self.user = phase or args.phase, user or args.user
        self.qt_from = len(QT_MESSAGES)  # a phase reports the Qt messages since it began
        self.keys_from, self.commits_from = k.Counter.keys, k.Counter.commits
        self.reactivations_from = k.Counter.reactivations
        self.out = Path(args.out) / f"{self.phase}.json"
        self.started = time.monotonic()
        self.samples: list[dict] = []
        self.cases: list[dict] = []
        self.decisions: list[dict] = []
        self.stats: dict = {}
        self.exceptions: list[str] = []
        self.completed = False
        self.error: str | None = None
        self.growth_base = None
        self.trace_base = None

    def sample(self, label: str) -> None:
        gc.collect()
        self.samples.append({"label": label, "t": round(time.monotonic() - self.started, 3),
                             "none_refs": sys.getrefcount(None), "rss_kb": rss_kb(),
                             "keys": k.Counter.keys, "commits": k.Counter.commits})
        if self.args.growth and label.startswith("case") and int(label.split()[1]) % 10 == 5:
            # NOTE: a diagnosis aid (--growth): which object types grow between two samples.
            from collections import Counter

            counts = Counter(type(o).__qualname__ for o in gc.get_objects())
            if self.growth_base is not None:
                diff = {t: counts[t] - self.growth_base.get(t, 0) for t in counts}
                top = sorted(diff.items(), key=lambda kv: -kv[1])[:25]
                self.stats.setdefault("growth", []).append({"at": label, "top": top})
            self.growth_base = counts
            import tracemalloc

            if tracemalloc.is_tracing():
                snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
                if self.trace_base is not None:
                    top = snap.compare_to(self.trace_base, "traceback")[:12]
                    self.stats.setdefault("tracemalloc", []).append(
                        {"at": label, "top": [[str(d.size_diff), str(d.count_diff), d.traceback.format()[-6:]]
                                              for d in top]})
                self.trace_base = snap
            else:
                tracemalloc.start(8)

    def report(self) -> dict:
        return {"phase": self.phase, "user": self.user, "completed": self.completed, "error": self.error,
                "wall_s": round(time.monotonic() - self.started, 1), "qt_messages": QT_MESSAGES[self.qt_from:],
                "exceptions": self.exceptions, "keys": k.Counter.keys - self.keys_from,
                "commits": k.Counter.commits - self.commits_from,
                "reactivations": k.Counter.reactivations - self.reactivations_from, "stats": self.stats,
                "samples": self.samples,
                "cases": self.cases, "decisions": self.decisions,
                "python": sys.version.split()[0], "pyside6": _pyside_version(), "pid": os.getpid()}

    def write(self) -> None:
        self.out.write_text(json.dumps(self.report(), ensure_ascii=False, indent=1), encoding="utf-8")


def _pyside_version() -> str:
    import PySide6

    return PySide6.__version__


def fail_now(day: Day, error: str) -> None:
    """A failed day ends here: the report is written and the process leaves (dialogs may be open)."""
    day.error = error
    print(f"soak {day.phase} failed: {error}", file=sys.stderr, flush=True)
    day.write()
    sys.stderr.flush()
    os._exit(1)


# --- the phases -------------------------------------------------------------------------
def sign_in(user: str):
    """The real sign-in dialog of the real start-up, typed into."""
    yield Wait(lambda: (QApplication.activeModalWidget() is not None
                        and QApplication.activeModalWidget().objectName() == "login_dialog"),
               "the sign-in dialog", timeout_s=60)
    dialog = QApplication.activeModalWidget()
    yield from k.fill_line(ui.child(dialog, QLineEdit, "username"), user, "username")
    yield from k.fill_line(ui.child(dialog, QLineEdit, "password"), PASSWORD, "password")
    yield from k.key(K.Key_Return)
    yield Wait(lambda: ui.main_window() is not None and ui.main_window().isActiveWindow(),
               "the main window, active", timeout_s=60)


def search_case_no(case_no: str):
    """查询 by case number (as a scanner types it) and open the one result with Enter."""
    panel = ui.fixed_page("search_panel")
    yield from ui.activate_tab(panel)
    yield from k.press_button(ui.child(panel, QPushButton, "clear_button"), "清空条件")
    yield from k.fill_line(ui.child(panel, QLineEdit, "case_no"), case_no, "case_no")
    yield from k.key(K.Key_Return)
    count = ui.child(panel, QLabel, "result_count")
    yield Wait(lambda: "共找到 1 件" in count.text(), lambda: f"one result for {case_no} (shows {count.text()!r})")
    results = ui.child(panel, QTableView, "results_table")
    yield from k.focus(results, "results")
    yield from k.key(K.Key_Home)
    tabs = ui.tabs()
    yield from k.key(K.Key_Return)
    yield Wait(lambda: tabs.currentWidget().objectName() == "case_view", f"the case view of {case_no}")
    view = tabs.currentWidget()
    shown = ui.child(view, QLabel, "value_case_no").text()
    if shown != case_no:
        raise ScriptFailed(f"searched {case_no}, the case view shows {shown}")
    return view


def view_case(day: Day, case_no: str):
    """Search a case, look at its papers (the preview renders the stored PDF), close it."""
    view = yield from search_case_no(case_no)
    preview = ui.child(view, QPushButton, "preview_button")
    papers = ui.child(view, QTableView, "papers_table")
    if papers.model().rowCount() < 1:
        raise ScriptFailed(f"case {case_no} shows no papers")
    # NOTE: the button sits on the 文书 tab of the case; the clerk clicks that tab first.
    inner = next(w for w in view.findChildren(QTabWidget) if any(w.tabText(i) == "文书" for i in range(w.count())))
    index = next(i for i in range(inner.count()) if inner.tabText(i) == "文书")
    bar = inner.tabBar()
    yield lambda: QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                                   bar.tabRect(index).center())
    yield Wait(preview.isVisible, "the 文书 tab of the case")
    yield from k.press_button(preview, "预览")
    yield from ui.close_previews(day.stats)
    yield from ui.close_tab(view, day.stats)
    day.stats["case_views"] = day.stats.get("case_views", 0) + 1


def clerk(day: Day):
    import intake
    from plan import day_plan

    from desktop.cases import queries

    yield from sign_in(day.args.user)
    window = ui.main_window()
    day.sample("signed in")
    bikes: list[dict] = []
    plan = day_plan(day.args.cases, date.today(), seed=day.args.seed)
    last_accepted: str | None = None
    for case in plan:
        STATE["case"] = case.n
        if case.needs_bike:
            if not bikes:
                raise ScriptFailed(f"case {case.n}: no bike registered yet for a {case.service_id}")
            bike = bikes.pop(0)
            case.answers.update(plate_no=bike["plate_no"], frame_no=bike["frame_no"])
            if case.service_id == "ebike_theft":
                case.answers.update({key: bike[key] for key in ("owner_name", "owner_id_number", "owner_phone")})
        resume_page = None
        if case.outcome == "resume":
            resume_page = yield from resume_draft(case)
        yield from intake.run_case(case, day.stats, resume_page)
        # NOTE: the results are *checked* through the case layer; nothing is typed or decided through it.
        detail = queries.get_case(window.db, case.result["case_id"])
        record = {"n": case.n, "outcome": case.outcome, "service": case.service_id, "case_id": detail.summary.id,
                  "case_no": detail.summary.case_no, "status": detail.summary.status,
                  "name": detail.summary.applicant_name}
        day.cases.append(record)
        if case.outcome == "draft":
            case.result["name"] = detail.summary.applicant_name
        if case.outcome in ("accept", "resume"):
            last_accepted = detail.summary.case_no
            if case.service_id == "ebike_registration":
                answers = detail.answers
                bikes.append({key: answers.get(key) for key in
                              ("plate_no", "frame_no", "owner_name", "owner_id_number", "owner_phone")})
        if case.n % 10 == 9 and last_accepted:
            yield from view_case(day, last_accepted)
        yield None
        yield None
        day.sample(f"case {case.n}")
        day.write()  # NOTE: every case, so a process that dies still leaves its numbers
    STATE["case"] = None
    if not day.args.switch_to:
        yield from quit_program(day)
        return
    # The supervisor takes over the same window and process: the clerk's report ends here.
    day.completed = True
    day.sample("end")
    day.write()
    from plan import decisions

    todo = decisions(day.cases, day.args.decisions)
    sup = Day(day.args, phase="supervisor", user=day.args.switch_to)
    STATE["day"] = sup
    yield from switch_user(day.args.switch_to)
    sup.sample("signed in")
    yield from decide(sup, todo)
    yield from quit_program(sup)


def resume_draft(case):
    """A draft comes back: find it by the applicant's name in 查询, open it with Enter on its row."""
    draft = case.draft_of
    panel = ui.fixed_page("search_panel")
    yield from ui.activate_tab(panel)
    clear = ui.child(panel, QPushButton, "clear_button")
    yield from k.press_button(clear, "清空条件")
    yield from k.fill_line(ui.child(panel, QLineEdit, "name_prefix"), draft.result["name"], "name_prefix")
    yield from k.key(K.Key_Return)
    results = ui.child(panel, QTableView, "results_table")
    model = results.model()
    yield Wait(lambda: any(model.row_at(r).id == draft.result["case_id"] for r in range(model.rowCount())),
               f"draft {draft.result['case_id']} among the results for {draft.result['name']}")
    row = next(r for r in range(model.rowCount()) if model.row_at(r).id == draft.result["case_id"])
    yield from k.focus(results, "results")
    yield from k.key(K.Key_Home)
    yield from k.keys(K.Key_Down, row)
    yield Wait(lambda: results.currentIndex().row() == row, f"result row {row}")
    tabs = ui.tabs()
    yield from k.key(K.Key_Return)
    yield Wait(lambda: tabs.currentWidget().objectName() == f"intake_{draft.service_id}"
               and getattr(tabs.currentWidget(), "case_id", None) == draft.result["case_id"],
               f"the draft {draft.result['case_id']} on its intake page")
    return tabs.currentWidget()


def supervisor(day: Day):
    """A second run of the program (trees without 切换用户): the supervisor signs in and decides."""
    yield from sign_in(day.args.user)
    day.sample("signed in")
    todo = json.loads(Path(day.args.decide).read_text(encoding="utf-8"))
    yield from decide(day, todo)
    yield from quit_program(day)


def switch_user(user: str):
    """文件 → 切换用户 (Ctrl+Shift+L): the next person signs in at the same window, same process."""
    window = ui.main_window()
    yield from k.focus(ui.tabs(), "the main window")
    yield from k.key(K.Key_L, k.CTRL | k.SHIFT)
    yield Wait(lambda: (QApplication.activeModalWidget() is not None
                        and QApplication.activeModalWidget().objectName() == "switch_user_dialog"),
               lambda: f"the 切换用户 dialog ({k.on_screen()})")
    dialog = QApplication.activeModalWidget()
    yield from k.fill_line(ui.child(dialog, QLineEdit, "username"), user, "username")
    yield from k.fill_line(ui.child(dialog, QLineEdit, "password"), PASSWORD, "password")
    yield from k.key(K.Key_Return)
    # NOTE: checked, not driven: the window's actor is who the status bar names.
    yield Wait(lambda: not dialog.isVisible() and window.actor.account.username == user
               and window.isActiveWindow(), f"{user} signed in by 切换用户")


def decide(day: Day, todo: list[dict]):
    """Decisions on the morning's accepted cases: 批准, or 不予许可 with a coded reason."""
    for n, item in enumerate(todo):
        STATE["case"] = f"decision {n}"
        view = yield from search_case_no(item["case_no"])
        status = ui.child(view, QLabel, "value_status")
        before = status.text()
        # NOTE: each procedure names its decisions (Service.approve_word: 批准, 完成编码登记 …).
        service = registry.get(item["service"])
        approve, decline = service.approve_word, service.decline_word
        if item["decision"] == "approve":
            yield from k.press_button(ui.child(view, QPushButton, "approve_button"), approve)
            yield Wait(lambda: QApplication.activeModalWidget() is not None
                       and QApplication.activeModalWidget().windowTitle() == approve, f"the {approve} dialog")
            dialog = QApplication.activeModalWidget()
            yield from k.fill_line(ui.child(dialog, QLineEdit, "note"), "材料齐全，符合条件，同意。", "note")
            yield from k.key(K.Key_Return)
        else:
            yield from k.press_button(ui.child(view, QPushButton, "decline_button"), decline)
            yield Wait(lambda: QApplication.activeModalWidget() is not None
                       and QApplication.activeModalWidget().windowTitle() == decline, f"the {decline} dialog")
            dialog = QApplication.activeModalWidget()
            reasons = ui.child(dialog, QWidget, "reasons")
            yield from k.focus(reasons, "reasons")
            yield from k.key(K.Key_Down)
            yield from k.key(K.Key_Space)
            yield from k.focus(ui.child(dialog, QWidget, "text"), "text")
            yield from k.type_text("经现场核查，申报情况与实际不符。")
            yield from k.press_button(ui.child(dialog, QPushButton, "submit"), "出具决定书")
        yield Wait(lambda: not dialog.isVisible() and status.text() != before,
                   lambda: f"{item['decision']} of {item['case_no']} done (status {status.text()}, "
                           f"dialog says {dialog.findChild(QLabel, 'error').text() if dialog.isVisible() else ''})")
        yield from ui.close_previews(day.stats, at_least=0)
        day.decisions.append({**item, "status_shown": status.text()})
        yield from ui.close_tab(view, day.stats)
        yield None
        yield None
        day.sample(f"decision {n}")
    STATE["case"] = None


def quit_program(day: Day):
    """文件 → 退出 (Ctrl+Q), answering a save question if one comes."""
    day.completed = True
    day.sample("end")
    window = ui.main_window()
    yield from k.focus(ui.tabs(), "the main window")
    yield from k.key(K.Key_Q, k.CTRL)
    yield Wait(lambda: not window.isVisible() or ui.message_box() is not None, "the main window closed")
    if window.isVisible():
        yield from ui.answer_close_prompt(day.stats)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phase", choices=("clerk", "supervisor"), required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--decide", help="JSON list of {case_no, decision} for the supervisor")
    parser.add_argument("--switch-to", default="", help="after the cases, 切换用户 to this supervisor")
    parser.add_argument("--decisions", type=int, default=0, help="how many cases the supervisor decides")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--growth", action="store_true", help="record which object types grow (diagnosis)")
    args = parser.parse_args(argv)
    faulthandler.enable()
    day = Day(args)
    STATE["day"] = day
    trail = open(Path(args.out) / f"{args.phase}-keys.jsonl", "w", encoding="utf-8")

    def every_50_keys() -> None:
        # NOTE: no gc.collect() here (it is slow); the per-case samples are the measure, this is the
        # trail a process that dies leaves behind.
        trail.write(json.dumps({"t": round(time.monotonic() - day.started, 2), "keys": k.Counter.keys,
                                "none_refs": sys.getrefcount(None), "case": STATE.get("case")}) + "\n")
        trail.flush()

    k.Counter.hook = every_50_keys

    from desktop.app import create_application

    create_application()  # the program's own; run_gui below reuses it

    def crashed(exc_type, exc, tb) -> None:
        STATE["day"].exceptions.append("".join(traceback.format_exception(exc_type, exc, tb)))
        fail_now(STATE["day"], f"unhandled exception in the program: {exc_type.__name__}: {exc}")

    def finished(error: BaseException | None) -> None:
        if error is not None:
            fail_now(STATE["day"], f"{type(error).__name__}: {error}\n{getattr(error, 'soak_trace', '')}")

    script = clerk(day) if args.phase == "clerk" else supervisor(day)

    def hooked():
        # NOTE: the program installs its crash handler during start-up; the soak's replaces it once
        # the first dialog is up, so a bug fails the day with its traceback instead of a dialog.
        sys.excepthook = crashed
        yield from script

    runner = ScriptRunner(hooked(), finished)
    runner.start()
    from desktop.__main__ import main as program

    code = program(["--data-dir", args.data_dir, "--db", args.db])
    day = STATE["day"]
    if not day.completed:
        fail_now(day, f"the program ended (exit {code}) before the day was done")
    day.stats["exit_code"] = code
    day.write()
    return code


if __name__ == "__main__":
    sys.exit(main())
