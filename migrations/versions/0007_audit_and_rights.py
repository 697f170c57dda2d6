"""Audit and data rights: the client's address on every audit event, restriction and erasure of a
person, each trust's retention period, and (on PostgreSQL) a trigger keeping audit events
append-only outside erasure and purge.

Revision ID: 0007_audit_and_rights
Revises: 0006_needs_read_model
Create Date: 2026-11-26 14:46:14.214040

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_audit_and_rights'
down_revision = '0006_needs_read_model'
branch_labels = None
depends_on = None

# Erasure and purge set planner.audit_rewrite for their own transaction (planner.models.records).
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('planner.audit_rewrite', true), '') <> 'on' THEN
        RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=45), nullable=True))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('restricted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('restriction_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('erasure_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('trusts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_months', sa.Integer(), server_default='72', nullable=False))
        batch_op.create_check_constraint('retention_months_range', 'retention_months BETWEEN 12 AND 240')

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(
            'CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events '
            'FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()'
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events')
        op.execute('DROP FUNCTION IF EXISTS audit_events_append_only()')

    with op.batch_alter_table('trusts', schema=None) as batch_op:
        batch_op.drop_constraint('retention_months_range', type_='check')
        batch_op.drop_column('retention_months')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('erasure_reason')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('restriction_reason')
        batch_op.drop_column('restricted_at')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('address')
