"""Page shell: health, login redirect, error pages, security headers, dashboard."""

from planner.core.permissions import PUBLIC, declared_permission
from tests.routes import route_value


def test_health_reports_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] == "ok"


SAMPLE_ARGS = {"action": "erledigt", "token": "x"}


def test_anonymous_user_is_sent_to_login_from_every_page(app, client):
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.redirect_to is not None:
            continue
        view = app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or declared_permission(view) == PUBLIC:
            continue
        url = adapter.build(
            rule.endpoint, {a: route_value(rule, a, SAMPLE_ARGS) for a in rule.arguments}
        )
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        if url.startswith("/api/v1/"):  # machines get 401 as problem details, no login page
            assert response.status_code == 401, url
            assert response.content_type == "application/problem+json", url
            continue
        assert response.status_code == 302, url
        assert "/anmelden" in response.headers["Location"], url


def test_every_view_declares_a_permission(app):
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and declared_permission(view) is None
    ]
    assert missing == []


def test_public_pages_are_only_login_health_and_accessibility(app):
    public = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if declared_permission(view) == PUBLIC and not endpoint.startswith("oparl.")
    )
    assert public == [
        "accounts.forgot_password",
        "accounts.login",
        "accounts.reset_with_token",
        "api.document",  # the OpenAPI document describes, it holds no data
        "core.accessibility",
        "core.health",
        "core.imprint",
        "core.privacy",
        "deadlines.feed",
        "meetings.reply",  # the signed link of an invitation mail is the credential
    ]
    # OParl is public by its nature: it serves what the council publishes (tests/oparl)


def test_unknown_page_shows_german_404(login_as, client):
    login_as("viewer")
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)


def test_forbidden_page_shows_german_403(login_as, client):
    login_as("viewer")
    response = client.get("/admin/benutzer")
    assert response.status_code == 403
    assert "Kein Zugriff" in response.get_data(as_text=True)


def test_dashboard_greets_user_with_role(login_as, client):
    user = login_as("participant")
    html = client.get("/").get_data(as_text=True)
    assert f"Guten Tag, {user.name}" in html
    assert "Fachplanung" in html
    assert 'lang="de"' in html
    assert 'href="#main"' in html  # skip link


def test_security_headers_and_cookie_flags(client):
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory()
    response = client.post("/anmelden", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_demo_banner_only_while_demo_accounts_exist(client, db, login_as):
    login_as("viewer")
    assert "Demo –" not in client.get("/").get_data(as_text=True)
    from tests.factories import UserFactory

    UserFactory(email="admin@demo.example")
    assert "Demo –" in client.get("/").get_data(as_text=True)
