"""Search: the PostgreSQL index keeps an approved material's pending version apart, so only
those who may see that version (`lms.permissions.can_view_version`) find its text.

Revision ID: search_0003
Revises: search_0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "search_0003"
down_revision = "search_0002"
branch_labels = None
depends_on = None


def upgrade():
    vector = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
    with op.batch_alter_table("search_pg_document") as batch:
        batch.add_column(sa.Column("pending_status", sa.String(20), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("pending_document", vector, nullable=False,
                                   server_default=""))
    # rows written before keep answering; their stamps differ from the new documents', so
    # `flask lms search-verify` queues them all for re-indexing


def downgrade():
    with op.batch_alter_table("search_pg_document") as batch:
        batch.drop_column("pending_document")
        batch.drop_column("pending_status")
