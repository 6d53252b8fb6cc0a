"""Voting, accepting and bounty rules (spec §4, §5.4, §5.8) in one place."""

from __future__ import annotations

from datetime import timedelta

DAILY_VOTES = 40  # on posts, per UTC day
DAILY_VOTES_ANY_POST = 30  # the last 10 of the 40 are for questions only
DAILY_COMMENT_VOTES = 30
VOTE_CHANGE_WINDOW = timedelta(minutes=5)  # then locked in, until the post is edited

SELF_ACCEPT_DELAY = timedelta(hours=48)

BOUNTY_MIN = 50
BOUNTY_MAX = 500
BOUNTY_STEP = 50
BOUNTY_MIN_IF_ANSWERED = 100  # offering on a question you answered
BOUNTY_QUESTION_MIN_AGE = timedelta(days=2)
BOUNTY_DURATION = timedelta(days=7)
BOUNTY_GRACE = timedelta(hours=24)
BOUNTY_MAX_ACTIVE_PER_USER = 3
BOUNTY_AUTO_AWARD_MIN_SCORE = 2
BOUNTY_REASONS = {
    "attention": "Draw attention",
    "details": "Improve details",
    "reference": "Authoritative reference needed",
    "canonical": "Canonical answer required",
    "outdated": "Current answers are outdated",
    "reward": "Reward existing answer",
}

# Serial voting (spec §1.4): this many votes in one direction from one voter on one user's
# posts within one UTC day are reversed by the daily job. SE does not publish its threshold.
SERIAL_VOTES_PER_DAY = 5
