"""Alembic's entry point: migrate on the connection newsline hands over.

newsline runs migrations itself (``newsline.store.schema.create_tables``), inside
the caller's transaction, so there is no alembic.ini and no URL here.
"""

from alembic import context

context.configure(connection=context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
