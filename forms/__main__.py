"""Headless commands: list services, print a case schema or example, assess a case file."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from forms import registry
from forms.params import ParameterError
from forms.schema import case_schema
from forms.service import assess
from forms.values import AnswerError


class CliError(Exception):
    """A problem with the command's input, reported in one line without a traceback."""


def _service(service_id: str):
    try:
        return registry.get(service_id)
    except KeyError as exc:
        raise CliError(exc.args[0]) from None


def _load_case(path: str) -> dict:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"无法读取文件 {path}：{exc.strerror}") from None
    try:
        case = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）：{exc.msg}") from None
    if not isinstance(case, dict) or not isinstance(case.get("answers", {}), dict):
        raise CliError("案件文件应为对象：{\"answers\": {...}, \"materials\": {...}}")
    unknown = set(case) - {"answers", "materials", "facts"}
    if unknown:
        raise CliError(f"案件文件有未知的顶层键：{', '.join(sorted(unknown))}")
    return case


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text}") from None


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m forms", description="HallDesk 规则模块")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="列出服务")
    p = sub.add_parser("schema", help="打印案件的 JSON Schema")
    p.add_argument("service")
    p = sub.add_parser("example", help="打印一个可受理的完整案件")
    p.add_argument("service")
    p.add_argument("--today", type=_date, default=None)
    p = sub.add_parser("assess", help="审查案件文件，输出 JSON")
    p.add_argument("service")
    p.add_argument("file", help="案件 JSON 文件（- 表示标准输入）")
    p.add_argument("--today", type=_date, default=None)
    args = parser.parse_args(argv)
    out = sys.stdout
    if args.command == "list":
        for service in registry.services().values():
            out.write(f"{service.service_id}\t{service.name}\n")
        return 0
    service = _service(args.service)
    if args.command == "schema":
        json.dump(case_schema(service), out, ensure_ascii=False, indent=2)
    elif args.command == "example":
        json.dump(service.example(args.today or date.today()), out, ensure_ascii=False, indent=2)
    else:
        case = _load_case(args.file)
        try:
            result = assess(
                service, case.get("answers", {}), case.get("materials", {}) or {},
                args.today or date.today(), case.get("facts") or {},
            )
        except AnswerError as exc:
            raise CliError(str(exc)) from None
        except ParameterError as exc:
            raise CliError(str(exc)) from None
        json.dump(result.to_dict(), out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except CliError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # NOTE: the reader left early (`… | head`): nothing is wrong with the case; say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
