"""Issue 15.6: the hardening headers and settings.

Every response carries a Content-Security-Policy with no inline script or style; no template
or HTML builder writes inline style or executable inline script; QUAESTIO_HTTPS turns on the
HTTPS redirect, HSTS and secure cookies; Server-Timing goes only to staff unless turned on.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quaestio.core import links

QUAESTIO = Path(__file__).resolve().parents[2] / "quaestio"


@pytest.mark.parametrize("path", ["/", "/questions", "/users/login", "/no-such-page", "/2.3/info"])
def test_every_response_has_a_strict_content_security_policy(client, db, path):
    """Pages, errors and the API all carry the policy; it allows no inline script or style."""
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"


def test_the_demo_question_page_has_no_inline_style_or_script(client, demo):
    """The question page (Python-built HTML) has no style attribute, no <style> element and no
    inline script other than the JSON-LD data block, which browsers do not run."""
    from quaestio.posts.models import Post

    question = Post.objects.filter(post_type=1).order_by("id").first()
    html = client.get(links.question_url(question.id, question.title)).content.decode()
    _assert_no_inline_style_or_script(html)


def _assert_no_inline_style_or_script(html: str) -> None:
    assert not re.search(r"<[a-z][^>]*\sstyle=", html, re.IGNORECASE)
    assert "<style" not in html.lower()
    for attributes in re.findall(r"<script\b([^>]*)>", html, re.IGNORECASE):
        assert "src=" in attributes or 'type="application/ld+json"' in attributes, attributes
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html, re.IGNORECASE)


def test_templates_and_builders_write_no_inline_style_or_script():
    """No template or Python HTML builder writes a style attribute, a <style> element or an
    inline executable <script>."""
    offenders = []
    for path in [*QUAESTIO.rglob("*.html"), *(QUAESTIO / "web").rglob("*.py")]:
        lines = path.read_text().splitlines()
        if path.suffix == ".py":  # code, not the comments and docstrings that name elements
            lines = [line for line in lines if not line.lstrip().startswith(("#", '"""'))]
        text = "\n".join(lines)
        if re.search(r"\sstyle=|<style", text) or re.search(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", text
        ):
            offenders.append(str(path.relative_to(QUAESTIO)))
    assert offenders == []


def test_table_alignment_in_posts_is_a_class_not_a_style():
    """Markdown and imported HTML table alignment become classes the stylesheet aligns."""
    from quaestio.core.markdown import render_post, sanitize_html

    html = render_post("| a | b |\n|:-:|--:|\n| 1 | 2 |")
    assert "style=" not in html and 'class="align-center"' in html
    imported = sanitize_html('<table><tr><td style="text-align: right;">1</td></tr></table>')
    assert imported == '<table><tbody><tr><td class="align-right">1</td></tr></tbody></table>'


def _settings_under(env: dict[str, str]) -> dict:
    code = (
        "import json; from quaestio import settings as s; print(json.dumps({name: getattr(s, "
        "name, None) for name in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER')}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("QUAESTIO_")}
    base["QUAESTIO_SECRET_KEY"] = "test"
    result = subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_https_deployments_redirect_set_hsts_and_secure_cookies():
    """QUAESTIO_HTTPS=1: http is redirected, HSTS for a year, cookies only over HTTPS; behind
    a trusted proxy its X-Forwarded-Proto tells the scheme. Without it, nothing changes."""
    plain = _settings_under({})
    assert plain["SECURE_SSL_REDIRECT"] is False and plain["SECURE_HSTS_SECONDS"] == 0
    assert plain["SESSION_COOKIE_SECURE"] is False and plain["SECURE_PROXY_SSL_HEADER"] is None
    https = _settings_under({"QUAESTIO_HTTPS": "1"})
    assert https["SECURE_SSL_REDIRECT"] is True
    assert https["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert https["SESSION_COOKIE_SECURE"] is True and https["CSRF_COOKIE_SECURE"] is True
    assert https["SECURE_PROXY_SSL_HEADER"] is None
    proxied = _settings_under(
        {"QUAESTIO_HTTPS": "1", "QUAESTIO_TRUSTED_PROXY_HEADER": "X-Forwarded-For"}
    )
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_https_setting_redirects_and_sends_hsts(client, db, settings):
    """With the HTTPS settings on, a plain request is redirected and a secure one gets HSTS."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/questions")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    secure = client.get("/questions", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_server_timing_only_for_staff_by_default(client, make_user, demo):
    """Visitors and ordinary users get no Server-Timing; moderators and staff do."""
    assert "Server-Timing" not in client.get("/questions")
    client.force_login(make_user())
    assert "Server-Timing" not in client.get("/questions")
    client.force_login(make_user(is_moderator=True))
    assert "db;dur=" in client.get("/questions")["Server-Timing"]


def test_server_timing_setting_turns_it_on_or_off_for_everyone(client, make_user, db, settings):
    """QUAESTIO_SERVER_TIMING=all shows it to visitors; off hides it from staff too."""
    settings.QUAESTIO_SERVER_TIMING = "all"
    assert "total;dur=" in client.get("/questions")["Server-Timing"]
    settings.QUAESTIO_SERVER_TIMING = "off"
    client.force_login(make_user(is_staff=True))
    assert "Server-Timing" not in client.get("/questions")
