"""The accessibility check itself: axe-core really runs and a violation fails with its id,
help text and the offending element (so a green page test is not a vacuous one)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible


def test_a_violation_is_reported_with_id_help_and_target(page):
    page.set_content(
        '<!doctype html><html lang="de"><head><title>Probe</title></head>'
        '<body><main><h1>Probe</h1><img id="ohne-alt" src="data:,"></main></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "image-alt" in message
    assert "Images must have alternative text" in message
    assert "#ohne-alt" in message
