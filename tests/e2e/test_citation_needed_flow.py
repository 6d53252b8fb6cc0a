"""Citation needed, by the community, in Chromium against `quaestio serve`.

Three 50-reputation readers each vote "Citation needed" on an unsourced answer: the notice
and the Community user's canned comment appear under it. The author edits the answer to cite
a DOI; the edit waits in the sources-added review queue, a 500-reputation reviewer approves
it, and the notice is gone from the question page.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.signing_in import PASSWORD, log_in
from tests.e2e.test_writing_flow import _shell, server  # noqa: F401

pytestmark = [pytest.mark.e2e]

ANSWER = "Stalin feared Trotsky's influence abroad, which is why he had him killed in 1940."

SETUP = """
import json
from quaestio.accounts.models import User
from quaestio.posts.services import answer_post, question_ask
from quaestio.tags.models import Tag
Tag.objects.get_or_create(name="soviet-union")
asker = User.objects.create_user("asker@example.org", "Asker", "{password}", reputation=1000)
author = User.objects.create_user("author@example.org", "Ann Author", "{password}", reputation=200)
for n in (1, 2, 3):
    User.objects.create_user(f"reader{{n}}@example.org", f"Reader {{n}}", "{password}", reputation=50)
User.objects.create_user("reviewer@example.org", "Riley Reviewer", "{password}", reputation=500)
q = question_ask(asker, title="Why did Stalin have Trotsky killed in 1940?",
    body="Trotsky had been in exile for eleven years by then; why act at that moment?",
    tags="soviet-union")
a = answer_post(author, q.id, body={answer!r})
open({out!r}, "w").write(json.dumps({{"question": q.id, "answer": a.id}}))
"""


def test_three_votes_place_the_notice_and_an_approved_source_lifts_it(
    server,  # noqa: F811
    browser,
    tmp_path,
    artifacts,
):
    from playwright.sync_api import expect

    base, env = server
    out = tmp_path / "ids.json"
    _shell(env, SETUP.format(password=PASSWORD, answer=ANSWER, out=str(out)))
    ids = json.loads(out.read_text())
    question_url = f"{base}/q/{ids['question']}"
    answer = f"#answer-{ids['answer']}"

    for n in (1, 2, 3):
        reader = log_in(browser, base, f"reader{n}@example.org")
        reader.goto(question_url)
        reader.locator(f"{answer} .citation-needed-link").click()
        expect(reader.locator(".citation-votes")).to_contain_text(f"{n - 1} of 3 votes")
        reader.get_by_role("button", name="Citation needed").click()
        reader.wait_for_load_state()
        reader.context.close()

    author = log_in(browser, base, "author@example.org")
    author.goto(question_url)
    expect(author.locator(f"{answer} .post-notice")).to_contain_text("Citation needed")
    expect(author.locator(f"{answer} .comments")).to_contain_text(
        "Your answer could be improved with additional supporting information"
    )
    author.screenshot(path=str(artifacts / "citation-needed-notice.png"), full_page=True)

    author.goto(f"{base}/posts/{ids['answer']}/edit")
    author.locator("#wmd-input").fill(
        ANSWER + "\n\nSee Service, *Trotsky: A Biography*, doi:10.4159/9780674062306."
    )
    author.fill("#comment", "cite a source")
    author.click("#edit-form button[type=submit]")
    author.wait_for_load_state()

    reviewer = log_in(browser, base, "reviewer@example.org")
    reviewer.goto(base + "/review/sources-added")
    expect(reviewer.locator(".review-added-sources")).to_contain_text("doi:10.4159/9780674062306")
    reviewer.get_by_role("button", name="Approve: the sources are enough").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Thank you for reviewing")

    reviewer.goto(question_url)
    expect(reviewer.locator(f"{answer} .post-body")).to_contain_text("doi:10.4159/9780674062306")
    expect(reviewer.locator(f"{answer} .post-notice")).to_have_count(0)
