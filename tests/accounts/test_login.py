"""Login, lockout, logout and changing one's own password, as a user meets them."""

from __future__ import annotations

import html as htmllib
import re
import threading
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from planner.accounts import services
from planner.accounts.models import LoginThrottle, User
from planner.core.models import utcnow
from tests.factories import PASSWORD, UserFactory

WRONG = "E-Mail-Adresse oder Passwort ist falsch."
THROTTLED = "Zu viele fehlgeschlagene Anmeldeversuche für dieses Konto."
DEACTIVATED = "Dieses Konto ist deaktiviert. Bitte wenden Sie sich an die Administration."
NEW_PASSWORD = "ein-neues-passwort-7"


def field_error(response, field_id: str) -> str | None:
    """The error text shown below the form field ``field_id`` (None when there is none)."""
    html = response.get_data(as_text=True)
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return htmllib.unescape(match.group(1)).strip() if match else None


def post_login(client, email: str, password: str, addr: str = "127.0.0.1", next: str | None = None):
    return client.post(
        "/anmelden",
        query_string={"next": next} if next is not None else None,
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": addr},
    )


def logged_in(client, addr: str = "127.0.0.1") -> bool:
    """True when the dashboard opens; anonymous users are sent to the login page instead."""
    response = client.get("/", environ_base={"REMOTE_ADDR": addr})
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/anmelden"
        return False
    assert response.status_code == 200
    return True


# --- logging in -----------------------------------------------------------------------------


