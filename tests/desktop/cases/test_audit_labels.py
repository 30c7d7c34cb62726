"""Every audit action written anywhere in desktop/ has a Chinese name in the 审计日报 (issue 14)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import desktop
from desktop.cases import status
from desktop.cases.audit_report import event_label

ROOT = Path(desktop.__file__).parent
WRITERS = {"append", "_audit"}  # audit.append and the per-module helpers that pass an action to it


def _strings(node: ast.AST, consts: dict[str, str], params: dict[str, set[str]]) -> set[str]:
    """The action strings an argument can evaluate to; an f-string ``case.{…}`` is every case state."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body, consts, params) | _strings(node.orelse, consts, params)
    if isinstance(node, ast.JoinedStr):
        head = node.values[0]
        if isinstance(head, ast.Constant) and head.value == "case." and len(node.values) == 2:
            return {f"case.{state}" for state in status.LABELS}
        raise AssertionError(f"an audit action the test cannot expand: {ast.unparse(node)}")
    if isinstance(node, ast.Name):
        if node.id in consts:
            return {consts[node.id]}
        if node.id in params:
            return params[node.id]
    raise AssertionError(f"an audit action the test cannot resolve: {ast.unparse(node)}")


def written_actions() -> dict[str, str]:
    """action -> the module that writes it, from every call of an audit writer in the source."""
    found: dict[str, str] = {}
    sources = list(ROOT.rglob("*.py"))
    keyword_actions: dict[str, set[str]] = {}
    for other in sources:
        for m in re.finditer(r"(\w+_action)=\"([\w.]+)\"", other.read_text(encoding="utf-8")):
            keyword_actions.setdefault(m.group(1), set()).add(m.group(2))
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                  for t in n.targets if isinstance(t, ast.Name)
                  and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
        # A writer's action passed as a parameter (success_action="signin"): its default and every keyword value.
        params: dict[str, set[str]] = {k: set(v) for k, v in keyword_actions.items()}
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            args = fn.args.args + fn.args.kwonlyargs
            defaults = [None] * (len(fn.args.args) - len(fn.args.defaults)) + fn.args.defaults + fn.args.kw_defaults
            for arg, default in zip(args, defaults, strict=True):
                if arg.arg.endswith("action") and arg.arg != "action" and isinstance(default, ast.Constant):
                    params.setdefault(arg.arg, set()).add(default.value)
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        innermost: dict[ast.Call, ast.AST] = {}
        for fn in [tree, *functions]:  # outer first, so an inner function overwrites its calls
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                innermost[call] = fn
        for call, fn in innermost.items():
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            owner = (call.func.value.id if isinstance(call.func, ast.Attribute)
                     and isinstance(call.func.value, ast.Name) else "")
            if name not in WRITERS or (name == "append" and owner != "audit") or len(call.args) < 2:
                continue
            arg = call.args[1]
            if isinstance(fn, ast.FunctionDef) and isinstance(arg, ast.Name) and arg.id not in params \
                    and arg.id in [a.arg for a in fn.args.args]:
                if fn.name in WRITERS:
                    continue  # the helper's own call of audit.append: its callers are collected
                # A helper that takes the action as a parameter: what its callers pass.
                index = [a.arg for a in fn.args.args].index(arg.id)
                passed = [c.args[index] if len(c.args) > index else
                          next(k.value for k in c.keywords if k.arg == arg.id)
                          for c in ast.walk(tree) if isinstance(c, ast.Call)
                          and getattr(c.func, "id", "") == fn.name]
                assert passed, f"{path}: {fn.name} passes its parameter {arg.id} and nobody calls it"
                for node in passed:
                    for action in _strings(node, consts, params):
                        found[action] = str(path.relative_to(ROOT))
                continue
            for action in _strings(arg, consts, params):
                found[action] = str(path.relative_to(ROOT))
    return found


def test_the_collector_finds_the_writers_it_must():
    actions = written_actions()
    for known in ("signin", "unlock", "ebike.registered", "pledge.record", "paper.printed", "case.accepted",
                  "reason.deactivate", "plates.series", "ebike.transfer_reverted", "ebike.status_reverted"):
        assert known in actions, known


def test_every_written_action_has_a_chinese_label():
    unnamed = {a: where for a, where in written_actions().items()
               if event_label(a) == a or re.search(r"[A-Za-z_]", event_label(a))}
    assert not unnamed, f"audit actions without a Chinese name in EVENT_LABELS: {unnamed}"


def test_a_service_names_its_own_events_once_and_never_a_core_one():
    from desktop.cases import audit_labels, worklists
    from desktop.cases.audit_report import EVENT_LABELS
    from desktop.cases.registration import DuplicateRegistration

    declared = audit_labels.declared()
    assert {"ebike.registered", "plates.block", "nrmm.registered"} <= set(declared)
    assert not set(declared) & (set(EVENT_LABELS) | set(worklists.ACTION_LABELS))  # no service shadows the core
    assert event_label("ebike.plate_replaced") == "电动自行车号牌补领/换领生效（原号牌作废）"
    assert worklists._label("ebike.plate_replaced", {}) == "补领/换领号牌（原号牌作废）"
    with pytest.raises(DuplicateRegistration, match=r"ebike\.registered"):
        audit_labels.declare("ebike.registered", "另一个名称")
    assert event_label("ebike.registered") == "电动自行车登记上牌生效"  # the first stays
