"""Print jobs: printing a team's or trust's plans in the background, with their progress.

Revision ID: 0003_print_jobs
Revises: 0002_people
Create Date: 2026-11-26

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003_print_jobs"
down_revision = "0002_people"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("trust_id", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("output_name", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(team_id IS NULL AND trust_id IS NOT NULL) OR (team_id IS NOT NULL AND trust_id IS NULL)",
            name=op.f("ck_print_jobs_one_scope"),
        ),
        sa.CheckConstraint("format IN ('pdf', 'zip')", name=op.f("ck_print_jobs_format_kind")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_print_jobs_status_kind")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_print_jobs_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_print_jobs_team_id_teams")),
        sa.ForeignKeyConstraint(["trust_id"], ["trusts.id"], name=op.f("fk_print_jobs_trust_id_trusts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_jobs")),
    )
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_print_jobs_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_jobs_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_jobs_trust_id"), ["trust_id"], unique=False)


def downgrade():
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_print_jobs_trust_id"))
        batch_op.drop_index(batch_op.f("ix_print_jobs_team_id"))
        batch_op.drop_index(batch_op.f("ix_print_jobs_account_id"))

    op.drop_table("print_jobs")
