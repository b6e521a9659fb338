"""library: approval steps

Revision ID: library_0001
Revises: (branch root; depends on 0003_library_fields)
Create Date: 2026-11-23 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "library_0001"
down_revision = None
branch_labels = ("library",)
depends_on = "0003_library_fields"


def upgrade():
    op.create_table(
        "library_approval_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["material_id"], ["material.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["material_version.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("library_approval_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_approval_step_material_id"),
                              ["material_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_library_approval_step_at"), ["at"], unique=False)


def downgrade():
    with op.batch_alter_table("library_approval_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_approval_step_at"))
        batch_op.drop_index(batch_op.f("ix_library_approval_step_material_id"))
    op.drop_table("library_approval_step")
