"""A second request racing the one under test (races on unique keys and state changes)."""

from __future__ import annotations

from planner.extensions import db as _db


def race(write):
    """A second request that writes (``write(connection)``) just before this one flushes, after
    this one's checks found the way free: its own connection and transaction. Returns the list
    that records it fired and the function that stops it."""
    from sqlalchemy import event

    fired = []

    def competitor(session, _context, _instances):
        if not fired:
            fired.append(True)
            with _db.engine.connect() as connection:
                write(connection)
                connection.commit()

    event.listen(_db.session, "before_flush", competitor)
    return fired, lambda: event.remove(_db.session, "before_flush", competitor)
