"""Alembic environment: runs on the connection HallDesk hands over (config.attributes)."""

from alembic import context

import desktop.store.lifecycle_models  # noqa: F401,E402  (its tables belong to the same metadata)
from desktop.store.models import Base

# NOTE (issue 16): target_metadata serves only `alembic revision --autogenerate` by hand; it holds the core's
# tables. A service's tables are declared in its package (desktop/cases/services/<name>/models.py) and its
# changes are written by hand in its own branch; the store never imports the case layer, so an
# autogenerate here would offer to drop them — never keep those lines in a core revision.
config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    from sqlalchemy import create_engine

    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise SystemExit("alembic.ini names no sqlalchemy.url (HallDesk passes its connection instead)")
    connection = create_engine(url).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite needs batch mode for ALTER TABLE
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
