"""xerte tables

Revision ID: xerte_0001
Revises: (branch root; depends on 0003_library_fields)
"""
import sqlalchemy as sa
from alembic import op

revision = "xerte_0001"
down_revision = None
branch_labels = ("xerte",)
depends_on = "0003_library_fields"


def upgrade():
    op.create_table(
        "xerte_lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("export_kind", sa.String(length=20), nullable=False),
        sa.Column("launch_file", sa.String(length=1000), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["material_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id"),
    )
    op.create_table(
        "xerte_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["xerte_lesson.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lesson_id", "path"),
    )
    with op.batch_alter_table("xerte_file") as batch_op:
        batch_op.create_index(batch_op.f("ix_xerte_file_digest"), ["digest"], unique=False)
        batch_op.create_index(batch_op.f("ix_xerte_file_lesson_id"), ["lesson_id"], unique=False)


def downgrade():
    with op.batch_alter_table("xerte_file") as batch_op:
        batch_op.drop_index(batch_op.f("ix_xerte_file_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_xerte_file_digest"))
    op.drop_table("xerte_file")
    op.drop_table("xerte_lesson")
