"""Cookie sessions for the pages, none for the machine interfaces.

Requests under a stateless prefix (the REST API, OParl) neither read nor write the session
cookie: a browser's login never authenticates them (so a foreign page cannot use it as a
cross-site request), they authenticate by their own means (an API token) or are public.
"""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

STATELESS_PREFIXES: list[str] = []


def is_stateless(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in STATELESS_PREFIXES)


class PageSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if is_stateless(request.path):
            return self.null_session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if session is not None and self.is_null_session(session):
            return None
        return super().save_session(app, session, response)
