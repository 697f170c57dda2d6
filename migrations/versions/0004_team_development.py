"""Team development: task sharing, secondments, mentoring, check-ins and training records.

A confirmed secondment's place is unique per opportunity, so the last place cannot be given twice.

Revision ID: 0004_team_development
Revises: 0003_print_jobs
Create Date: 2026-11-26 10:08:09.895033

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_team_development'
down_revision = '0003_print_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mentor_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_mentor_offers_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_offers')),
    sa.UniqueConstraint('person_id', 'competency_id', name='uq_mentor_offers_one_a_competency')
    )
    with op.batch_alter_table('mentor_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_offers_competency_id'), ['competency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_offers_person_id'), ['person_id'], unique=False)

    op.create_table('mentor_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seeker_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.String(length=64), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('requested', 'accepted', 'declined', 'withdrawn')", name=op.f('ck_mentor_requests_status_kind')),
    sa.CheckConstraint('seeker_id <> mentor_id', name=op.f('ck_mentor_requests_not_oneself')),
    sa.ForeignKeyConstraint(['mentor_id'], ['people.id'], name=op.f('fk_mentor_requests_mentor_id_people')),
    sa.ForeignKeyConstraint(['seeker_id'], ['people.id'], name=op.f('fk_mentor_requests_seeker_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_requests'))
    )
    with op.batch_alter_table('mentor_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_requests_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_requests_seeker_id'), ['seeker_id'], unique=False)

    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_checkins_person_id_people')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['accounts.id'], name=op.f('fk_checkins_recorded_by_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins'))
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkins_person_id'), ['person_id'], unique=False)

    op.create_table('secondment_opportunities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_team_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('fte', sa.Float(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('develops', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('posted_by_id', sa.Integer(), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_secondment_opportunities_status_kind')),
    sa.CheckConstraint('fte > 0 AND fte <= 1', name=op.f('ck_secondment_opportunities_fte_range')),
    sa.CheckConstraint('months BETWEEN 1 AND 36', name=op.f('ck_secondment_opportunities_months_range')),
    sa.CheckConstraint('places BETWEEN 1 AND 50', name=op.f('ck_secondment_opportunities_places_range')),
    sa.ForeignKeyConstraint(['host_team_id'], ['teams.id'], name=op.f('fk_secondment_opportunities_host_team_id_teams')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['accounts.id'], name=op.f('fk_secondment_opportunities_posted_by_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secondment_opportunities'))
    )
    with op.batch_alter_table('secondment_opportunities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secondment_opportunities_host_team_id'), ['host_team_id'], unique=False)

    op.create_table('training_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.String(length=64), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_training_records_person_id_people')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['accounts.id'], name=op.f('fk_training_records_recorded_by_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_records'))
    )
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_records_person_id'), ['person_id'], unique=False)

    op.create_table('secondment_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['opportunity_id'], ['secondment_opportunities.id'], name=op.f('fk_secondment_interests_opportunity_id_secondment_opportunities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_secondment_interests_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secondment_interests')),
    sa.UniqueConstraint('opportunity_id', 'person_id', name='uq_secondment_interests_once_a_person')
    )
    with op.batch_alter_table('secondment_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secondment_interests_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_secondment_interests_person_id'), ['person_id'], unique=False)

    op.create_table('secondments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.Integer(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('place >= 1', name=op.f('ck_secondments_place_positive')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['accounts.id'], name=op.f('fk_secondments_confirmed_by_id_accounts')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['secondment_opportunities.id'], name=op.f('fk_secondments_opportunity_id_secondment_opportunities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_secondments_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secondments')),
    sa.UniqueConstraint('opportunity_id', 'person_id', name='uq_secondments_one_place_a_person'),
    sa.UniqueConstraint('opportunity_id', 'place', name='uq_secondments_one_person_a_place')
    )
    with op.batch_alter_table('secondments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secondments_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_secondments_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        # Existing people have not opted in to task sharing.
        batch_op.add_column(sa.Column('shares_tasks', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('shares_tasks')

    with op.batch_alter_table('secondments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secondments_person_id'))
        batch_op.drop_index(batch_op.f('ix_secondments_opportunity_id'))

    op.drop_table('secondments')
    with op.batch_alter_table('secondment_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secondment_interests_person_id'))
        batch_op.drop_index(batch_op.f('ix_secondment_interests_opportunity_id'))

    op.drop_table('secondment_interests')
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_records_person_id'))

    op.drop_table('training_records')
    with op.batch_alter_table('secondment_opportunities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secondment_opportunities_host_team_id'))

    op.drop_table('secondment_opportunities')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkins_person_id'))

    op.drop_table('checkins')
    with op.batch_alter_table('mentor_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_requests_seeker_id'))
        batch_op.drop_index(batch_op.f('ix_mentor_requests_mentor_id'))

    op.drop_table('mentor_requests')
    with op.batch_alter_table('mentor_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_offers_person_id'))
        batch_op.drop_index(batch_op.f('ix_mentor_offers_competency_id'))

    op.drop_table('mentor_offers')
