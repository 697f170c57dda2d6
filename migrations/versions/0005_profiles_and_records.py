"""Profiles and records: professional qualifications, saved quiz results, ESR assignment numbers,
and the hours and evidence of training records.

Revision ID: 0005_profiles_and_records
Revises: 0004_team_development
Create Date: 2026-11-26 12:01:51.356045

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_profiles_and_records'
down_revision = '0004_team_development'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('ranking', sa.JSON(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_quiz_results_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_results'))
    )
    with op.batch_alter_table('quiz_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_results_person_id'), ['person_id'], unique=False)

    op.create_table('professional_qualifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('qualification_id', sa.String(length=64), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_professional_qualifications_person_id_people')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['accounts.id'], name=op.f('fk_professional_qualifications_recorded_by_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_professional_qualifications')),
    sa.UniqueConstraint('person_id', 'qualification_id', name='uq_professional_qualifications_once_a_person')
    )
    with op.batch_alter_table('professional_qualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_professional_qualifications_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignment_number', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_people_assignment_number'), ['assignment_number'])

    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hours', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('evidence', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('source', sa.String(length=10), server_default='recorded', nullable=False))
        batch_op.create_check_constraint(op.f('ck_training_records_hours_range'), 'hours IS NULL OR (hours > 0 AND hours <= 2000)')
        batch_op.create_check_constraint(op.f('ck_training_records_source_kind'), "source IN ('recorded', 'imported')")



def downgrade():
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_training_records_source_kind'), type_='check')
        batch_op.drop_constraint(op.f('ck_training_records_hours_range'), type_='check')
        batch_op.drop_column('source')
        batch_op.drop_column('evidence')
        batch_op.drop_column('hours')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_people_assignment_number'), type_='unique')
        batch_op.drop_column('assignment_number')

    with op.batch_alter_table('professional_qualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_professional_qualifications_person_id'))

    op.drop_table('professional_qualifications')
    with op.batch_alter_table('quiz_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_results_person_id'))

    op.drop_table('quiz_results')
