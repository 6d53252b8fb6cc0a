"""The archive resolvers, against a local stand-in of the Internet Archive's availability API."""

from __future__ import annotations

from quaestio.linkcheck.resolvers import NullResolver, WaybackResolver, resolver


def test_wayback_returns_the_closest_copy(wayback, local_checks):
    wayback.copies["http://example.org/gone"] = (
        "http://web.archive.org/web/20200101000000/http://example.org/gone"
    )
    found = WaybackResolver(wayback.endpoint).archived_copy("http://example.org/gone")
    assert found == "http://web.archive.org/web/20200101000000/http://example.org/gone"
    assert wayback.asked == ["http://example.org/gone"]  # the URL travelled quoted and whole


def test_wayback_without_a_copy_or_with_a_broken_answer_gives_nothing(wayback, local_checks):
    assert WaybackResolver(wayback.endpoint).archived_copy("http://example.org/never") == ""
    broken = wayback.endpoint.replace("/wayback/available", "/nothing")
    assert WaybackResolver(broken).archived_copy("http://example.org/never") == ""


def test_wayback_refuses_a_copy_that_is_not_a_web_address(wayback, local_checks):
    wayback.copies["http://example.org/x"] = "javascript:alert(1)"
    assert WaybackResolver(wayback.endpoint).archived_copy("http://example.org/x") == ""


def test_an_unreachable_archive_gives_nothing(local_checks):
    """Port 9 on loopback (discard) is closed here: the resolver says it knows of no copy."""
    assert (
        WaybackResolver("http://127.0.0.1:9/wayback/available").archived_copy("http://a.b/") == ""
    )


def test_the_resolver_is_chosen_by_setting(settings, wayback):
    settings.QUAESTIO_LINKCHECK_RESOLVER = "quaestio.linkcheck.resolvers.NullResolver"
    assert isinstance(resolver(), NullResolver)
    assert resolver().archived_copy("http://example.org/gone") == ""
    settings.QUAESTIO_LINKCHECK_RESOLVER = "quaestio.linkcheck.resolvers.WaybackResolver"
    settings.QUAESTIO_LINKCHECK_ARCHIVE_API = wayback.endpoint
    assert resolver().endpoint == wayback.endpoint
