"""Headless commands: list services, print a case schema or example, assess a case file."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from forms import registry
from forms.model import MaterialState
from forms.params import ParameterError
from forms.schema import case_schema
from forms.service import Service, assess, current_answers
from forms.values import AnswerError, preview, text_problem

# NOTE: Python refuses to turn more than 4300 digits into an int (CVE-2020-10735); a number that
# long is no answer to any question here, so the file is refused before json gets that far.
MAX_INT_DIGITS = 400
# Keywords about a value rather than the file's shape: the rules report those as findings on the
# field (with the clerk's message), so they are not checked as the file's shape.
_VALUE_KEYWORDS = {"pattern", "format", "minimum", "maximum", "maxLength", "minLength"}
_TYPE_NAMES = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "true/false", "object": "对象",
               "array": "数组", "null": "null"}


_SECTIONS = {"answers": "填写内容（answers）", "materials": "材料（materials）", "facts": "既有记录（facts）"}


class CliError(Exception):
    """A problem with the command's input, reported in one line without a traceback."""


def _service(service_id: str) -> Service:
    try:
        return registry.get(service_id)
    except KeyError as exc:
        raise CliError(exc.args[0]) from None


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM); anything else is named, with the encoding it looks like."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        guess = from_bytes(data).best()
        looks = f"，看起来是 {guess.encoding.upper()} 编码" if guess is not None else ""
        raise CliError(f"文件 {name} 不是 UTF-8 编码（第{exc.start + 1}个字节起无法按 UTF-8 读取{looks}）。"
                       "请将文件另存为 UTF-8 编码后再试。") from None


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise CliError(f"JSON 中有一个{len(text)}位的整数，位数过多，无法作为任何字段的值。")
    return int(text)


def _read_json(path: str) -> Any:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise CliError(f"无法读取文件 {path}：{exc.strerror}") from None
    text = _decode(data, "（标准输入）" if path == "-" else path)
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise CliError(f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）：{exc.msg}") from None
    except RecursionError:
        raise CliError("JSON 嵌套层数过深，不是案件文件的结构（案件文件最多嵌套四层）。") from None


def _shape_schema(service: Service) -> dict[str, Any]:
    """The case schema as a check of the file's shape: JSON types, known keys, choices, facts."""
    schema = case_schema(service)

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in _VALUE_KEYWORDS}
        return node

    props = schema["properties"]
    props["answers"] = strip(props["answers"])
    # NOTE: a state the material does not allow (shared for a paper-only one) is a finding with
    # its basis, not a broken file; only a state that does not exist is.
    every_state = [s.value for s in MaterialState] + [True, False, None]
    for material in props["materials"]["properties"].values():
        material["enum"] = every_state
    return schema


def _where(service: Service, path: list) -> str:
    """A JSON path said the clerk's way: 字段“姓名”(name), 材料“photo”, facts.registration."""
    if not path:
        return "案件文件"
    head, rest = path[0], path[1:]
    if head == "answers" and rest:
        try:
            label = f"字段“{service.field(rest[0]).label}”({rest[0]})"
        except KeyError:
            label = f"字段 {preview(rest[0])}"
        if len(rest) > 1 and isinstance(rest[1], int):
            label += f"第{rest[1] + 1}行"
            if len(rest) > 2:
                label += f"的“{preview(rest[2])}”列"
        return label
    if head == "materials" and rest:
        return f"材料“{preview(rest[0])}”"
    if not rest and head in _SECTIONS:
        return _SECTIONS[head]
    return ".".join(str(p) if isinstance(p, int) else p for p in path)


