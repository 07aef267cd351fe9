"""Newer extractions supersede older mentions; 64-bit Kafka offsets.

- ``article_extractions``: one row per extractor run over an article, with the event
  ids it found, so a re-extraction that no longer finds an event retires it.
- ``sources.superseded``: when that happened (NULL: the mention is current), and an
  index on ``sources.article_id`` to find an article's mentions.
- ``projection_offsets.next_offset`` becomes BIGINT: Kafka offsets are 64-bit.

Existing rows keep their meaning: no extraction was recorded for them, so every
stored mention stays current and ``source_count`` stays right.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "article_extractions",
        sa.Column("article_id", sa.String(200), primary_key=True),
        sa.Column("extracted_at", sa.DateTime, primary_key=True),
        sa.Column("extractor", sa.String(80), nullable=False),
        sa.Column("event_ids", sa.Text, nullable=False),
    )
    with op.batch_alter_table("sources") as sources:
        sources.add_column(sa.Column("superseded", sa.DateTime, nullable=True))
    op.create_index("ix_sources_article", "sources", ["article_id"])
    with op.batch_alter_table("projection_offsets") as offsets:
        offsets.alter_column("next_offset", type_=sa.BigInteger, existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("projection_offsets") as offsets:
        offsets.alter_column("next_offset", type_=sa.Integer, existing_nullable=False)
    op.drop_index("ix_sources_article", "sources")
    with op.batch_alter_table("sources") as sources:
        sources.drop_column("superseded")
    op.drop_table("article_extractions")
