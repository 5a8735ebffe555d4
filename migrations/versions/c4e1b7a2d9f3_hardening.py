"""hardening (issue 6): failed reminders, outbox indexes, session version, forced password
change, login throttle, soft-deleted deadlines

Revision ID: c4e1b7a2d9f3
Revises: a9f7f1d65bd2
Create Date: 2026-11-26 13:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e1b7a2d9f3'
down_revision = 'a9f7f1d65bd2'
branch_labels = None
depends_on = None

OLD_STATES = ('pending', 'sent', 'cancelled')
NEW_STATES = ('pending', 'sent', 'cancelled', 'failed')


def _state(values):
    return sa.Enum(*values, name='reminder_state', native_enum=False, create_constraint=True, length=40)


def upgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminders_reminder_state'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_reminders_reminder_state'), sa.column('state').in_(NEW_STATES)
        )
        batch_op.create_index('ix_reminders_sent_at', ['sent_at'], unique=False)
        batch_op.create_index('ix_reminders_failed', ['next_attempt_at'], unique=False, sqlite_where=sa.text("state = 'failed'"), postgresql_where=sa.text("state = 'failed'"))


def downgrade():
    op.execute("UPDATE reminders SET state = 'cancelled' WHERE state = 'failed'")
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_failed', sqlite_where=sa.text("state = 'failed'"), postgresql_where=sa.text("state = 'failed'"))
        batch_op.drop_index('ix_reminders_sent_at')
        batch_op.drop_constraint(op.f('ck_reminders_reminder_state'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_reminders_reminder_state'), sa.column('state').in_(OLD_STATES)
        )
