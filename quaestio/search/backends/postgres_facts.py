"""PostgreSQL: a post's creation date and score as lexemes of its search document.

`created:2020 word` and `word score:3..` pass one post in six to ten of the word's matches. With
the filters checked on the posts table, a search read every match of the word in its slice of
ids, then each match's post, to keep a sixth of them: 100-180 ms at 1,000,000 posts. Written into
the document, the filters are lexemes GIN intersects with the words, as it does the id blocks
(see backends/postgres.py): only the posts passing both are read.

The lexemes only narrow: the posts table still decides (the structured filter's condition on
each post), so a cover rounded out, or a lexeme a moment stale, can add candidates, never
results. A stale score lexeme could hide a post, though; every score write refreshes them
after its commit (search.services.schedule_score, `quaestio recount`), as edits reindex.

- dates: "#y:2020", "#m:2020-03", "#d:2020-03-15" (UTC, like the parser's periods). An interval
  is covered by whole years, months and days, edges rounded out to days; an open one (2020..)
  is left to the search_document.creation_date column.
- scores: "#s:N" for each step N of SCORE_STEPS the score reaches. `score:3..` is "#s:3",
  `score:..2` is "not #s:3"; a bound between steps is rounded out to one.

"#" never starts a query token, and ts_rank is given the words alone, so ranks are unchanged.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

# Dense where most posts are (a new post has 0, most stay under 5), sparse above. A document
# holds one lexeme per step at or below its score: five or six for most posts.
SCORE_STEPS = (-5, -1, 0, 1, 2, 3, 4, 5, 7, 10, 15, 25, 50, 100, 250, 1000)
SCORE_PREFIX = "#s:"
# An interval whose cover needs more lexemes is left to the creation_date column (two
# calendar years and a bit need about 80; one GIN entry each).
MAX_DATE_LEXEMES = 100


def score_lexemes(score: int | None) -> list[str]:
    if score is None:
        return []
    return [f"{SCORE_PREFIX}{step}" for step in SCORE_STEPS if step <= score]


def _day(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def date_lexemes(created: datetime | None) -> list[str]:
    if created is None:
        return []
    day = created.astimezone(UTC).date()
    return [f"#y:{day.year:04d}", f"#m:{day.year:04d}-{day.month:02d}", f"#d:{_day(day)}"]


def fact_lexemes(created: datetime | None, score: int | None) -> list[str]:
    return date_lexemes(created) + score_lexemes(score)


def score_query(low: int | None, high: int | None) -> str | None:
    """Lexeme tsquery text every post scoring within [low, high] matches; None for all."""
    parts = []
    reached = [step for step in SCORE_STEPS if low is not None and step <= low]
    if reached:
        parts.append(f"'{SCORE_PREFIX}{reached[-1]}'")
    above = [step for step in SCORE_STEPS if high is not None and step > high]
    if above:
        parts.append(f"!'{SCORE_PREFIX}{above[0]}'")
    return " & ".join(parts) or None


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def date_cover(start: datetime | None, end: datetime | None) -> list[str] | None:
    """The fewest year, month and day lexemes covering [start, end) in UTC, edges rounded out
    to whole days; None when an end is open or the cover would be too long."""
    if start is None or end is None or start >= end:
        return None
    day = start.astimezone(UTC).date()
    last = (end.astimezone(UTC) - timedelta(microseconds=1)).date()
    found: list[str] = []
    while day <= last:
        if len(found) >= MAX_DATE_LEXEMES:
            return None
        if (day.month, day.day) == (1, 1) and date(day.year, 12, 31) <= last:
            found.append(f"#y:{day.year:04d}")
            following = date(day.year + 1, 1, 1) if day.year < 9999 else None
        elif day.day == 1 and _month_end(day) <= last:
            found.append(f"#m:{day.year:04d}-{day.month:02d}")
            following = _month_end(day) + timedelta(days=1) if day < date(9999, 12, 1) else None
        else:
            found.append(f"#d:{_day(day)}")
            following = day + timedelta(days=1) if day < date.max else None
        if following is None:
            break
        day = following
    return found


def date_query(start: datetime | None, end: datetime | None) -> str | None:
    cover = date_cover(start, end)
    return "(" + " | ".join(f"'{lexeme}'" for lexeme in cover) + ")" if cover else None


# The same lexemes computed by PostgreSQL from a post's row (fill_facts, refresh_scores, the
# migration's twin): tests check they equal what the Python side writes.
STEPS_SQL = "'{" + ",".join(map(str, SCORE_STEPS)) + "}'::integer[]"


def score_lexemes_sql(score: str) -> str:
    return (
        f"ARRAY(SELECT '{SCORE_PREFIX}' || step FROM unnest({STEPS_SQL}) step "
        f"WHERE step <= {score} ORDER BY step)"
    )


def date_lexemes_sql(created: str) -> str:
    utc = f"({created} AT TIME ZONE 'UTC')"
    return (
        f"array_remove(ARRAY['#y:' || to_char({utc}, 'YYYY'), '#m:' || to_char({utc}, 'YYYY-MM'), "
        f"'#d:' || to_char({utc}, 'YYYY-MM-DD')], NULL)"
    )


def facts_tsvector_sql(created: str, score: str) -> str:
    """A tsvector of the fact lexemes of a post whose creation date and score are these SQL
    expressions."""
    return f"array_to_tsvector({date_lexemes_sql(created)} || {score_lexemes_sql(score)})"


ALL_SCORE_LEXEMES_SQL = (
    "'{" + ",".join(f'"{SCORE_PREFIX}{step}"' for step in SCORE_STEPS) + "}'::text[]"
)


def stored_score_lexemes_sql(document: str) -> str:
    return (
        f"ARRAY(SELECT lexeme FROM unnest({document}) WHERE left(lexeme, 3) = '{SCORE_PREFIX}' "
        "ORDER BY substr(lexeme, 4)::integer)"
    )
