"""Widgets read the case layer's frozen data by attribute: no widget reads a stored-JSON mapping by a literal key."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI = "desktop/ui"

# NOTE (issue 16): the stored assessment, the lifecycle and the audit details reach the UI as frozen
# dataclasses (desktop/cases/stored.py), so a widget that reads `x["issue"]`, `x.get("findings")` or
# tests `"document_id" in x` is reading a JSON shape the case layer owns. What a widget may still
# index by a literal key are its own dicts of widgets and texts, under these names (the receiver's
# last name: `self.values[...]`, `d.fields[...]`, `exc.errors.get(...)`):
OWN_DICTS = {
    "values", "edits", "buttons", "fields", "boxes",  # the widget's own widgets, by the names it gave them
    "errors",  # field errors, keyed by field name (InputError.errors and the error labels beside fields)
    "lists", "text",  # a page's own dicts: the work lists it just fetched, the search texts it just read
    "offered",  # the step names the case layer offers now (actions.offered, intake_offers.offered): `"x" in offered`
}
# A file that is not a widget: the self-test plays a clerk typing a service's example answers.
EXEMPT = {"selftest_driver.py"}


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _receiver_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def literal_key_reads(source: str, filename: str) -> list[str]:
    """``file:line code`` for every read of a mapping by a literal key whose receiver is not a widget's own dict."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        receivers: list[ast.AST] = []
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _literal(node.slice):
            receivers = [node.value]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("get", "setdefault", "pop") and node.args and _literal(node.args[0])):
            receivers = [node.func.value]
        elif isinstance(node, ast.Compare) and _literal(node.left):
            receivers = [c for op, c in zip(node.ops, node.comparators, strict=True)
                         if isinstance(op, (ast.In, ast.NotIn))]
        found += [f"{filename}:{node.lineno} {ast.unparse(node)}" for r in receivers
                  if _receiver_name(r) not in OWN_DICTS]
    return found


def ui_files() -> list[Path]:
    return sorted(p for p in (ROOT / UI).rglob("*.py") if p.name not in EXEMPT)


def violations() -> list[str]:
    return [v for path in ui_files()
            for v in literal_key_reads(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]


def test_the_walk_sees_the_widgets():
    names = {p.relative_to(ROOT).as_posix() for p in ui_files()}
    assert {"desktop/ui/case_view.py", "desktop/ui/case_models.py", "desktop/ui/findings_panel.py"} <= names
    assert len(names) > 30


def test_no_widget_reads_stored_json_by_key():
    assert violations() == []


def test_the_check_catches_each_way_of_reading_a_key(tmp_path, monkeypatch):
    # The case view as it was before issue 16 (lines taken from it), planted as a UI file.
    fake = tmp_path / "desktop" / "ui"
    fake.mkdir(parents=True)
    (fake / "old_case_view.py").write_text(
        'at_once = (f.lifecycle.get("issue") or {}).get("at_window")\n'  # 1: two .get()s
        'rows = [x for x in assessment.get("findings", []) if x.get("outcome") != "not_applicable"]\n'  # 2: two
        'last = life["supplements"][-1]\n'  # 3: a subscript
        'label = titles.get(d["document_id"], d.get("kind", "")) if "document_id" in d else ""\n'  # 4: three + in
        'when = f"{issue[f\'{key}\']}"\n'  # 5: an f-string key
        'self.values["case_no"].setText(s.case_no)\n'  # 6: the widget's own dict: allowed
        'errors["reason"] = "请填写"\n'  # 7: a write, not a read: allowed
        'first = rows[0]\n', encoding="utf-8")  # 8: a list by position: allowed
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = violations()
    assert sorted(int(v.split(":")[1].split()[0]) for v in found) == [1, 1, 2, 2, 3, 4, 4, 4, 5]
    assert all("old_case_view.py" in v for v in found)


@pytest.mark.parametrize("name", sorted(OWN_DICTS))
def test_each_allowed_name_is_a_dict_the_ui_itself_builds(name):
    # An allowance nobody uses any more is dropped, so the list cannot grow into a loophole.
    uses = (f"{name}[", f"{name}.get(", f"in {name})", f"in {name}\n")
    assert any(use in p.read_text(encoding="utf-8") for p in ui_files() for use in uses)