def _message(service: Service, error) -> str:
    path = list(error.absolute_path)
    where = _where(service, path)
    validator = error.validator
    if validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        names = "或".join(_TYPE_NAMES.get(str(t), str(t)) for t in wanted)
        if not path:
            return "案件文件应为对象：{\"answers\": {...}, \"materials\": {...}}"
        return f"{where} 应为{names}，收到 {preview(error.instance)}"
    if validator == "additionalProperties":
        extra = sorted(preview(k) if text_problem(k) else k for k in error.instance
                       if k not in error.schema.get("properties", {}))
        if path in (["answers"], ["materials"], ["facts"], []):
            what = {"answers": "未知字段", "materials": "未知材料", "facts": "未知的既有记录项"}.get(
                path[0] if path else "", "案件文件有未知的顶层键")
            return f"{what}：{', '.join(extra)}"
        return f"{where} 有未知的键：{', '.join(extra)}"
    if validator == "enum":
        choices = [c for c in error.validator_value if isinstance(c, str)]
        if path and path[0] == "materials":
            return f"{where}的状态 {preview(error.instance)} 无效（可选 {' / '.join(choices)}）"
        return f"{where} 的取值 {preview(error.instance)} 不在可选项 {choices} 中"
    if validator == "required":
        return f"{where} 缺少必需的键：{', '.join(k for k in error.validator_value if k not in error.instance)}"
    return f"{where} 的值 {preview(error.instance)} 不符合要求（{validator}）"


def _check_strings(node: Any, path: str) -> None:
    """Facts and materials are echoed in the result: a string no file can hold is refused here."""
    if isinstance(node, str):
        problem = text_problem(node)
        if problem:
            raise CliError(f"{path}：{problem}")
    elif isinstance(node, dict):
        for key, value in node.items():
            _check_strings(key, path)
            _check_strings(value, f"{path}.{key}" if not text_problem(key) else path)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_strings(value, f"{path}[{i}]")


def _load_case(service: Service, path: str) -> dict:
    case = _read_json(path)
    if isinstance(case, dict) and isinstance(case.get("answers"), dict):
        # NOTE: a case file written under an older form is read in today's (Service.upgrade_answers).
        case["answers"] = current_answers(service, case["answers"])
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(_shape_schema(service))
    errors = sorted(validator.iter_errors(case), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        shown = [_message(service, e) for e in errors[:5]]
        more = f"（另有{len(errors) - 5}处）" if len(errors) > 5 else ""
        raise CliError("；".join(shown) + more)
    _check_strings(case.get("materials") or {}, "materials")
    _check_strings(case.get("facts") or {}, "facts")
    return case


def _date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text}") from None
    if not 2000 <= day.year <= 2099:
        raise argparse.ArgumentTypeError(f"日期超出可用范围（2000—2099年）：{text}")
    return day


def _write_json(data: Any) -> None:
    # NOTE: JSON is UTF-8 (RFC 8259) whatever the terminal's locale: a GBK console must not turn a
    # rare character in a name into an encoding error.
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # a text-only stream (an embedding program's): it takes str
        sys.stdout.write(text)
        return
    binary.write(text.encode("utf-8"))
    binary.flush()


class _Parser(argparse.ArgumentParser):
    """argparse with its complaint in one Chinese line (argparse itself speaks English)."""

    def error(self, message: str):  # noqa: D401 - argparse override
        self.exit(2, f"错误：命令参数不正确（{message}）。用法见 {self.prog} -h\n")


def run(argv: list[str]) -> int:
    parser = _Parser(prog="python -m forms", description="HallDesk 规则模块")
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
    if args.command == "list":
        for service in registry.services().values():
            sys.stdout.write(f"{service.service_id}\t{service.name}\n")
        return 0
    service = _service(args.service)
    if args.command == "schema":
        _write_json(case_schema(service))
    elif args.command == "example":
        if service.example is None:
            raise CliError(f"{service.name}没有示例案件")
        _write_json(service.example(args.today or date.today()))
    else:
        case = _load_case(service, args.file)
        try:
            result = assess(
                service, case.get("answers", {}), case.get("materials") or {},
                args.today or date.today(), case.get("facts") or {},
            )
        except AnswerError as exc:
            raise CliError(str(exc)) from None
        except ParameterError as exc:
            raise CliError(str(exc)) from None
        _write_json(result.to_dict())
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
