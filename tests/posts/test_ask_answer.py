"""Asking and answering through the services: limits, tags, history rows, idempotency."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quaestio.core.errors import PermissionDenied, RateLimited, ValidationFailed
from quaestio.posts.models import Post, PostHistory, PostType
from quaestio.posts.services import answer_post, question_ask
from quaestio.tags.models import PostTag, Tag
from tests.writing_support import BODY


def test_ask_writes_post_history_types_1_2_3_with_one_guid(ask):
    """A new question stores title, Markdown and rendered body, and three history rows sharing a GUID."""
    question = ask(body="Some **bold** text that is long enough to be a body.")
    rows = list(PostHistory.objects.filter(post=question).order_by("post_history_type"))
    assert [r.post_history_type for r in rows] == [1, 2, 3]
    assert len({r.revision_guid for r in rows}) == 1
    assert rows[1].text == "Some **bold** text that is long enough to be a body."
    assert rows[2].text == "<rome>"
    assert "<strong>bold</strong>" in question.body
    assert question.body_markdown.startswith("Some **bold**")
    assert question.post_type == PostType.QUESTION and question.answer_count == 0


def test_ask_links_tags_in_order_and_counts_them(ask):
    """PostTag rows keep the typed order and each tag's count goes up by one."""
    question = ask(tags="rome military")
    assert list(
        PostTag.objects.filter(post=question)
        .order_by("position")
        .values_list("tag__name", flat=True)
    ) == ["rome", "military"]
    assert Tag.objects.get(name="rome").count == 1
    assert question.tags == "<rome><military>"


@pytest.mark.parametrize(
    "title,message",
    [("Too short", "at least 15"), ("x" * 151, "longer than 150")],
)
def test_title_length_is_15_to_150(ask, title, message):
    """Titles outside 15–150 characters are refused with the count, and nothing is written."""
    with pytest.raises(ValidationFailed, match=message):
        ask(title=title)
    assert not Post.objects.exists()


def test_body_length_is_30_to_30000(ask):
    """Bodies under 30 or over 30,000 characters are refused."""
    with pytest.raises(ValidationFailed, match="at least 30"):
        ask(body="short body")
    with pytest.raises(ValidationFailed, match="limited to 30000 characters; you entered 30001"):
        ask(body="a" * 30001)


@pytest.mark.parametrize(
    "tags,message",
    [
        ("", "at least one tag"),
        ("a b c d e f", "at most 5"),
        ("x" * 36, "longer than 35"),
        ("c_sharp", "may only use"),
    ],
)
def test_tag_rules(ask, tags, message):
    """1–5 tags of a-z 0-9 + # - . up to 35 characters."""
    with pytest.raises(ValidationFailed, match=message):
        ask(tags=tags)


def test_tags_are_lower_cased_and_split_on_commas_and_semicolons(make_user):
    """'Rome, Military;law' becomes the three tags rome, military, law."""
    user = make_user(reputation=1000)
    question = question_ask(
        user, title="A question about tags here", body=BODY, tags="Rome, Military;law"
    )
    assert question.tag_names == ["rome", "military", "law"]


def test_new_tag_needs_create_tags_privilege(make_user):
    """Below 300 reputation (full set) a new tag is refused with the threshold named."""
    user = make_user(reputation=12)
    Tag.objects.create(name="rome")
    with pytest.raises(ValidationFailed, match="needs 300 reputation; you have 12"):
        question_ask(user, title="A question with a new tag", body=BODY, tags="rome brand-new")
    assert not Tag.objects.filter(name="brand-new").exists()


def test_beta_privilege_set_lowers_create_tags_to_150(make_user, settings):
    """QUAESTIO_PRIVILEGE_SET=beta uses the beta column: 150 reputation creates tags."""
    settings.QUAESTIO_PRIVILEGE_SET = "beta"
    user = make_user(reputation=150)
    question = question_ask(user, title="A question with a new tag", body=BODY, tags="brand-new")
    assert Tag.objects.get(name="brand-new").count == 1
    assert question.tag_names == ["brand-new"]


