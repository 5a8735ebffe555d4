from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.api import tokens
from planner.extensions import db as _db
from tests.factories import OrganisationFactory, UserFactory


class Api:
    """Requests with an API access key (no session cookie is ever sent)."""

    def __init__(self, app, token: str | None):
        self.app = app
        self.token = token

    def headers(self, extra=None) -> dict:
        out = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        out.update(extra or {})
        return out

    def _client(self):
        return self.app.test_client(use_cookies=False)

    def get(self, path, **kwargs):
        return self._client().get(path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path, json=None, **kwargs):
        return self._client().post(path, json=json, csrf=False, headers=self.headers(kwargs.pop("headers", None)), **kwargs)  # fmt: skip

    def patch(self, path, json=None, **kwargs):
        return self._client().patch(path, json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs)  # fmt: skip


@pytest.fixture
def api_as(app, db):
    """api_as("planner") -> (Api with a fresh key of a new account of that role, the user)."""

    def make(role: str, **attrs):
        user = UserFactory(role=role, **attrs)
        _db.session.flush()
        _token, plain = tokens.create_token(user, f"Test {role}", date.today() + timedelta(days=30))
        _db.session.commit()
        return Api(app, plain), user

    return make


@pytest.fixture
def kreis(db):
    return OrganisationFactory(name="Rhein-Sieg-Kreis (Test)")
