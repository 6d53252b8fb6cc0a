"""LDAP log-in (the optional `quaestio[ldap]` extra) against a real OpenLDAP server started by
the test. Skipped, saying why, where python-ldap or slapd is missing."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from quaestio.accounts import sso_config
from quaestio.accounts.models import User

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SUFFIX = "dc=example,dc=org"
ADMIN, ADMIN_PASSWORD = f"cn=admin,{SUFFIX}", "admin-secret"

pytestmark = pytest.mark.skipif(
    not sso_config.ldap_available() or not shutil.which(SLAPD),
    reason="LDAP needs pip install 'quaestio[ldap]' and OpenLDAP's slapd (apt: slapd)",
)

CONFIG = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {dir}/slapd.pid
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{admin}"
rootpw {password}
directory {dir}/db
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    import ldap
    import ldap.modlist

    folder = tmp_path_factory.mktemp("slapd")
    (folder / "db").mkdir()
    conf = folder / "slapd.conf"
    conf.write_text(CONFIG.format(dir=folder, suffix=SUFFIX, admin=ADMIN, password=ADMIN_PASSWORD))
    uri = f"ldap://127.0.0.1:{_free_port()}"
    server = subprocess.Popen(
        [SLAPD, "-f", str(conf), "-h", uri + "/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    connection = ldap.initialize(uri)
    for _ in range(100):
        try:
            connection.simple_bind_s(ADMIN, ADMIN_PASSWORD)
            break
        except ldap.SERVER_DOWN:
            if server.poll() is not None:
                pytest.skip(f"slapd did not start: {server.stderr.read().decode()[-300:]}")
            time.sleep(0.1)
    entries = {
        SUFFIX: {
            "objectClass": [b"dcObject", b"organization"],
            "o": [b"Example"],
            "dc": [b"example"],
        },
        f"ou=people,{SUFFIX}": {"objectClass": [b"organizationalUnit"], "ou": [b"people"]},
        f"uid=grace,ou=people,{SUFFIX}": {
            "objectClass": [b"inetOrgPerson"],
            "uid": [b"grace"],
            "sn": [b"Hopper"],
            "cn": [b"Grace Hopper"],
            "mail": [b"Grace@Example.org"],
            "userPassword": [b"cobol-1959"],
        },
    }
    for dn, attrs in entries.items():
        connection.add_s(dn, ldap.modlist.addModlist(attrs))
    connection.unbind_s()
    yield uri
    server.terminate()
    server.wait(10)


@pytest.fixture
def ldap_on(settings, directory, db):
    environ = {
        "QUAESTIO_LDAP_SERVER_URI": directory,
        "QUAESTIO_LDAP_USER_BASE": f"ou=people,{SUFFIX}",
        "QUAESTIO_LDAP_BIND_DN": ADMIN,
        "QUAESTIO_LDAP_BIND_PASSWORD": ADMIN_PASSWORD,
    }
    for name, value in sso_config.ldap_settings(environ).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        "quaestio.accounts.sso_ldap.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]


def test_a_directory_user_logs_in_on_our_page(client, ldap_on):
    response = client.post("/users/login", {"email": "grace@example.org", "password": "cobol-1959"})
    assert response.status_code == 302
    user = User.objects.get(email="grace@example.org")
    assert user.display_name == "Grace Hopper"
    assert int(client.session["_auth_user_id"]) == user.id
    assert not user.has_usable_password()  # the directory keeps the password


def test_a_wrong_directory_password_fails_and_counts(client, ldap_on):
    from quaestio.accounts import limits

    response = client.post("/users/login", {"email": "grace@example.org", "password": "wrong"})
    assert response.status_code == 400
    assert not User.objects.filter(email="grace@example.org").exists()
    assert limits.shared_counters().count("login-address", "127.0.0.1") == 1


def test_a_deactivated_directory_account_stays_out(client, ldap_on):
    User.objects.create_user("grace@example.org", "Grace", "local-password", is_active=False)
    response = client.post("/users/login", {"email": "grace@example.org", "password": "cobol-1959"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_local_passwords_still_work_beside_the_directory(client, ldap_on, make_user):
    user = make_user()
    response = client.post(
        "/users/login", {"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
