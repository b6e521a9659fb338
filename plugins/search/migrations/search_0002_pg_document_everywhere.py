"""Search: the PostgreSQL backend's table on every database, so models and migrations agree.

PostgreSQL got it (and its GIN index) in search_0001; other databases get the same columns with
portable types. It stays empty there: only the PostgreSQL backend writes it.

Revision ID: search_0002
Revises: search_0001
Create Date: 2026-05-02
"""
import sqlalchemy as sa
from alembic import op

revision = "search_0002"
down_revision = "search_0001"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        return
    op.create_table(
        "search_pg_document",
        sa.Column("material_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("stamp", sa.String(32), nullable=False),
        sa.Column("department", sa.String(20), nullable=False, server_default=""),
        sa.Column("subject", sa.String(20), nullable=False, server_default=""),
        sa.Column("grade", sa.String(20), nullable=False, server_default=""),
        sa.Column("type", sa.String(30), nullable=False, server_default=""),
        sa.Column("year", sa.String(20), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("author_ids", sa.JSON(), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
    )
    op.create_index("ix_search_pg_document_document", "search_pg_document", ["document"])


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        return
    op.drop_index("ix_search_pg_document_document", "search_pg_document")
    op.drop_table("search_pg_document")
