"""The privileges page lists what each level unlocks, with the viewer's standing."""

from lxml import html as lxml_html


def _rows(response):
    """[reputation, privilege] per row, then the viewer's standing when signed in (the page's
    "what you can do" column sits between them)."""
    tree = lxml_html.fromstring(response.content.decode())
    rows = [
        [" ".join(td.text_content().split()) for td in tr.cssselect("td")]
        for tr in tree.cssselect(".privileges tbody tr")
    ]
    return [row[:2] + row[3:] for row in rows]


def test_privileges_page_lists_the_full_set_lowest_first(client, db):
    rows = _rows(client.get("/help/privileges"))
    assert (
        ["15", "Voting up"] in rows
        and ["125", "Voting down"] in rows
        and ["300", "Creating new tags"] in rows
    )
    levels = [int(r[0].replace(",", "")) for r in rows]
    assert levels == sorted(levels)


def test_beta_sites_use_the_beta_thresholds(client, db, settings):
    settings.QUAESTIO_PRIVILEGE_SET = "beta"
    assert ["150", "Creating new tags"] in _rows(client.get("/help/privileges"))


def test_signed_in_viewer_sees_what_they_hold_and_what_is_missing(client, make_user):
    client.force_login(make_user(reputation=60))
    rows = {r[1]: r[2] for r in _rows(client.get("/help/privileges"))}
    assert rows["Commenting on others' posts"] == "✓ earned"
    assert rows["Setting bounties"] == "15 to go"
    assert rows["Voting down"] == "65 to go"
