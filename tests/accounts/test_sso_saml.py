"""SAML (the optional `quaestio[saml]` extra): configured from the environment, its button
starts the round trip to the identity provider with a signed-in request, and its metadata is
served. The IdP's answer (a signed assertion) is not exercised here: no SAML IdP runs in the
tests."""

from __future__ import annotations

import base64
import datetime
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest

from quaestio.accounts import sso_config

pytestmark = pytest.mark.skipif(
    not sso_config.saml_available(), reason="SAML needs pip install 'quaestio[saml]'"
)


def _certificate() -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.acme.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)


# python3-saml wants a host name with a domain (the test client's "testserver" has none).
HOST = "quaestio.example"


@pytest.fixture
def saml(settings, db):
    settings.ALLOWED_HOSTS = [HOST, "testserver"]
    import json

    idp = {
        "id": "acme",
        "name": "Acme staff",
        "entity_id": "https://idp.acme.example",
        "sso_url": "https://idp.acme.example/sso",
        "x509cert": _certificate(),
    }
    environ = {"QUAESTIO_SAML_PROVIDERS": json.dumps([idp])}
    settings.SOCIALACCOUNT_PROVIDERS = sso_config.providers_from_env(environ)


def test_the_button_sends_a_saml_request_to_the_idp(client, saml):
    page = client.get("/users/login")
    html = page.content.decode()
    assert "Log in with Acme staff" in html and 'action="/accounts/saml/acme/login/"' in html
    assert "https://idp.acme.example" in page["Content-Security-Policy"]
    response = client.post("/accounts/saml/acme/login/", {"process": "login"}, HTTP_HOST=HOST)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://idp.acme.example/sso"
    request_xml = zlib.decompress(
        base64.b64decode(parse_qs(target.query)["SAMLRequest"][0]), -15
    ).decode()
    assert "AuthnRequest" in request_xml
    assert "http://quaestio.example/accounts/saml/acme/acs/" in request_xml


def test_the_service_provider_metadata_is_served(client, saml):
    response = client.get("/accounts/saml/acme/metadata/", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert b"EntityDescriptor" in response.content
