"""Search: the outbox; on PostgreSQL also the full-text table and its text search configuration.

Revision ID: search_0001
Revises:
Create Date: 2026-05-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "search_0001"
down_revision = None
branch_labels = ("search",)
depends_on = "0003_library_fields"


def upgrade():
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_search_outbox_material_id", "search_outbox", ["material_id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    # unaccent() itself is not IMMUTABLE; a text search configuration using the unaccent
    # dictionary is, so it can build stored tsvectors. Its rules fold every Vietnamese letter.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS lms_search_folded")
    op.execute("CREATE TEXT SEARCH CONFIGURATION lms_search_folded (COPY = simple)")
    op.execute("ALTER TEXT SEARCH CONFIGURATION lms_search_folded ALTER MAPPING FOR "
               "asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, "
               "numhword, hword_numpart WITH unaccent, simple")
    op.create_table(
        "search_pg_document",
        sa.Column("material_id", sa.Integer(), primary_key=True),
        sa.Column("stamp", sa.String(32), nullable=False),
        sa.Column("department", sa.String(20), nullable=False, server_default=""),
        sa.Column("subject", sa.String(20), nullable=False, server_default=""),
        sa.Column("grade", sa.String(20), nullable=False, server_default=""),
        sa.Column("type", sa.String(30), nullable=False, server_default=""),
        sa.Column("year", sa.String(20), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("author_ids", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
    )
    op.create_index("ix_search_pg_document_document", "search_pg_document", ["document"],
                    postgresql_using="gin")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_table("search_pg_document")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS lms_search_folded")
    op.drop_index("ix_search_outbox_material_id", "search_outbox")
    op.drop_table("search_outbox")
