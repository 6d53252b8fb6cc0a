"""The help center, the tour and the privileges page: real pages whose figures come from the
rules the site enforces, listing only what Quaestio has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import override_settings
from lxml import html as lxml_html

import quaestio
from quaestio.web.help import HELP_PAGES, PRIVILEGE_FEATURES


def _tree(response):
    return lxml_html.fromstring(response.content.decode())


def _text(element) -> str:
    return " ".join(element.text_content().split())


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(HELP_PAGES))
def test_every_help_page_renders_with_its_title_and_the_help_index_links_it(client, slug):
    """Each page answers 200 with its own heading and more than a stub's worth of text, and the
    Help Center index links to it."""
    response = client.get(f"/help/{slug}")
    assert response.status_code == 200
    article = _tree(response).cssselect(".help-article")[0]
    assert _text(article.cssselect("h1")[0]) == HELP_PAGES[slug].title
    assert len(_text(article)) > 600, "a help page says more than one sentence"
    index = _tree(client.get("/help"))
    assert f"/help/{slug}" in {a.get("href") for a in index.cssselect(".help-section a")}


@pytest.mark.django_db
def test_tour_and_help_index_render_and_unknown_help_pages_are_404(client):
    tour = client.get("/tour")
    assert tour.status_code == 200
    assert len(_tree(tour).cssselect(".tour-step")) >= 5
    assert client.get("/help").status_code == 200
    assert client.get("/help/no-such-page").status_code == 404


@pytest.mark.django_db
def test_help_pages_linked_from_comment_shortcuts_exist(client):
    """[ask], [answer], [mcve], [help] and [tour] in comments lead to real pages."""
    from quaestio.core.markdown import MAGIC_LINKS

    for name in ("ask", "answer", "help", "tour", "about", "faq", "mcve", "mre"):
        url, _text = MAGIC_LINKS[name]
        assert client.get(url).status_code == 200, url


def _privilege_rows(response) -> dict[str, int]:
    rows = _tree(response).cssselect(".privileges tbody tr")
    return {
        row.get("id").removeprefix("privilege-"): int(
            _text(row.cssselect(".privilege-reputation")[0]).replace(",", "")
        )
        for row in rows
    }


@pytest.mark.django_db
@pytest.mark.parametrize("privilege_set", ["full", "beta"])
def test_privileges_page_shows_the_active_sets_thresholds(client, privilege_set):
    """Every figure on the page is the active privilege set's threshold: graduated ("full") and
    beta sets differ, e.g. editing without review at 2,000 against 1,000."""
    from quaestio.reputation.privileges import PRIVILEGES

    with override_settings(QUAESTIO_PRIVILEGE_SET=privilege_set):
        rows = _privilege_rows(client.get("/help/privileges"))
    assert set(rows) == set(PRIVILEGE_FEATURES)
    for name, shown in rows.items():
        assert shown == getattr(PRIVILEGES[name], privilege_set), name
    assert rows["edit_posts"] == (2000 if privilege_set == "full" else 1000)
    assert list(rows.values()) == sorted(rows.values()), "lowest first"


def _privileges_the_code_checks() -> set[str]:
    """Privilege names quoted in the modules that call has_privilege(...) or threshold(...),
    apart from the privileges table and the help pages themselves."""
    from quaestio.reputation.privileges import PRIVILEGES

    root = Path(quaestio.__file__).parent
    skip = {root / "reputation" / "privileges.py", root / "web" / "help.py"}
    literal = re.compile(r"""["']([a-z_]+)["']""")
    found = set()
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if path in skip or not re.search(r"\b(has_privilege|threshold)\(", source):
            continue
        found |= set(literal.findall(source)) & set(PRIVILEGES)
    return found


def test_privileges_listed_are_exactly_those_a_feature_checks():
    """No privilege without a feature is listed (chat, meta, elections ...), and a privilege
    a policy starts checking must be described on the page."""
    checked = _privileges_the_code_checks()
    assert {"vote_up", "vote_down", "edit_posts", "create_tags"} <= checked
    assert set(PRIVILEGE_FEATURES) == checked


@pytest.mark.django_db
def test_privileges_page_names_no_feature_quaestio_lacks(client, make_user):
    """The old page listed meta and moderator elections; neither exists here (discussion rooms
    do, and talking in them is listed)."""
    client.force_login(make_user(reputation=1500))
    response = client.get("/help/privileges")
    text = _text(_tree(response).cssselect(".help-article")[0]).lower()
    for missing in ("meta", "election", "run for moderator", "ads", "analytics"):
        assert not re.search(rf"\b{missing}\b", text), missing
    assert "earned" in text and "to go" in text


@pytest.mark.django_db
def test_search_help_documents_every_operator_and_its_examples_parse(client):
    """Every operator the parser accepts is on the page, and every example on the page is a
    search the parser reads without an error."""
    from quaestio.search import parser

    tree = _tree(client.get("/help/searching"))
    text = _text(tree)
    for name in parser.KNOWN - set(parser.UNSUPPORTED):
        assert f"{name}:" in text, name
    examples = [_text(code) for code in tree.cssselect("code.search-example")]
    assert len(examples) > 25
    for example in examples:
        parser.parse(example)  # raises SearchSyntaxError with the fix if the help is wrong


@pytest.mark.django_db
def test_badges_help_lists_every_badge_definition(client):
    from quaestio.badges.definitions import DEFINITIONS

    tree = _tree(client.get("/help/badges"))
    names = {_text(a) for a in tree.cssselect(".badge-help a")}
    assert names == {definition.name for definition in DEFINITIONS}


@pytest.mark.django_db
def test_reputation_and_voting_help_show_the_rules_amounts(client):
    from quaestio.reputation import rules
    from quaestio.votes import rules as vote_rules

    reputation = _text(_tree(client.get("/help/reputation")))
    assert f"+{rules.ACCEPTED_ANSWER}" in reputation
    assert f"at most {rules.DAILY_CAP} reputation a day" in reputation
    voting = _text(_tree(client.get("/help/voting")))
    assert f"You can cast {vote_rules.DAILY_VOTES} votes" in voting


@pytest.mark.django_db
def test_api_help_lists_every_method_and_the_token_page(client, make_user):
    from quaestio.api.registry import ENDPOINTS

    text = _text(_tree(client.get("/help/api")))
    for endpoint in ENDPOINTS:
        assert f"/2.3/{endpoint.path}" in text, endpoint.path
    user = make_user()
    client.force_login(user)
    links = {a.get("href") for a in _tree(client.get("/help/api")).cssselect("a")}
    assert f"/users/{user.id}/apps/" in links  # the named route, as core.links builds it
