"""Helpers for tests that walk the URL map."""

from __future__ import annotations


def route_value(rule, argument: str, samples: dict):
    """A value the route takes for ``argument``: from ``samples`` (ids, tokens), or, where the
    route's any() converter does not take the sample, the first of its words (default 1)."""
    items = getattr(rule._converters.get(argument), "items", None)
    if items and samples.get(argument) not in items:
        return sorted(items)[0]
    return samples.get(argument, 1)


def uncovered(app, pages: dict, posts: dict, values: dict, blueprints: tuple[str, ...]) -> set[str]:
    """The endpoints of ``blueprints`` that no url template of a role matrix reaches."""
    adapter = app.url_map.bind("localhost")
    covered = set()
    for template in [*pages, *posts]:
        path = template.format(**values).split("?")[0]
        method = "POST" if template in posts and template not in pages else "GET"
        covered.add(adapter.match(path, method=method)[0])
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in blueprints and rule.redirect_to is None
    }
    return routes - covered
