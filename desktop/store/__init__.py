"""Persistence: SQLAlchemy models, engine set-up, Alembic migrations and queries (no Qt)."""
