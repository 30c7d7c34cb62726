"""The layers keep their direction (ui → cases → forms, store, documents) and the Qt-free ones stay free of Qt."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT_FREE_PACKAGES = ("forms", "desktop/store", "desktop/cases", "desktop/documents")
QT_ALLOWED_TOP_LEVEL = {"app.py", "__main__.py"}


def qt_free_files() -> list[Path]:
    files: list[Path] = []
    for package in QT_FREE_PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    files += sorted(p for p in (ROOT / "desktop").glob("*.py") if p.name not in QT_ALLOWED_TOP_LEVEL)
    return files


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        found += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names
                  if n.split(".")[0] in ("PySide6", "shiboken6")]
    return found


def test_the_walk_sees_the_packages():
    names = {p.relative_to(ROOT).as_posix() for p in qt_free_files()}
    assert "forms/service.py" in names and "desktop/store/database.py" in names
    assert "desktop/settings.py" in names and "desktop/app.py" not in names


@pytest.mark.parametrize("path", qt_free_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_qt_import(path):
    assert qt_imports(path) == []


def test_importing_the_core_loads_no_qt():
    code = ("import forms.service, desktop.cases.accounts, desktop.store.database; import sys; "
            "assert not any(m.startswith('PySide6') for m in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_command_line_version_loads_no_qt():
    code = ("import sys, desktop.__main__ as m\n"
            "try:\n    m.main(['--version'])\nexcept SystemExit:\n    pass\n"
            "assert not any(n.startswith('PySide6') for n in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# --- the layer direction -------------------------------------------------------------------------
# NOTE: data flows one way, ui → cases → (forms, store, documents) (README, Architecture). Each rule
# names a folder and the packages no module in it may import, at the top or inside a function.
LAYER_RULES = {
    "desktop/ui": ("desktop.store",),  # the UI asks the case layer, never the database below it
    "desktop/documents": ("desktop.cases", "desktop.store", "desktop.ui"),  # papers render snapshots
    "desktop/store": ("desktop.cases", "desktop.documents", "desktop.ui"),
    "desktop/cases": ("desktop.ui",),
    "forms": ("desktop",),  # the rules know nothing of the program around them
}


def imported_modules(path: Path, root: Path | None = None) -> list[tuple[int, str]]:
    """Every module a file imports (absolute names; relative imports resolved against its package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root or ROOT).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from desktop import store` imports desktop.store too
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def layer_violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    """One line per offending import statement: ``path:line imports module``."""
    bad: dict[tuple[str, int], str] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for line, module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                bad.setdefault((str(path.relative_to(ROOT)), line), module)
    return [f"{where}:{line} imports {module}" for (where, line), module in sorted(bad.items())]


@pytest.mark.parametrize("folder", sorted(LAYER_RULES))
def test_the_layers_keep_their_direction(folder):
    assert layer_violations(folder, LAYER_RULES[folder]) == []


def test_the_layer_walk_sees_every_kind_of_import(tmp_path, monkeypatch):
    # The check itself must catch a top-level, a function-level, a from-package and a relative import.
    fake = tmp_path / "desktop" / "ui"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text(
        "import desktop.store.models\n"
        "from desktop import store\n"
        "def f():\n    from desktop.store.database import Database\n"
        "from ..store import backup\n"
        "from desktop.cases import intake\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = layer_violations("desktop/ui", LAYER_RULES["desktop/ui"])
    assert [v.split(":")[1].split()[0] for v in found] == ["1", "2", "4", "5"]
    assert not any("desktop.cases" in v for v in found)


# --- the service seam (issue 16) ----------------------------------------------------------------
# NOTE: the generic modules — desktop/ui/*.py and desktop/cases/*.py, not the services' own packages under
# desktop/ui/services/ and desktop/cases/services/ — import no service's part: a service's menu items,
# dialogs, permissions, inspection and self-test steps are declared by its packages and discovered. The
# loaders themselves (desktop.cases.services, desktop.ui.services) may be imported: they name no service.
GENERIC_FOLDERS = ("desktop/ui", "desktop/cases")
SERVICE_FOLDERS = ("desktop/cases/services", "desktop/ui/services")


def service_names(root: Path) -> list[str]:
    """The services' package names, found in the tree (the test names none): ebike, nrmm, residence, …"""
    return sorted({p.name for folder in SERVICE_FOLDERS for p in (root / folder).glob("*")
                   if p.is_dir() and not p.name.startswith(("_", "."))})


def service_packages(root: Path) -> tuple[str, ...]:
    """Module prefixes a generic module may not import: each service's packages and its forms modules."""
    # NOTE: every service's pure part is a package or module under forms/services (its form, rules,
    # shared parts); nothing of a service sits beside it in forms/ (test_forms_top_level_names_no_service).
    return ("desktop.cases.services.", "desktop.ui.services.", "forms.services.")


def seam_violations(root: Path) -> list[str]:
    forbidden = service_packages(root)
    bad: dict[tuple[str, int], str] = {}
    for folder in GENERIC_FOLDERS:
        for path in sorted((root / folder).glob("*.py")):  # the folder's own modules, not its subpackages
            for line, module in imported_modules(path, root):
                if module.startswith(forbidden):
                    bad.setdefault((path.relative_to(root).as_posix(), line), module)
    return [f"{where}:{line} imports {module}" for (where, line), module in sorted(bad.items())]


def test_the_walk_knows_the_services():
    assert {"ebike", "residence", "subsidy", "nrmm"} <= set(service_names(ROOT))
    assert "forms.services." in service_packages(ROOT)


def test_forms_top_level_names_no_service():
    """A service's pure parts live in forms/services/<name>: the generic forms modules are named for no service."""
    names = service_names(ROOT)
    beside = [p.name for p in (ROOT / "forms").iterdir() if p.name != "services"
              and any(p.stem == n or p.stem.startswith(f"{n}_") for n in names)]
    assert beside == []


def test_generic_modules_import_no_service_package():
    assert seam_violations(ROOT) == []


@pytest.mark.parametrize("folder, source, module", [
    ("desktop/ui", "from desktop.cases.services.ebike import plates\n", "desktop.cases.services.ebike"),
    ("desktop/ui", "def f():\n    from desktop.ui.services.ebike.plate_dialog import PlateSeriesDialog\n",
     "desktop.ui.services.ebike.plate_dialog"),
    ("desktop/cases", "from forms.services.ebike import inspection\n", "forms.services.ebike"),
    ("desktop/cases", "from .services.subsidy import claims\n", "desktop.cases.services.subsidy"),
    ("desktop/cases", "import forms.services.residence.service\n", "forms.services.residence.service"),
], ids=["ui-case-part", "ui-dialog", "cases-forms-part", "cases-relative", "cases-forms-service"])
def test_the_seam_check_fails_on_a_planted_file(tmp_path, folder, source, module):
    # The tree's service folders (so their names are found), a service's own module importing its own
    # parts (allowed) and the loader imported by a generic module (allowed); then one planted file.
    for services in SERVICE_FOLDERS:
        for p in (ROOT / services).iterdir():
            if p.is_dir():
                (tmp_path / services / p.name).mkdir(parents=True)
    (tmp_path / "desktop/ui/services/ebike/own.py").write_text(
        "from desktop.cases.services.ebike import plates\n", encoding="utf-8")
    (tmp_path / "desktop/cases/intake.py").write_text("from desktop.cases import services\n", encoding="utf-8")
    assert seam_violations(tmp_path) == []
    (tmp_path / folder / "generic.py").write_text(source, encoding="utf-8")
    found = seam_violations(tmp_path)
    assert len(found) == 1 and found[0].startswith(f"{folder}/generic.py:") and module in found[0], found


# --- the store and the case layer's generic modules declare no service's table (issue 16) --------
# NOTE: desktop/store/*.py and desktop/cases/*.py are the core every service shares. A service's tables,
# its lock names and its modules live in its packages (desktop/cases/services/<name>/models.py and
# migrations/); the core reaches them only through the registries and desktop.cases.services.load().
# Neither folder's own modules declare a table named for a service, desktop/store/*.py imports no
# service's package (the case layer's: seam_violations above), and the store is held to more: no
# identifier of it (class, function, variable, attribute, argument, import, module name) is named for a
# service. Its comments and strings may still give a service as an example,
# and audit_hashes.CASE_COLUMNS names "plate_no"/"frame_no" as strings: a frozen hash format (see its NOTE).
SERVICE_WORDS = re.compile(r"ebike|e_bike|subsidy|plate|frame_no|nrmm|residence", re.I)
# packed_dictionary.py is a fixed compression dictionary (data that must never change, whatever it spells);
# the migration revisions are history, and live below the top level anyway.
STORE_EXEMPT = {"packed_dictionary.py"}


def generic_modules(root: Path) -> list[Path]:
    store = [p for p in sorted((root / "desktop" / "store").glob("*.py")) if p.name not in STORE_EXEMPT]
    return store + sorted((root / "desktop" / "cases").glob("*.py"))


def _identifiers(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.lineno, node.name
        elif isinstance(node, ast.Name):
            yield node.lineno, node.id
        elif isinstance(node, ast.Attribute):
            yield node.lineno, node.attr
        elif isinstance(node, ast.arg):
            yield node.lineno, node.arg
        elif isinstance(node, ast.keyword) and node.arg:
            yield node.lineno, node.arg
        elif isinstance(node, ast.alias):
            yield node.lineno, node.asname or node.name


def _tables(tree: ast.AST):
    """(line, name) of each table a module declares: ``__tablename__ = "…"`` or ``Table("…", …)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in targets) and \
                    isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                yield node.lineno, node.value.value
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if func == "Table" and isinstance(node.args[0].value, str):
                yield node.lineno, node.args[0].value


def service_mentions(root: Path) -> list[str]:
    """One line per place a generic module names a service: ``path:line what``."""
    packages = service_packages(root)
    found: set[str] = set()
    for path in generic_modules(root):
        where = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found |= {f"{where}:{line} declares table {name}" for line, name in _tables(tree) if SERVICE_WORDS.search(name)}
        if where.startswith("desktop/store/"):  # (desktop/cases/*.py's imports: seam_violations above)
            found |= {f"{where}:{line} imports {module}" for line, module in imported_modules(path, root)
                      if module.startswith(packages)}
            found |= {f"{where}:{line} names {name}" for line, name in _identifiers(tree) if SERVICE_WORDS.search(name)}
            if SERVICE_WORDS.search(path.stem):
                found.add(f"{where}:0 is named for a service")
    return sorted(found)


def test_the_generic_modules_name_no_service():
    assert service_mentions(ROOT) == []


def test_the_service_walk_catches_a_planted_module(tmp_path):
    # A copy of the real generic modules (they pass) plus one planted offender in each folder.
    for folder in ("desktop/store", "desktop/cases"):
        (tmp_path / folder).mkdir(parents=True)
        for path in (ROOT / folder).glob("*.py"):
            (tmp_path / folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("ebike", "subsidy", "nrmm"):
        (tmp_path / "desktop" / "cases" / "services" / name).mkdir(parents=True)
    (tmp_path / "forms" / "subsidy").mkdir(parents=True)
    (tmp_path / "forms" / "subsidy" / "__init__.py").write_text("", encoding="utf-8")
    assert service_mentions(tmp_path) == []
    (tmp_path / "desktop" / "store" / "plate_things.py").write_text(
        "from desktop.store.models import Base\n"
        "from forms.services.subsidy import claims as c\n"
        "class Thing(Base):\n    __tablename__ = 'ebike_things'\n"
        "def issue(session, frame_no):\n    return session.get(Thing, frame_no)\n", encoding="utf-8")
    (tmp_path / "desktop" / "cases" / "planted.py").write_text(
        "from sqlalchemy import MetaData, Table\n"
        "from desktop.cases.store_like import Base\n"
        "def f():\n    return Table('subsidy_claims_copy', MetaData())\n"
        "class Register(Base):\n    __tablename__: str = 'nrmm_copies'\n"
        "ebike_words = 'a generic case module may still say e-bike in a name'\n", encoding="utf-8")
    (tmp_path / "desktop" / "store" / "packed_dictionary.py").write_text("plate_no = 'data'\n", encoding="utf-8")
    assert service_mentions(tmp_path) == [
        "desktop/cases/planted.py:4 declares table subsidy_claims_copy",
        "desktop/cases/planted.py:6 declares table nrmm_copies",
        "desktop/store/plate_things.py:0 is named for a service",
        "desktop/store/plate_things.py:2 imports forms.services.subsidy",
        "desktop/store/plate_things.py:2 imports forms.services.subsidy.claims",
        "desktop/store/plate_things.py:4 declares table ebike_things",
        "desktop/store/plate_things.py:5 names frame_no",
        "desktop/store/plate_things.py:6 names frame_no",
    ]
