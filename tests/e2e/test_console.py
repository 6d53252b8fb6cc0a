"""A first visit in a fresh browser: no failed request and no console error (the missing favicon
used to be a 404 on every first page)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

FIRST_PAGES = ("/", "/questions/38738", "/help", "/help/searching", "/tour")


@pytest.mark.parametrize("path", FIRST_PAGES)
def test_first_visit_has_no_failed_request_or_console_error(browser, demo_server, path):
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
    tab.on(
        "response",
        lambda response: response.status >= 400
        and errors.append(f"{response.status} {response.url}"),
    )
    tab.goto(demo_server + path, wait_until="networkidle")
    icon = tab.evaluate("fetch(document.querySelector('link[rel=icon]').href).then(r => r.status)")
    context.close()
    assert errors == []
    assert icon == 200
