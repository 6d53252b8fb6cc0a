"""Issue 15.4: failed log-ins are throttled by account and address together, so an attacker
cannot lock the owner out; the client address comes from a trusted proxy header when one is
configured; the counters live where every server process sees them (the database)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from quaestio.accounts.models import ThrottleCounter
from quaestio.accounts.services import (
    LOGIN_FAILURES_BEFORE_KNOWN_ADDRESSES_ONLY,
    LOGIN_FAILURES_PER_ACCOUNT_ADDRESS,
    LOGIN_FAILURES_PER_ADDRESS,
)
from quaestio.core.client import client_address

PASSWORD = "correct horse battery"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def _login(email: str, password: str, address: str, client: Client | None = None):
    client = client or Client()
    response = client.post(
        "/users/login", {"email": email, "password": password}, REMOTE_ADDR=address
    )
    return response, client


def test_failures_from_one_address_do_not_lock_the_owner_out_of_another(make_user):
    """An attacker's many wrong guesses from address A leave the owner free to log in from B."""
    owner = make_user()
    for _ in range(LOGIN_FAILURES_PER_ACCOUNT_ADDRESS * 3):
        _login(owner.email, "guess", ATTACKER)
    response, client = _login(owner.email, PASSWORD, OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.id)


def test_brute_force_from_one_address_is_throttled_even_with_the_right_password(make_user):
    """After the failures allowed for an account from one address, that address is refused
    for that account (429), the right password included."""
    owner = make_user()
    for _ in range(LOGIN_FAILURES_PER_ACCOUNT_ADDRESS):
        assert _login(owner.email, "guess", ATTACKER)[0].status_code == 400
    response, client = _login(owner.email, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_spraying_from_one_address_is_throttled(make_user):
    """Failures over many accounts from one address refuse that address for every account."""
    victims = [make_user() for _ in range(LOGIN_FAILURES_PER_ADDRESS // 2 + 1)]
    for victim in victims:
        _login(victim.email, "guess", ATTACKER)
        _login(victim.email, "guess2", ATTACKER)
    fresh = make_user()
    assert _login(fresh.email, PASSWORD, ATTACKER)[0].status_code == 429
    assert _login(fresh.email, PASSWORD, OWNER)[0].status_code == 302


def test_guessing_from_many_addresses_leaves_the_owners_known_address_open(make_user):
    """When an account is guessed at from many addresses, an address the owner has logged in
    from before still works; a new address is asked to wait or reset the password."""
    owner = make_user()
    assert _login(owner.email, PASSWORD, OWNER)[0].status_code == 302
    for n in range(LOGIN_FAILURES_BEFORE_KNOWN_ADDRESSES_ONLY):
        _login(owner.email, "guess", f"192.0.2.{n + 1}")
    assert _login(owner.email, PASSWORD, OWNER)[0].status_code == 302
    assert _login(owner.email, PASSWORD, "192.0.2.200")[0].status_code == 429


def test_a_successful_login_clears_the_failures_of_its_address(make_user):
    """The owner's own typos do not add up across successful log-ins."""
    owner = make_user()
    for _ in range(LOGIN_FAILURES_PER_ACCOUNT_ADDRESS - 1):
        _login(owner.email, "typo", OWNER)
    assert _login(owner.email, PASSWORD, OWNER)[0].status_code == 302
    for _ in range(LOGIN_FAILURES_PER_ACCOUNT_ADDRESS - 1):
        _login(owner.email, "typo", OWNER)
    assert _login(owner.email, PASSWORD, OWNER)[0].status_code == 302


def test_counters_are_in_the_database_so_every_process_sees_them(make_user):
    """The failures are rows in the database: another process (here, an empty cache, as a
    second worker's local memory would be) still refuses the address."""
    owner = make_user()
    for _ in range(LOGIN_FAILURES_PER_ACCOUNT_ADDRESS):
        _login(owner.email, "guess", ATTACKER)
    assert ThrottleCounter.objects.filter(count=LOGIN_FAILURES_PER_ACCOUNT_ADDRESS).exists()
    assert not ThrottleCounter.objects.filter(key__contains="@").exists()  # hashed keys
    cache.clear()
    assert _login(owner.email, PASSWORD, ATTACKER)[0].status_code == 429


def test_expired_counters_start_again(make_user):
    """A window that has passed counts from zero (and its row is swept)."""
    from datetime import timedelta

    from django.utils import timezone

    owner = make_user()
    for _ in range(LOGIN_FAILURES_PER_ACCOUNT_ADDRESS):
        _login(owner.email, "guess", ATTACKER)
    ThrottleCounter.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert _login(owner.email, PASSWORD, ATTACKER)[0].status_code == 302


@pytest.mark.parametrize(
    ("header", "count", "forwarded", "expected"),
    [
        ("", 1, "1.2.3.4", "10.0.0.1"),  # no proxy configured: the header is the client's lie
        ("X-Forwarded-For", 1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        ("X-Forwarded-For", 2, "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),
        ("X-Forwarded-For", 1, "not-an-address", "10.0.0.1"),
        ("X-Forwarded-For", 1, "", "10.0.0.1"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(
    rf, settings, header, count, forwarded, expected
):
    """The client is the entry the trusted proxies appended, never one the client wrote."""
    settings.QUAESTIO_TRUSTED_PROXY_HEADER = header
    settings.QUAESTIO_TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_behind_a_proxy_visitors_are_told_apart(make_user, settings):
    """With the proxy header configured, an attacker behind the proxy does not throttle the
    owner behind the same proxy (both share REMOTE_ADDR)."""
    settings.QUAESTIO_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    owner = make_user()
    proxy = "10.0.0.1"
    for _ in range(LOGIN_FAILURES_PER_ADDRESS + 1):
        Client().post(
            "/users/login",
            {"email": owner.email, "password": "guess"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=ATTACKER,
        )
    response = Client().post(
        "/users/login",
        {"email": owner.email, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=OWNER,
    )
    assert response.status_code == 302


REDIS_URL = "redis://127.0.0.1:6379/14"
REDIS_PREFIX = "quaestio-test-throttle"


@pytest.fixture
def redis_cache(settings):
    """The cache on Redis, as with REDIS_URL set; only this test's keys are removed after."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
    yield
    for key in client.scan_iter(f"{REDIS_PREFIX}:*"):
        client.delete(key)


def test_with_redis_the_counters_live_in_redis(make_user, redis_cache):
    """With REDIS_URL set the failures are counted in Redis (shared by every process), with the
    same rules: the attacker's address is refused, the owner's is not."""
    owner = make_user()
    for _ in range(LOGIN_FAILURES_PER_ACCOUNT_ADDRESS):
        _login(owner.email, "guess", ATTACKER)
    assert not ThrottleCounter.objects.exists()
    assert _login(owner.email, PASSWORD, ATTACKER)[0].status_code == 429
    assert _login(owner.email, PASSWORD, OWNER)[0].status_code == 302
