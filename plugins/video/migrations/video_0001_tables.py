"""video tables

Revision ID: video_0001
Revises: (branch root; depends on 0003_library_fields)
"""
import sqlalchemy as sa
from alembic import op

revision = "video_0001"
down_revision = None
branch_labels = ("video",)
depends_on = "0003_library_fields"


def upgrade():
    op.create_table(
        "video_lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("original_digest", sa.String(length=64), nullable=True),
        sa.Column("original_filename", sa.String(length=300), nullable=False),
        sa.Column("playable_digest", sa.String(length=64), nullable=True),
        sa.Column("playable_mime", sa.String(length=50), nullable=False),
        sa.Column("external_url", sa.String(length=1000), nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("media_info", sa.JSON(), nullable=False),
        sa.Column("captions", sa.JSON(), nullable=False),
        sa.Column("poster_digest", sa.String(length=64), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("chapters", sa.JSON(), nullable=False),
        sa.Column("assets", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["material_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id"),
    )
    with op.batch_alter_table("video_lesson") as batch_op:
        batch_op.create_index(batch_op.f("ix_video_lesson_original_digest"), ["original_digest"])
        batch_op.create_index(batch_op.f("ix_video_lesson_playable_digest"), ["playable_digest"])
    op.create_table(
        "video_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("input_digest", sa.String(length=64), nullable=False),
        sa.Column("output_digest", sa.String(length=64), nullable=True),
        sa.Column("worker", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["lesson_id"], ["video_lesson.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("video_job") as batch_op:
        batch_op.create_index(batch_op.f("ix_video_job_lesson_id"), ["lesson_id"])
        batch_op.create_index(batch_op.f("ix_video_job_state"), ["state"])
    op.create_table(
        "video_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=40), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("teacher_feedback", sa.Text(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(), nullable=True),
        sa.Column("position", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["learning_attempt.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["marked_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attempt_id", "seq"),
    )
    with op.batch_alter_table("video_answer") as batch_op:
        batch_op.create_index(batch_op.f("ix_video_answer_attempt_id"), ["attempt_id"])


def downgrade():
    with op.batch_alter_table("video_answer") as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_answer_attempt_id"))
    op.drop_table("video_answer")
    with op.batch_alter_table("video_job") as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_job_state"))
        batch_op.drop_index(batch_op.f("ix_video_job_lesson_id"))
    op.drop_table("video_job")
    with op.batch_alter_table("video_lesson") as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_lesson_playable_digest"))
        batch_op.drop_index(batch_op.f("ix_video_lesson_original_digest"))
    op.drop_table("video_lesson")