def test_same_form_token_twice_creates_one_question(make_user):
    """Double submission (the same form token) returns the first question instead of a second."""
    user = make_user(reputation=1000)
    Tag.objects.create(name="rome")
    first = question_ask(user, title="One question, sent twice", body=BODY, tags="rome", token="t1")
    second = question_ask(
        user, title="One question, sent twice", body=BODY, tags="rome", token="t1"
    )
    assert first.id == second.id
    assert Post.objects.filter(post_type=PostType.QUESTION).count() == 1


def test_new_user_waits_40_minutes_between_questions(ask, make_user):
    """Below 125 reputation a second question within 40 minutes is rate limited."""
    user = make_user(reputation=1)
    ask(user=user)
    with pytest.raises(RateLimited, match="40 minutes"):
        ask(user=user, title="Another question from the same user")
    Post.objects.update(creation_date=Post.objects.get().creation_date - timedelta(minutes=41))
    ask(user=user, title="Another question from the same user")
    assert Post.objects.count() == 2


def test_new_user_link_limit_and_no_images(make_user):
    """Under 10 reputation: at most 2 links (QUAESTIO_NEW_USER_MAX_LINKS) and no images."""
    user = make_user(reputation=1)
    Tag.objects.create(name="rome")
    links = " ".join(f"[l{i}](https://example.org/{i})" for i in range(3))
    with pytest.raises(ValidationFailed, match="at most 2 links"):
        question_ask(user, title="A question with many links", body=links, tags="rome")
    with pytest.raises(ValidationFailed, match="images needs 10 reputation"):
        question_ask(
            user,
            title="A question with an image",
            body="Look at this picture: ![map](https://example.org/map.png)",
            tags="rome",
        )


def test_anonymous_cannot_ask(db):
    """Asking needs an account."""
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        question_ask(AnonymousUser(), title="A question from nobody at all", body=BODY, tags="x")


def test_answer_writes_history_type_2_and_counts(ask, make_user):
    """An answer gets one history row (type 2) and raises the question's answer count."""
    question = ask()
    answer = answer_post(make_user(), question.id, body=BODY)
    assert list(
        PostHistory.objects.filter(post=answer).values_list("post_history_type", flat=True)
    ) == [2]
    question.refresh_from_db()
    assert question.answer_count == 1 and answer.parent_id == question.id


def test_answer_rate_limit_for_new_users(ask, make_user):
    """A new user (under 10 reputation) answers at most once every 3 minutes."""
    question = ask()
    user = make_user(reputation=1)
    answer_post(user, question.id, body=BODY)
    with pytest.raises(RateLimited, match="180 seconds"):
        answer_post(user, question.id, body=BODY + " again")


def test_closed_question_takes_no_answers(ask, make_user):
    """A closed question refuses answers, saying why."""
    from django.utils import timezone

    question = ask()
    Post.objects.filter(id=question.id).update(closed_date=timezone.now())
    with pytest.raises(PermissionDenied, match="closed"):
        answer_post(make_user(), question.id, body=BODY)


def test_answer_token_makes_one_answer(ask, make_user):
    """The same answer form sent twice makes one answer."""
    question = ask()
    user = make_user(reputation=100)
    a = answer_post(user, question.id, body=BODY, token="same")
    b = answer_post(user, question.id, body=BODY, token="same")
    assert a.id == b.id
    question.refresh_from_db()
    assert question.answer_count == 1


def test_ask_announces_after_commit(ask, django_capture_on_commit_callbacks):
    """post_written fires once the question is committed, for search and badges to react."""
    from quaestio.posts.events import post_written

    heard = []

    def listener(sender, post_id, action, **kwargs):
        heard.append((post_id, action))

    post_written.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            question = ask()
    finally:
        post_written.disconnect(listener)
    assert heard == [(question.id, "ask")]


def test_same_answer_without_token_twice_creates_one(ask, make_user):
    """A form without a token (the inline answer form) sent twice still makes one answer."""
    question = ask()
    user = make_user(reputation=100)
    a = answer_post(user, question.id, body=BODY)
    b = answer_post(user, question.id, body=BODY)
    assert a.id == b.id
