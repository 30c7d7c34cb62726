"""The command line: ``hall-desk`` / ``python -m desktop`` starts the window or runs a subcommand."""

from __future__ import annotations

import argparse
import os
import sys

from desktop import __version__, paths


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """The parser and its subcommand group; a subcommand sets ``handler=fn(args) -> int``."""
    parser = argparse.ArgumentParser(
        prog="hall-desk", description="HallDesk 政务窗口受理台",
    )
    parser.add_argument("--version", action="version", version=f"HallDesk {__version__}")
    parser.add_argument("--db", metavar="URL",
                        help="SQLite file path or URL, or a PostgreSQL URL (default: the data folder)")
    parser.add_argument("--data-dir", metavar="DIR", help="folder for data, settings and logs")
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


def preload_data_layer() -> None:
    """Import the Qt-free layers the first windows need (SQLAlchemy, the models, accounts, case lists).

    NOTE: called before Qt is imported: once PySide6 is loaded, its import hook reads the source of
    every module imported after it (looking for "PySide6"), which made start-up ≈ 60 ms slower.
    The start-up benchmark calls this too, so it measures the order the program really uses.
    """
    import desktop.cases.accounts  # noqa: F401
    import desktop.cases.queries  # noqa: F401


def run_gui(args: argparse.Namespace) -> int:
    # NOTE: Qt is imported only here, so --version and the subcommands start fast and headless.
    preload_data_layer()
    from desktop.app import run_gui as run

    return run(args)


# NOTE: every file HallDesk writes — the database and its WAL, backups, papers, exports, logs — holds
# applicants' personal data, so none may be readable by other users of the PC: the process creates
# files 0600 and folders 0700 whatever the desktop session's umask is (issue 18).
PRIVATE_UMASK = 0o077


def main(argv: list[str] | None = None) -> int:
    os.umask(PRIVATE_UMASK)
    parser, _commands = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    handler = getattr(args, "handler", None) or run_gui
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
