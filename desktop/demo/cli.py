"""The `seed-demo` subcommand's arguments; the hall itself is built by desktop.demo.seed on demand."""

from __future__ import annotations

import argparse


def _run(args: argparse.Namespace) -> int:
    from desktop.demo.seed import run  # NOTE: heavy imports only when the command runs

    return run(args)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("seed-demo", help="fill a database with a believable demo hall")
    parser.add_argument("--db", required=True, help="SQLite path or PostgreSQL URL")
    parser.add_argument("--out", required=True, help="folder for the PDFs of the papers")
    parser.add_argument("--per-state", type=int, default=2, help="cases per service and state (default 2)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.set_defaults(handler=_run)
