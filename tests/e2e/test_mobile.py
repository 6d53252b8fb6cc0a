"""The site on a phone-sized screen (390 px wide, an iPhone 12-15), in a real Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_question_list_on_a_phone_has_no_blank_band_between_stats_and_title(
    browser, demo_server, artifacts
):
    """Stacked at 390 px, each question's title follows its stats closely: the desktop stats
    column's width must not turn into a 110 px height."""
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    tab.goto(demo_server + "/questions")
    summaries = tab.locator(".question-summary")
    assert summaries.count() > 3
    for index in range(summaries.count()):
        summary = summaries.nth(index)
        stats = summary.locator(".stats").bounding_box()
        # The blank band is inside the stats box, below its figures: measure from the figures.
        figures_end = max(
            box["y"] + box["height"]
            for box in (
                figure.bounding_box() for figure in summary.locator(".stats .stat-number").all()
            )
        )
        title = summary.locator(".summary-content h3").bounding_box()
        assert stats["x"] + stats["width"] <= PHONE["width"], "the stats fit the screen"
        gap = title["y"] - figures_end
        assert 0 <= gap < 20, f"question {index}: {gap:.0f} px between stats and title"
    tab.screenshot(path=str(artifacts / "questions-390px.png"), full_page=True)
    context.close()
