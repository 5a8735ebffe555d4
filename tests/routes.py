"""Helpers for tests that walk the URL map."""

from __future__ import annotations


def route_value(rule, argument: str, samples: dict):
    """A value the route takes for ``argument``: from ``samples`` (ids, tokens), or, where the
    route's any() converter does not take the sample, the first of its words (default 1)."""
    items = getattr(rule._converters.get(argument), "items", None)
    if items and samples.get(argument) not in items:
        return sorted(items)[0]
    return samples.get(argument, 1)
