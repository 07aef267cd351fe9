"""The first schema: events, their countries, actors and sources, articles, offsets.

Stores created before migrations existed have exactly these tables; they are stamped
with this revision and upgraded from here.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("published", sa.String(40)),
        sa.Column("lang", sa.String(2)),
        sa.Column("source", sa.String(200)),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("first_seen", sa.DateTime, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("event_id", sa.String(24), primary_key=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("subtype", sa.String(16), nullable=False),
        sa.Column("date", sa.String(10)),
        sa.Column("date_precision", sa.String(5)),
        sa.Column("sort_date", sa.Date, nullable=False),
        sa.Column("undated", sa.Boolean, nullable=False),
        sa.Column("location", sa.String(200)),
        sa.Column("location_country", sa.String(3)),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("extractor", sa.String(80), nullable=False),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
        sa.Column("source_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "event_countries",
        sa.Column("event_id", sa.String(24), sa.ForeignKey("events.event_id"), primary_key=True),
        sa.Column("country", sa.String(3), primary_key=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("subtype", sa.String(16), nullable=False),
        sa.Column("date", sa.String(10)),
        sa.Column("sort_date", sa.Date, nullable=False),
        sa.Column("undated", sa.Boolean, nullable=False),
    )
    op.create_index(
        "ix_event_countries_timeline", "event_countries", ["country", "sort_date", "event_id"]
    )
    op.create_table(
        "event_actors",
        sa.Column("event_id", sa.String(24), sa.ForeignKey("events.event_id"), primary_key=True),
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("role", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(300), primary_key=True),
        sa.Column("title", sa.String(300)),
    )
    op.create_table(
        "sources",
        sa.Column("event_id", sa.String(24), sa.ForeignKey("events.event_id"), primary_key=True),
        sa.Column("article_id", sa.String(200), primary_key=True),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("evidence_start", sa.Integer, nullable=False),
        sa.Column("evidence_end", sa.Integer, nullable=False),
        sa.Column("trigger", sa.String(300)),
        sa.Column("rule", sa.String(200)),
        sa.Column("outlet", sa.String(200)),
        sa.Column("lang", sa.String(2)),
        sa.Column("reported_at", sa.String(40)),
        sa.Column("reported_on", sa.Date),
        sa.Column("date", sa.String(10)),
        sa.Column("date_precision", sa.String(5)),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("extractor", sa.String(80), nullable=False),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_table(
        "projection_offsets",
        sa.Column("projection", sa.String(100), primary_key=True),
        sa.Column("topic", sa.String(249), primary_key=True),
        sa.Column("partition", sa.Integer, primary_key=True),
        sa.Column("next_offset", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "projection_offsets",
        "sources",
        "event_actors",
        "event_countries",
        "events",
        "articles",
    ):
        op.drop_table(table)
