"""Where the schema's migrations are and which heads an up-to-date database has: the core chain and each service's branch.

A service with tables of its own keeps its migrations in its case-layer package,
``desktop/cases/services/<name>/migrations/`` (Alembic revision files, one branch per service:
``branch_labels = ("<name>",)``, revision ids ``"<name>_NNNN"``, the first one ``down_revision = None`` and
``depends_on`` the core revision it needs), with a one-line ``HEAD`` file naming its newest revision.
The store finds them by path, never by importing the case layer (tests/test_boundaries.py), and knows
the heads without importing Alembic, so an up-to-date database opens without loading it.
"""

from __future__ import annotations

from pathlib import Path

from forms.resources import bundle_root

MIGRATIONS = bundle_root() / "desktop" / "store" / "migrations"
SERVICES = bundle_root() / "desktop" / "cases" / "services"
# NOTE: the newest core migration, known without importing Alembic (about 90 ms of a cold start). A
# test checks that it matches the head of desktop/store/migrations/versions — bump it with each migration.
HEAD_REVISION = "0016"


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
    """The revisions an up-to-date database records in alembic_version: the core head and every service head."""
    return frozenset({HEAD_REVISION, *service_heads().values()})


def core_revision(revisions: frozenset[str] | set[str]) -> str | None:
    """The core chain's revision among a database's rows (a service's revisions are named "<name>_…")."""
    prefixes = tuple(f"{name}_" for name in service_migrations())
    core = sorted(r for r in revisions if not (prefixes and r.startswith(prefixes)))
    return core[-1] if core else None


def label(revisions: frozenset[str] | set[str]) -> str:
    """One text for a set of revisions (backup names, messages): sorted and joined with "+"."""
    return "+".join(sorted(revisions)) if revisions else ""
