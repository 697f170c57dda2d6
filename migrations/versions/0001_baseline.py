"""Baseline: the empty schema every later migration builds on.

Upgrading an empty database to this revision records it in ``alembic_version``, so a database
prepared by ``planner db upgrade`` is always under migration control from its first day.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-26

"""

# revision identifiers, used by Alembic.
revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    """Nothing to create yet: the tables arrive with the features that keep data."""


def downgrade():
    """Nothing to drop."""
