"""``hall-desk selftest``: after installing, run the real program once in a folder of its own, end to end.

It starts the program the way a clerk does (the real start-up, window and dialogs on the PC's
display), walks the set-up wizard, creates an administrator, signs in, accepts one example case of
every service from the main window's pages, prints each receipt through Qt's print path to a PDF
file (and, with ``--printer``, on that printer through the system's spooler), quits, and writes
``selftest.json`` (case numbers, papers, printed files, problems). IT staff run
it on a newly installed PC; CI runs it on the installed package.

NOTE (harmless by construction): it refuses a data folder that already has settings or a database,
so it can never touch a hall's data; the cases it makes are fictitious examples (``forms example``)
in that folder only; nothing is sent anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from desktop import paths, settings as settings_store


def services() -> tuple[str, ...]:
    """Every service this HallDesk offers, in the service panel's order, less those it cannot stage.

    NOTE (issue 16): which those are, and what the others need first (a plate series) or from an earlier
    case (the bike the run registered), each service's package declares (desktop.cases.selftest_plans).
    """
    from desktop.cases import selftest_plans
    from forms import registry

    return tuple(s for s in registry.services() if selftest_plans.plan(s).staged)


ADMIN = "selftest"
EXIT_REFUSED = 2
EXIT_FAILED = 1


def register(commands) -> None:
    p = commands.add_parser("selftest", help="安装自检：在单独的数据文件夹中完整运行一次（设置向导、受理、打印到 PDF）")
    p.add_argument("--out", required=True, type=Path, help="folder for selftest.json and the printed PDFs")
    p.add_argument("--printer", metavar="NAME",
                   help="also print every paper on this printer (its system queue name); the PDFs are printed anyway")
    p.set_defaults(handler=run)


def refusal() -> str | None:
    """Why this data folder may not be used (it belongs to a hall), or None."""
    if settings_store.is_configured() or paths.default_db_path().exists():
        return (f"自检只在尚未使用过的数据文件夹中运行，而 {paths.data_dir()} 已有 HallDesk 的设置或数据。"
                "请用 --data-dir 指定一个新的空文件夹，例如：hall-desk --data-dir /tmp/halldesk-selftest selftest --out /tmp/out")
    return None


def run(args: argparse.Namespace) -> int:
    reason = refusal()
    if reason:
        print(reason, file=sys.stderr)
        return EXIT_REFUSED
    if getattr(args, "db", None):
        print("自检使用它自己的数据文件夹，不能与 --db 一起使用。", file=sys.stderr)
        return EXIT_REFUSED
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    from desktop import hall_db
    from desktop.ui.selftest_driver import Driver, application

    app = application()
    planned = services()
    driver = Driver(out, planned, ADMIN, printer=getattr(args, "printer", None))
    driver.start()
    # NOTE: the wizard is what an installed program shows on a fresh folder; the switch makes a
    # source checkout show it too, so `python -m desktop selftest` tests the same path.
    os.environ[hall_db.FIRST_RUN_SWITCH] = "wizard"
    from desktop.app import run_gui

    code = run_gui(args)
    del app
    report = {**driver.report(code), "services": list(planned)}
    (out / "selftest.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for problem in report["problems"]:
        print(f"自检问题：{problem}", file=sys.stderr)
    ok = code == 0 and not report["problems"] and len(report["cases"]) == len(planned)
    print(("自检通过" if ok else "自检未通过") + f"：{out / 'selftest.json'}")
    return 0 if ok else EXIT_FAILED
