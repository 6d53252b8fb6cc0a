"""A flush (as a transactional test's teardown does) leaves the site counts right: on SQLite
it deletes table by table, the triggers counting each deletion, and the counts are settled
again after it (core.apps)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from quaestio.core.site_counts import NAMES, site_count
from tests.votes.factories import make_question

pytestmark = pytest.mark.django_db(transaction=True)


def test_counts_are_right_after_a_flush():
    for _ in range(3):
        make_question()
    assert site_count("questions") == 3
    call_command("flush", interactive=False, verbosity=0)
    assert {name: site_count(name) for name in NAMES} == dict.fromkeys(NAMES, 0)
    from quaestio.core.models import SiteCount

    assert SiteCount.objects.filter(value__lt=0).count() == 0
    make_question()
    assert site_count("questions") == 1
