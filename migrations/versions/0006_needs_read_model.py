"""Stored needs: each person's training-needs analysis for their current role (a summary, the
gaps and the chosen modules), kept so that teams, trusts and regions can be added up in SQL.

Revision ID: 0006_needs_read_model
Revises: 0005_profiles_and_records
Create Date: 2026-11-26 12:06:47.850607

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_needs_read_model'
down_revision = '0005_profiles_and_records'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('needs_summaries',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('role_id', sa.String(length=64), nullable=False),
    sa.Column('readiness', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('gap_count', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('readiness >= 0 AND readiness <= 100', name=op.f('ck_needs_summaries_readiness_range')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_needs_summaries_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_needs_summaries'))
    )
    op.create_table('person_modules',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.String(length=64), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_modules_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'module_id', name=op.f('pk_person_modules'))
    )
    op.create_table('person_needs',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.String(length=64), nullable=False),
    sa.Column('domain_id', sa.String(length=64), nullable=False),
    sa.Column('current', sa.Integer(), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('gap', sa.Integer(), nullable=False),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.CheckConstraint('gap > 0', name=op.f('ck_person_needs_gap_positive')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_needs_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'competency_id', name=op.f('pk_person_needs'))
    )


def downgrade():
    op.drop_table('person_needs')
    op.drop_table('person_modules')
    op.drop_table('needs_summaries')
