"""Alembic migrations of the timeline store, run by ``newsline.store.schema``."""
