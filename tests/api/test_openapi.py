"""Schemathesis drives every operation of the OpenAPI document with generated requests (valid
and invalid ones): no answer is a server error, and every answer fits the document (status,
content type, body schema)."""

from __future__ import annotations

import contextvars

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.reports import world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]  # fmt: skip


def test_the_api_keeps_its_openapi_document(app, api_as, kreis):
    world.build(org=kreis)
    planner, _user = api_as("planner")
    viewer, _v = api_as("viewer")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        strategy = operation.as_strategy()

        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=strategy, as_viewer=st.booleans())
        def run(case, as_viewer):
            key = (viewer if as_viewer else planner).token
            # a request of its own (context, app context, session), as the test client's
            contextvars.Context().run(
                case.call_and_validate,
                headers={"Authorization": f"Bearer {key}"},
                checks=CHECKS,
            )

        run()
