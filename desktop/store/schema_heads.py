"""Where the schema's migrations are and which heads an up-to-date database has: the core chain and each service's branch.

A service with tables of its own keeps its migrations in its case-layer package,
``desktop/cases/services/<name>/migrations/`` (Alembic revision files, one branch per service:
``branch_labels = ("<name>",)``, revision ids ``"<name>_NNNN"``, the first one ``down_revision = None`` and
``depends_on`` the core revision it needs), with a one-line ``HEAD`` file naming its newest revision.
The store finds them by path, never by importing the case layer (tests/test_boundaries.py), and knows
the heads without importing Alembic, so an up-to-date database opens without loading it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from forms.resources import bundle_root

MIGRATIONS = bundle_root() / "desktop" / "store" / "migrations"
SERVICES = bundle_root() / "desktop" / "cases" / "services"
# NOTE: the newest core migration, known without importing Alembic (about 90 ms of a cold start). A
# test checks that it matches the head of desktop/store/migrations/versions — bump it with each migration.
HEAD_REVISION = "0019"


def service_migrations() -> dict[str, Path]:
    """Each service package with migrations of its own: name -> its migrations folder (sorted by name)."""
    if not SERVICES.is_dir():
        return {}
    return {path.parent.name: path for path in sorted(SERVICES.glob("*/migrations"))
            if (path / "HEAD").is_file() and not path.parent.name.startswith("_")}


def version_locations() -> list[Path]:
    """The folders Alembic reads revisions from: the core chain's, then each service's."""
    return [MIGRATIONS / "versions", *service_migrations().values()]


def service_heads() -> dict[str, str]:
    """Each service branch's newest revision, from its HEAD file (a test keeps them honest)."""
    return {name: (path / "HEAD").read_text(encoding="utf-8").strip() for name, path in service_migrations().items()}


def expected_heads() -> frozenset[str]:
    """The heads of the migration scripts: the core chain's and every service branch's."""
    return frozenset({HEAD_REVISION, *service_heads().values()})


_DEPENDS_ON = re.compile(r"^depends_on\s*=\s*(.+?)\s*(?:#.*)?$", re.M)


def _service_dependencies() -> set[str]:
    """Every core revision a service revision declares in ``depends_on`` (read as text, not imported)."""
    found: set[str] = set()
    for folder in service_migrations().values():
        for script in folder.glob("*.py"):
            for match in _DEPENDS_ON.finditer(script.read_text(encoding="utf-8")):
                value = ast.literal_eval(match.group(1))
                found.update([value] if isinstance(value, str) else (value or ()))
    return found


def expected_rows() -> frozenset[str]:
    """What alembic_version holds in an up-to-date database.

    NOTE: Alembic keeps only the heads no other recorded revision stands on, and a dependency counts:
    while a service branch ``depends_on`` the core head, the branch's head row stands for both (a test
    compares this with Alembic's own answer, tests/desktop/store/test_service_schema.py)."""
    core = set() if HEAD_REVISION in _service_dependencies() else {HEAD_REVISION}
    return frozenset({*core, *service_heads().values()})


def core_revision(revisions: frozenset[str] | set[str]) -> str | None:
    """The core chain's revision of a database with these alembic_version rows (service ids are "<name>_…").

    NOTE: when a service branch depends on the core head, Alembic records only the branch's row; the core
    revision is then the newest one the service revisions depend on (core ids are zero-padded numbers)."""
    prefixes = tuple(f"{name}_" for name in service_migrations())
    core = sorted(r for r in revisions if not (prefixes and r.startswith(prefixes)))
    if core or not revisions:
        return core[-1] if core else None
    depended = sorted(d for d in _service_dependencies() if not d.startswith(prefixes))
    return depended[-1] if depended else None


def label(revisions: frozenset[str] | set[str]) -> str:
    """One text for a set of revisions (backup names, messages): sorted and joined with "+"."""
    return "+".join(sorted(revisions)) if revisions else ""
