"""hardening (issue 6): failed reminders, outbox indexes, session version, forced password
change, login throttle, soft-deleted deadlines

Revision ID: c4e1b7a2d9f3
Revises: a9f7f1d65bd2
Create Date: 2026-11-26 13:30:00

"""
from alembic import op
import sqlalchemy as sa

import planner.core.models


revision = 'c4e1b7a2d9f3'
down_revision = 'a9f7f1d65bd2'
branch_labels = None
depends_on = None

OLD_STATES = ('pending', 'sent', 'cancelled')
NEW_STATES = ('pending', 'sent', 'cancelled', 'failed')


def _state(values):
    return sa.Enum(*values, name='reminder_state', native_enum=False, create_constraint=True, length=40)


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute('CREATE INDEX ix_deadlines_title_trgm ON deadlines USING gin (lower(title) gin_trgm_ops)')
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('next_allowed_at', planner.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', planner.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_remote_addr'))
        batch_op.drop_index(batch_op.f('ix_login_failures_email'))
        batch_op.drop_index(batch_op.f('ix_login_failures_at'))
    op.drop_table('login_failures')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_name_id', ['name', 'id'], unique=False)
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', planner.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_deadlines_deleted_by_id_users'), 'users', ['deleted_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_deadlines_deleted', ['deleted_at'], unique=False, sqlite_where=sa.text('deleted_at IS NOT NULL'), postgresql_where=sa.text('deleted_at IS NOT NULL'))

    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminders_reminder_state'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_reminders_reminder_state'), sa.column('state').in_(NEW_STATES)
        )
        batch_op.create_index('ix_reminders_sent_at', ['sent_at'], unique=False)
        batch_op.create_index('ix_reminders_failed', ['next_attempt_at'], unique=False, sqlite_where=sa.text("state = 'failed'"), postgresql_where=sa.text("state = 'failed'"))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX ix_deadlines_title_trgm')
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_deleted', sqlite_where=sa.text('deleted_at IS NOT NULL'), postgresql_where=sa.text('deleted_at IS NOT NULL'))
        batch_op.drop_constraint(batch_op.f('fk_deadlines_deleted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('deleted_by_id')
        batch_op.drop_column('deleted_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_name_id')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('session_version')
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('at', planner.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_remote_addr'), ['remote_addr'], unique=False)
    op.drop_index(op.f('ix_login_throttle_updated_at'), table_name='login_throttle')
    op.drop_table('login_throttle')
    op.execute("UPDATE reminders SET state = 'cancelled' WHERE state = 'failed'")
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_failed', sqlite_where=sa.text("state = 'failed'"), postgresql_where=sa.text("state = 'failed'"))
        batch_op.drop_index('ix_reminders_sent_at')
        batch_op.drop_constraint(op.f('ck_reminders_reminder_state'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_reminders_reminder_state'), sa.column('state').in_(OLD_STATES)
        )
