"""Issue 18 (points 10, 7, 9) in a real Chromium against the demo server: answers paged and an
answer link landing on its page; an image uploaded from the editor; dark mode's switch; and the
main pages checked by axe-core (served from the test's own copy, never a CDN) in light and dark.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.signing_in import PASSWORD, log_in

pytestmark = pytest.mark.e2e

QUESTION = "/questions/38738/why-did-stalin-have-trotsky-killed"
PAGED_QUESTION_ID = 777000
MAIN_PAGES = [
    "/",
    QUESTION,
    "/tags",
    "/users",
    "/users/1/semaphore",
    "/search?q=trotsky",
    "/users/login",
]
SETUP = f"""
from datetime import timedelta
from django.utils import timezone
from quaestio.accounts.models import User
from quaestio.posts.models import Post, PostType
for email, name, rep in [("writer@example.org", "Writer", 50), ("reader@example.org", "Reader", 1)]:
    User.objects.create_user(email, name, "{PASSWORD}", reputation=rep)
start = timezone.now() - timedelta(days=9)
Post.objects.create(id={PAGED_QUESTION_ID}, post_type=PostType.QUESTION, title="A question with many answers to page",
    body="<p>Which answer is where?</p>", tags="<history>", owner_id=1, creation_date=start, last_activity_date=start)
Post.objects.bulk_create([Post(id={PAGED_QUESTION_ID} + n, post_type=PostType.ANSWER, parent_id={PAGED_QUESTION_ID},
    owner_id=1, score=100 - n, body=f"<p>Answer number {{n}}</p>", creation_date=start,
    last_activity_date=start) for n in range(1, 36)])
"""


def _shell(data_dir: Path, code: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["QUAESTIO_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "quaestio.cli", "manage", "shell", "-c", code]
    subprocess.run(command, env=env, check=True, timeout=120)


@pytest.fixture(scope="module")
def site(demo_site):
    base, data_dir = demo_site
    _shell(data_dir, SETUP)
    return base


def _axe_source() -> str:
    """axe-core as the axe-playwright-python package ships it (a test dependency)."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def _serious(tab) -> list[str]:
    tab.add_script_tag(content=_axe_source())
    result = tab.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))"
    )
    return result


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_have_no_serious_accessibility_violations(browser, site, scheme):
    """Home, question, tags, users, a profile, search, log-in, and (signed in) ask: axe-core
    finds no serious or critical violation, with the system in light and in dark mode."""
    # The page's Content-Security-Policy allows only the site's scripts: axe is injected by the
    # test, so the check's context bypasses the policy (the site's own pages are unchanged).
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    tab = context.new_page()
    found = {}
    for path in MAIN_PAGES:
        tab.goto(site + path)
        assert tab.evaluate("getComputedStyle(document.documentElement).colorScheme") == scheme
        if violations := _serious(tab):
            found[path] = violations
    tab.goto(site + "/users/login")
    tab.fill("#email", "writer@example.org")
    tab.fill("#password", PASSWORD)
    tab.click("form button[type=submit]")
    tab.wait_for_load_state()
    tab.goto(site + "/questions/ask")
    if violations := _serious(tab):
        found["/questions/ask"] = violations
    context.close()
    assert found == {}


def test_an_anonymous_dark_choice_stays_in_the_browser(browser, site):
    """With the system light, the switch turns the page dark; the next page is dark too (the
    choice is in localStorage), and the HTML served carries no theme."""
    context = browser.new_context(color_scheme="light")
    tab = context.new_page()
    tab.goto(site + "/questions")
    light = tab.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    tab.click(".theme-toggle")
    assert tab.evaluate("document.documentElement.dataset.theme") == "dark"
    dark = tab.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert dark != light
    response = tab.goto(site + "/tags")
    assert "data-theme=" not in response.text().split(">", 2)[1]  # the <html> tag as served
    assert tab.evaluate("document.documentElement.dataset.theme") == "dark"
    assert tab.locator(".theme-toggle").get_attribute("aria-pressed") == "true"
    context.close()


def test_a_signed_in_choice_follows_the_reader(browser, site):
    """A reader who switches to dark in one browser finds it dark in another (their account)."""
    tab = log_in(browser, site, "reader@example.org")
    tab.goto(site + "/questions")
    with tab.expect_response("**/preferences/theme"):
        tab.click(".theme-toggle")
    other = log_in(browser, site, "reader@example.org")
    other.goto(site + "/tags")
    assert other.evaluate("document.documentElement.dataset.theme") == "dark"
    other.click(".theme-toggle")  # back to light, for the other tests
    other.wait_for_timeout(300)


def test_an_answer_link_lands_on_its_page(browser, site):
    """/a/<id> of the 32nd answer by score opens page 2 at that answer; the pager goes back."""
    tab = browser.new_context().new_page()
    tab.goto(f"{site}/a/{PAGED_QUESTION_ID + 32}")
    assert "?page=2" in tab.url and tab.url.endswith(f"#answer-{PAGED_QUESTION_ID + 32}")
    answer = tab.locator(f"#answer-{PAGED_QUESTION_ID + 32}")
    assert answer.is_visible()
    assert tab.locator("article.answer").count() == 5
    tab.locator(".answers .pager a", has_text="1").click()
    tab.wait_for_load_state()
    assert tab.locator("article.answer").count() == 30


def test_an_image_uploaded_from_the_editor_shows_in_the_preview(browser, site, artifacts):
    """A 50-reputation writer picks an image with the editor's Image button: its Markdown is
    written in the body and the preview shows the stored image, served by the site."""
    tab = log_in(browser, site, "writer@example.org")
    tab.goto(site + "/questions/ask")
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 120, 200)).save(out, "PNG")
    with tab.expect_response("**/images/upload") as upload:
        tab.locator(".image-upload input[type=file]").set_input_files(
            {"name": "diagram.png", "mimeType": "image/png", "buffer": out.getvalue()}
        )
    assert upload.value.ok
    tab.wait_for_function("document.querySelector('#wmd-input').value.includes('/media/images/')")
    image = tab.locator("#wmd-preview img")
    image.wait_for()
    tab.wait_for_function("document.querySelector('#wmd-preview img').naturalWidth === 120")
    tab.screenshot(path=str(artifacts / "image-upload.png"))


def test_chromium_lays_out_the_saved_mathml(page, settings):
    """What the renderer saves for `$\\frac{a}{b}$` and `$$\\sum …$$` (math on) is laid out by
    Chromium itself, no script: the fraction stands taller than a line of text, the sum too."""
    from quaestio.core.markdown import render_post

    settings.QUAESTIO_MATH = True
    html = render_post("Half is $\\frac{a}{b}$ here.\n\n$$\n\\sum_{i=1}^{n} i^2\n$$")
    page.set_content(f"<!doctype html><html><body style='font-size:16px'>{html}</body></html>")
    heights = page.evaluate(
        "[...document.querySelectorAll('math')].map(m => m.getBoundingClientRect().height)"
    )
    line = page.evaluate("document.querySelector('p').getBoundingClientRect().height")
    assert len(heights) == 2
    assert heights[0] > 0 and heights[1] > line  # a displayed sum with limits above and below
    fraction, numerator = page.evaluate(
        "[document.querySelector('mfrac'), document.querySelector('mfrac > *')]"
        ".map(e => e.getBoundingClientRect().height)"
    )
    assert fraction > 1.5 * numerator > 0  # numerator over denominator, not in a row