def test_correct_login_leads_to_the_dashboard(client, db):
    user = UserFactory(email="anna@kreis.example", name="Anna Amsel")
    response = post_login(client, "anna@kreis.example", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "Willkommen, Anna Amsel." in html
    assert "Guten Tag, Anna Amsel" in html
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert abs(user.last_login_at - utcnow()) < timedelta(minutes=1)


def test_login_page_shows_a_labelled_form(client, db):
    html = client.get("/anmelden").get_data(as_text=True)
    assert '<label for="email">E-Mail-Adresse</label>' in html
    assert '<label for="password">Passwort</label>' in html


def test_wrong_password_is_shown_at_the_password_field(client, db):
    UserFactory(email="anna@kreis.example")
    response = post_login(client, "anna@kreis.example", "falsch-geraten")
    assert response.status_code == 422
    assert field_error(response, "password") == WRONG
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert not logged_in(client)
    keys = set(db.session.scalars(select(LoginThrottle.key)))
    assert keys == {"a+ip:anna@kreis.example|127.0.0.1", "a:anna@kreis.example", "ip:127.0.0.1"}


def test_unknown_address_gets_the_same_answer_as_a_wrong_password(client, db):
    response = post_login(client, "niemand@kreis.example", PASSWORD)
    assert response.status_code == 422
    assert field_error(response, "password") == WRONG
    assert not logged_in(client)


@pytest.mark.parametrize(
    "typed", ["ANNA@KREIS.EXAMPLE", "Anna@Kreis.Example", "  anna@kreis.example  "]
)
def test_email_address_is_case_insensitive(client, db, typed):
    UserFactory(email="anna@kreis.example")
    response = post_login(client, typed, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_password_is_case_sensitive(client, db):
    UserFactory(email="anna@kreis.example")
    response = post_login(client, "anna@kreis.example", PASSWORD.upper())
    assert field_error(response, "password") == WRONG
    assert not logged_in(client)


def test_logged_in_user_opening_the_login_page_goes_to_the_dashboard(client, login_as):
    login_as("viewer")
    response = client.get("/anmelden")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# --- deactivated accounts -------------------------------------------------------------------


def test_deactivated_user_cannot_log_in(client, db):
    UserFactory(email="alt@kreis.example", active=False)
    response = post_login(client, "alt@kreis.example", PASSWORD)
    assert response.status_code == 422
    assert field_error(response, "password") == DEACTIVATED
    assert not logged_in(client)


def test_deactivated_user_with_wrong_password_learns_nothing_about_the_account(client, db):
    UserFactory(email="alt@kreis.example", active=False)
    response = post_login(client, "alt@kreis.example", "falsch-geraten")
    assert field_error(response, "password") == WRONG


def test_user_deactivated_by_an_admin_is_logged_out_on_the_next_request(app, client, db):
    user = UserFactory(email="bald-weg@kreis.example", role="planner")
    assert post_login(client, user.email, PASSWORD).status_code == 302
    assert logged_in(client)

    admin_client = app.test_client()
    admin = UserFactory(role="admin")
    assert post_login(admin_client, admin.email, PASSWORD).status_code == 302
    response = admin_client.post(
        f"/admin/benutzer/{user.id}",
        data={
            "name": user.name,
            "email": user.email,
            "role": "planner",
            "organisation": user.organisation.name if user.organisation else "",
        },  # "active" unchecked
    )
    assert response.status_code == 302

    response = client.get("/konto/passwort")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/anmelden"
    assert not logged_in(client)


# --- growing delays instead of a lock ---------------------------------------------------------


def test_after_five_failures_the_account_waits_and_the_message_is_at_the_email_field(client, db):
    UserFactory(email="ziel@kreis.example")
    for _ in range(5):
        response = post_login(client, "ziel@kreis.example", "geraten")
        assert field_error(response, "password") == WRONG
    response = post_login(client, "ziel@kreis.example", PASSWORD)
    assert response.status_code == 422
    assert field_error(response, "email").startswith(THROTTLED)
    assert "1 Sekunde" in field_error(response, "email")
    assert not logged_in(client)


def test_the_delay_grows_and_ends(client, db):
    UserFactory(email="ziel@kreis.example")
    now = utcnow()
    for _ in range(5):
        with pytest.raises(services.AccountError):
            services.authenticate("ziel@kreis.example", "geraten", "10.0.0.1", now=now)
    with pytest.raises(services.LoginThrottled):
        services.authenticate("ziel@kreis.example", PASSWORD, "10.0.0.1", now=now)
    # after the delay one more try; a wrong one doubles the delay
    later = now + timedelta(seconds=1)
    with pytest.raises(services.AccountError) as wrong:
        services.authenticate("ziel@kreis.example", "geraten", "10.0.0.1", now=later)
    assert not isinstance(wrong.value, services.LoginThrottled)
    with pytest.raises(services.LoginThrottled, match="2 Sekunden"):
        services.authenticate("ziel@kreis.example", PASSWORD, "10.0.0.1", now=later)
    user = services.authenticate(
        "ziel@kreis.example", PASSWORD, "10.0.0.1", now=later + timedelta(seconds=2)
    )
    assert user.email == "ziel@kreis.example"


def test_four_failures_do_not_delay_and_a_success_forgets_them(client, db):
    UserFactory(email="ziel@kreis.example")
    for _ in range(4):
        post_login(client, "ziel@kreis.example", "geraten")
    assert post_login(client, "ziel@kreis.example", PASSWORD).status_code == 302
    assert logged_in(client)
    keys = db.session.scalars(select(LoginThrottle.key)).all()
    assert not [k for k in keys if "ziel@kreis.example" in k]


def test_guesses_from_elsewhere_do_not_lock_the_owner_out(client, db):
    """An attacker who knows the address cannot keep its owner out: the owner's own address
    has its own count, and the count over all addresses only slows down (at most a minute)."""
    UserFactory(email="ziel@kreis.example")
    for _ in range(12):
        post_login(client, "ziel@kreis.example", "geraten", addr="10.6.6.6")
    assert post_login(client, "ziel@kreis.example", PASSWORD, addr="10.1.2.3").status_code == 302


def test_spread_guesses_are_slowed_for_the_account_but_never_longer_than_a_minute(client, db):
    UserFactory(email="ziel@kreis.example")
    now = utcnow()
    for i in range(40):
        try:
            services.authenticate("ziel@kreis.example", "geraten", f"10.0.{i}.1", now=now)
        except services.AccountError:
            pass
    with pytest.raises(services.LoginThrottled):
        services.authenticate("ziel@kreis.example", PASSWORD, "10.9.9.9", now=now)
    user = services.authenticate(
        "ziel@kreis.example", PASSWORD, "10.9.9.9", now=now + timedelta(seconds=61)
    )
    assert user is not None


def test_password_spraying_from_one_address_is_slowed(client, db):
    UserFactory(email="echt@kreis.example")
    for i in range(30):
        post_login(client, f"probe{i}@kreis.example", "geraten", addr="10.1.1.1")
    response = post_login(client, "echt@kreis.example", PASSWORD, addr="10.1.1.1")
    assert field_error(response, "email").startswith(THROTTLED)
    # the same account from another address is not affected
    assert post_login(client, "echt@kreis.example", PASSWORD, addr="10.2.2.2").status_code == 302


def test_refused_tries_while_waiting_are_not_counted(client, db):
    UserFactory(email="ziel@kreis.example")
    for _ in range(8):
        post_login(client, "ziel@kreis.example", "geraten")
    tries = db.session.scalar(
        select(LoginThrottle.tries).where(LoginThrottle.key == "a:ziel@kreis.example")
    )
    assert tries == 5


def test_sixty_parallel_guesses_get_exactly_the_free_tries(app, db):
    """The count is taken in one atomic statement per try: no race gives more tries."""
    UserFactory(email="ziel@kreis.example")
    barrier = threading.Barrier(20)
    outcomes, errors = [], []
    # one moment for every try: on a busy machine the 60 tries outlast the first delay (1 s),
    # and a later try is rightly let through; the race, not the clock, is under test
    now = utcnow()

    def guess():
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(3):
                    try:
                        services.authenticate("ziel@kreis.example", "geraten", "10.7.7.7", now)
                    except services.LoginThrottled:
                        outcomes.append("wait")
                    except services.AccountError:
                        outcomes.append("tried")
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(outcomes) == 60
    assert outcomes.count("tried") == 5


# --- the next parameter ---------------------------------------------------------------------


def test_login_returns_to_the_page_that_was_asked_for(client, db):
    UserFactory(email="anna@kreis.example")
    response = client.get("/konto/passwort")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert urlsplit(login_url).path == "/anmelden"
    response = client.post(login_url, data={"email": "anna@kreis.example", "password": PASSWORD})
    assert response.headers["Location"] == "/konto/passwort"
    assert client.get(response.headers["Location"]).status_code == 200


def _stays_on_site(location: str) -> bool:
    """How a browser resolves the Location header: backslashes count as slashes and tabs and
    line breaks are dropped."""
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    return urlsplit(urljoin("http://planner.example/", cleaned)).netloc == "planner.example"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "http://evil.example/admin/benutzer",
        "//evil.example/x",
        "///evil.example/x",
        "http:/evil.example",
        "https:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_parameter_never_leads_off_the_site(client, db, target):
    user = UserFactory()
    response = post_login(client, user.email, PASSWORD, next=target)
    if re.search(r"[\x00-\x1f]", target):
        assert response.status_code == 400  # control characters in the address: refused
        return
    assert response.status_code == 302
    location = response.headers["Location"]
    assert _stays_on_site(location), location
    if "://" in target or target.startswith("//") or target.startswith("javascript:"):
        assert location == "/"


# --- logout ---------------------------------------------------------------------------------


def test_logout_is_post_only(client, login_as):
    login_as("viewer")
    assert client.get("/abmelden").status_code == 405
    assert logged_in(client)


def test_logout_ends_the_session(client, login_as):
    login_as("viewer")
    response = client.post("/abmelden")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/anmelden"
    assert "Sie sind abgemeldet." in client.get("/anmelden").get_data(as_text=True)
    assert not logged_in(client)


# --- own password ---------------------------------------------------------------------------


def _change(client, current: str, new: str, confirm: str | None = None):
    return client.post(
        "/konto/passwort",
        data={"current": current, "new": new, "confirm": new if confirm is None else confirm},
    )


def _password_works(app, email: str, password: str) -> bool:
    fresh = app.test_client()
    return post_login(fresh, email, password).status_code == 302


def test_change_password_with_wrong_current_password(app, client, db, login_as):
    user = login_as("participant")
    response = _change(client, "nicht-mein-passwort", NEW_PASSWORD)
    assert response.status_code == 422
    assert field_error(response, "current") == "Das bisherige Passwort ist nicht korrekt."
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    assert not user.check_password(NEW_PASSWORD)


def test_change_password_too_short(client, db, login_as):
    user = login_as("participant")
    response = _change(client, PASSWORD, "kurz")
    assert response.status_code == 422
    assert field_error(response, "new") == "Das Passwort muss 10 bis 128 Zeichen lang sein."
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_change_password_needs_the_same_new_password_twice(client, db, login_as):
    user = login_as("participant")
    response = _change(client, PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert response.status_code == 422
    assert field_error(response, "confirm") == "Die beiden Eingaben stimmen nicht überein."
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_change_password_succeeds_and_only_the_new_one_works(app, client, db, login_as):
    user = login_as("supplier")
    response = _change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Ihr Passwort wurde geändert." in client.get("/").get_data(as_text=True)
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert NEW_PASSWORD not in stored
    client.post("/abmelden")
    assert not _password_works(app, user.email, PASSWORD)
    assert _password_works(app, user.email, NEW_PASSWORD)
