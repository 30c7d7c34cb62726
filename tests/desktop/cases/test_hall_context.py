"""Every case-layer action that writes a paper takes one HallContext, never ``papers_dir=`` / ``font_path=`` (issue 16)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import textwrap
from collections.abc import Iterator
from types import ModuleType

from desktop import cases as case_layer
from desktop.cases import services

PATH_PARAMETERS = {"papers_dir", "font_path"}

# NOTE: the only public functions that may still take the paths themselves, each with its reason;
# a new entry needs one as good. Everything else that prints is called with a HallContext.
ALLOWED = {
    "desktop.cases.intake.record_paper": "runs inside the caller's transaction, given the paths its action read "
                                         "from the HallContext (lifecycle, reprints, the e-bike query sheet)",
    "desktop.cases.intake.fonts_ready": "loads the font before an action's write unit, with the action's font",
    "desktop.cases.retention.purge": "deletes papers, writes none; run from the console, where nobody is signed in",
}


def _modules(package: ModuleType) -> Iterator[ModuleType]:
    yield package
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations" not in info.name:  # Alembic revision files, not case-layer code
            yield importlib.import_module(info.name)


def _callables(module: ModuleType) -> Iterator[tuple[str, object]]:
    """The module's own public functions and the public methods of its own classes, by dotted name."""
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value):
            yield f"{module.__name__}.{name}", value
        elif inspect.isclass(value):
            for attr, method in vars(value).items():
                if not attr.startswith("_") and inspect.isfunction(method):
                    yield f"{module.__name__}.{name}.{attr}", method


def offenders(package: ModuleType, allowed: dict[str, str]) -> list[str]:
    """Public callables of ``package`` (and every module below it) that take a papers folder or a font path."""
    found = []
    for module in _modules(package):
        for dotted, fn in _callables(module):
            taken = PATH_PARAMETERS & set(inspect.signature(fn).parameters)
            if taken and dotted not in allowed:
                found.append(f"{dotted}({', '.join(sorted(taken))})")
    return found


def test_no_case_layer_function_takes_the_paths_apart_from_a_hall_context():
    services.load()  # every service package's modules, e-bike and NRMM included
    assert offenders(case_layer, ALLOWED) == []


def test_the_exceptions_are_real_and_still_need_their_exception():
    """A stale entry would let a new function of that name through unseen."""
    for dotted in ALLOWED:
        module, name = dotted.rsplit(".", 1)
        fn = getattr(importlib.import_module(module), name)
        assert PATH_PARAMETERS & set(inspect.signature(fn).parameters), dotted


def test_a_planted_action_taking_the_paths_is_caught(tmp_path, monkeypatch):
    package = tmp_path / "planted_cases"
    (package / "services" / "demo").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services" / "__init__.py").write_text("")
    (package / "services" / "demo" / "__init__.py").write_text("")
    # The old style, as intake.accept was before: db and actor apart, the paths as keywords.
    (package / "intake.py").write_text(textwrap.dedent('''
        def accept(db, actor, service_id, answers, materials, *, now=None, papers_dir, font_path=None):
            """Accept (the old signature)."""

        def assess_case(db, service_id, answers, materials):
            """Prints nothing: no paths."""
    '''))
    (package / "services" / "demo" / "sheet.py").write_text(textwrap.dedent('''
        def print_sheet(hall, plate, *, font_path=None):
            """A service's paper that takes the font beside its HallContext."""

        class Desk:
            def reprint(self, hall, document_id, papers_dir):
                """A method counts too."""

        def print_done(hall, plate):
            """The new style."""
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        planted = importlib.import_module("planted_cases")
        assert sorted(offenders(planted, {})) == [
            "planted_cases.intake.accept(font_path, papers_dir)",
            "planted_cases.services.demo.sheet.Desk.reprint(papers_dir)",
            "planted_cases.services.demo.sheet.print_sheet(font_path)",
        ]
        assert offenders(planted, {"planted_cases.intake.accept": "x", "planted_cases.services.demo.sheet.print_sheet": "y",
                                   "planted_cases.services.demo.sheet.Desk.reprint": "z"}) == []
    finally:
        for name in [n for n in sys.modules if n == "planted_cases" or n.startswith("planted_cases.")]:
            del sys.modules[name]
