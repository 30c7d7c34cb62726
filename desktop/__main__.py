"""The command line: ``hall-desk`` / ``python -m desktop`` starts the window or runs a subcommand."""

from __future__ import annotations

import argparse
import os
import sys

from desktop import __version__, paths

_VALUED_OPTIONS = ("--db", "--data-dir")


def wants_window(argv: list[str]) -> bool:
    """True when ``argv`` names no subcommand and asks for no help: the window starts.

    NOTE: issue 15: then the subcommands' argument modules are not imported (≈ 15 ms before the
    sign-in dialog); anything else gets the full parser, so errors and --help read the same.
    """
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg in _VALUED_OPTIONS:
            if rest:
                rest.pop(0)
        elif arg.startswith(tuple(f"{o}=" for o in _VALUED_OPTIONS)):
            continue
        else:
            return False  # a subcommand, --help, --version, or something argparse should explain
    return True


def window_args(argv: list[str]) -> argparse.Namespace | None:
    """The options of a window start (``wants_window``) as the parser would read them; None to let it read them.

    NOTE: issue 15: building the parser looks up argparse's translations (gettext, locale: ≈ 3 ms)
    before the sign-in dialog; the window's two options need none of it. Anything unusual (an option
    without its value) goes to the parser, so its message reads the same.
    """
    values = {"db": None, "data_dir": None}
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name not in _VALUED_OPTIONS:
            return None
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        values[name[2:].replace("-", "_")] = value
    return argparse.Namespace(**values)


def build_parser(with_commands: bool = True) -> tuple[argparse.ArgumentParser, argparse._SubParsersAction | None]:
    """The parser and its subcommand group; a subcommand sets ``handler=fn(args) -> int``."""
    parser = argparse.ArgumentParser(
        prog="hall-desk", description="HallDesk 政务窗口受理台",
    )
    parser.add_argument("--version", action="version", version=f"HallDesk {__version__}")
    parser.add_argument("--db", metavar="URL",
                        help="SQLite file path or URL, or a PostgreSQL URL (default: the data folder)")
    parser.add_argument("--data-dir", metavar="DIR", help="folder for data, settings and logs")
    if not with_commands:
        return parser, None
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # NOTE: subcommands register here with set_defaults(handler=...); their modules import lightly.
    from desktop.demo import cli as demo_cli

    demo_cli.register(commands)
    from desktop.maintenance import cli as maintenance_cli

    maintenance_cli.register(commands)
    from desktop.maintenance import backup_cli

    backup_cli.register(commands)
    from desktop import selftest

    selftest.register(commands)
    return parser, commands


def import_before_qt() -> None:
    """Import the Qt-free modules the way to the sign-in dialog needs, before PySide6 is loaded.

    NOTE: issue 15: once PySide6 is loaded, its import hook reads the source of every module
    imported after it (looking for "PySide6"), so these are imported first. The start-up
    benchmark's driver calls this before it imports Qt itself, as a real start does.
    """
    import desktop.cases.errors  # noqa: F401
    import desktop.fonts  # noqa: F401
    import desktop.hall_db  # noqa: F401
    import desktop.lastrun  # noqa: F401
    import desktop.logs  # noqa: F401
    import desktop.preload  # noqa: F401
    import desktop.settings  # noqa: F401
    import forms.resources  # noqa: F401


def run_gui(args: argparse.Namespace) -> int:
    # NOTE: Qt is imported only here, so --version and the subcommands start fast and headless.
    # The data layer (SQLAlchemy, the models) is not imported first any more: it loads on a worker
    # thread once the sign-in dialog has painted (desktop/preload.py, issue 15).
    import_before_qt()
    from desktop.ui.qt_hook import cheapen

    cheapen()
    from desktop.app import run_gui as run

    return run(args)


# NOTE: every file HallDesk writes — the database and its WAL, backups, papers, exports, logs — holds
# applicants' personal data, so none may be readable by other users of the PC: the process creates
# files 0600 and folders 0700 whatever the desktop session's umask is (issue 18).
PRIVATE_UMASK = 0o077


def main(argv: list[str] | None = None) -> int:
    os.umask(PRIVATE_UMASK)
    argv = sys.argv[1:] if argv is None else argv
    window = wants_window(argv)
    args = window_args(argv) if window else None
    if args is None:
        parser, _commands = build_parser(with_commands=not window)
        args = parser.parse_args(argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    handler = getattr(args, "handler", None) or run_gui
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
