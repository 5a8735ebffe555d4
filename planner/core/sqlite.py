"""SQLite: enforce foreign keys and wait for locks instead of failing at once."""

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # in WAL mode NORMAL never corrupts; a power cut may lose the last commits, not a crash
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
