"""Growing delays instead of a hard lock, race-free across processes.

Every try first takes a slot with one atomic upsert on its key: the row's ``tries`` goes up
and ``next_allowed_at`` moves by the delay that number of tries earns; when the key is still
waiting, the upsert changes nothing and the try is refused before any password is checked.
Because taking the slot and counting it are one statement, 60 parallel guesses get exactly
the free tries and not one more. A success clears the account's keys.

Three keys per login (see ``login_rules``):
- the account from one client address: a few free tries, then 1 s, 2 s, 4 s ... up to 15 min;
- the account from anywhere: many free tries, then growing delays capped at one minute, so
  guesses spread over many addresses are slowed without locking the owner out;
- the client address for every account: against password spraying; behind a reverse proxy
  the address is only right with PLANNER_PROXY_HOPS set (see README).

Flask-Limiter was considered: its fixed and moving windows refuse hard until a window ends
(the lock the issue asks to avoid) and share counters across processes only through Redis;
these rows live in the application's database and need nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, literal, or_, select, update

from planner.accounts.models import LoginThrottle
from planner.core.models import UTCDateTime
from planner.extensions import db

OPEN = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Rule:
    prefix: str
    free: int  # tries without any delay
    first: timedelta  # delay after the first try beyond the free ones, doubling after that
    cap: timedelta  # the longest delay
    quiet: timedelta  # after this long without a try the count starts again

    def delay(self, tries: int) -> timedelta:
        if tries < self.free:
            return timedelta(0)
        return min(self.cap, self.first * 2 ** (tries - self.free))

    def steps(self) -> list[tuple[int, timedelta]]:
        """(tries, delay) for every number of tries below the cap."""
        steps, tries = [], self.free
        while self.delay(tries) < self.cap:
            steps.append((tries, self.delay(tries)))
            tries += 1
        return steps


ACCOUNT_FROM_ADDRESS = Rule(
    "a+ip", 5, timedelta(seconds=1), timedelta(minutes=15), timedelta(hours=1)
)
ACCOUNT = Rule("a", 20, timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1))
ADDRESS = Rule("ip", 30, timedelta(seconds=1), timedelta(minutes=15), timedelta(minutes=15))
RESET_MAIL = Rule("reset", 3, timedelta(minutes=1), timedelta(hours=1), timedelta(hours=6))


def login_keys(email: str, address: str) -> list[tuple[Rule, str]]:
    return [
        (ACCOUNT_FROM_ADDRESS, f"{ACCOUNT_FROM_ADDRESS.prefix}:{email}|{address}"),
        (ACCOUNT, f"{ACCOUNT.prefix}:{email}"),
        (ADDRESS, f"{ADDRESS.prefix}:{address}"),
    ]


def _upsert(conn, rule: Rule, key: str, now: datetime) -> bool:
    t = LoginThrottle.__table__
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    at = lambda delta: literal(now + delta, UTCDateTime())  # noqa: E731
    fresh = t.c.updated_at < at(-rule.quiet)
    tries = case((fresh, 1), else_=t.c.tries + 1)
    # free tries leave the key open since long ago: requests whose clocks differ by a few
    # milliseconds must not see each other's "now" as a time still to wait for
    open_since = literal(OPEN, UTCDateTime())
    next_allowed = case(
        (tries < rule.free, open_since),
        *((tries == n, at(delay)) for n, delay in rule.steps()),
        else_=at(rule.cap),
    )
    stmt = (
        insert(t)
        .values(
            key=key[:400],
            tries=1,
            next_allowed_at=now + rule.delay(1) if rule.delay(1) else OPEN,
            updated_at=now,
        )
        .on_conflict_do_update(
            index_elements=[t.c.key],
            set_={"tries": tries, "next_allowed_at": next_allowed, "updated_at": at(timedelta(0))},
            where=or_(t.c.next_allowed_at <= at(timedelta(0)), fresh),
        )
        .returning(t.c.tries)
    )
    return conn.execute(stmt).first() is not None


def take(keys: list[tuple[Rule, str]], now: datetime) -> timedelta | None:
    """Take one try on every key, committed at once on a connection of its own. Returns None
    when the try may go ahead, else how long to wait (no key is counted then)."""
    with db.engine.connect() as conn:
        for rule, key in keys:
            if not _upsert(conn, rule, key, now):
                conn.rollback()  # the keys taken before this one are not counted either
                waits = conn.execute(
                    select(LoginThrottle.next_allowed_at).where(
                        LoginThrottle.key.in_([k[:400] for _r, k in keys])
                    )
                ).scalars()
                return max(max(waits, default=now) - now, timedelta(seconds=1))
        conn.commit()
    return None


def succeeded(keys: list[tuple[Rule, str]]) -> None:
    """A successful login clears the account's keys and gives the address its try back (an
    office behind one address logs in all morning)."""
    account_keys = [k[:400] for rule, k in keys if rule is not ADDRESS]
    address_keys = [k[:400] for rule, k in keys if rule is ADDRESS]
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(account_keys)))
    if address_keys:
        t = LoginThrottle.__table__
        db.session.execute(
            update(t).where(t.c.key.in_(address_keys), t.c.tries > 0).values(tries=t.c.tries - 1)
        )


def clear_account(email: str) -> None:
    """An administrator's reset lifts every delay on the account."""
    db.session.execute(
        delete(LoginThrottle).where(
            or_(
                LoginThrottle.key == f"{ACCOUNT.prefix}:{email}",
                LoginThrottle.key.startswith(
                    f"{ACCOUNT_FROM_ADDRESS.prefix}:{email}|", autoescape=True
                ),
            )
        )
    )


def forget_old(now: datetime) -> None:
    db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.updated_at < now - timedelta(days=1))
    )
