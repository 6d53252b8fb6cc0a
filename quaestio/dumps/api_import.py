"""`quaestio import-api`: a site brought in through a Stack Exchange API 2.3 endpoint.

Three stages, each resumable:
1. fetch (api_fetch.py): every list page by page into the work directory, with the state file
   recording what is done; stopped by Ctrl+C, a kill, the quota or an error, the next run of
   the same command goes on from the last page recorded;
2. convert (api_convert.py): the fetched items written as a data dump's XML files (`dump/`);
3. import: the dump importer loads that folder, so ids are kept and everything derived
   (Markdown, counts, the reputation ledger, the search index) is exactly as for a dump. It is
   one transaction: an import that fails changes nothing and can simply be run again.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from quaestio.dumps.api_client import ApiClient, ApiImportError
from quaestio.dumps.api_convert import DumpBuilder
from quaestio.dumps.api_fetch import PAGE_SIZE, Fetcher, PageLimitReached, WorkDir
from quaestio.dumps.api_merge import Existing, existing_rows
from quaestio.dumps.importer import import_dump
from quaestio.dumps.progress import say
from quaestio.dumps.report import ImportReport


class Unfinished(Exception):
    """This run stopped on purpose before the end (--pages); the next run goes on."""


def import_api(
    workdir: str | Path,
    *,
    base_url: str,
    site: str | None = None,
    team: str | None = None,
    key: str | None = None,
    access_token: str | None = None,
    since: datetime | None = None,
    name: str | None = None,
    page_size: int = PAGE_SIZE,
    max_pages: int | None = None,
    out: TextIO | None = None,
    client: ApiClient | None = None,
) -> ImportReport:
    out = out or sys.stderr
    if not site and not team:
        raise ApiImportError("name the site (--site) or the team (--team) to import")
    source = {"base_url": base_url.rstrip("/"), "site": site, "team": team}
    if since is not None:
        source["since"] = int(since.astimezone(UTC).timestamp())
    work = WorkDir(workdir)
    state = work.load_state(source)
    if state.get("imported"):
        raise ApiImportError(
            f"{work.path} was already imported here as {state['imported']}; "
            "nothing was changed (use a new --workdir to fetch again)"
        )
    client = client or ApiClient(
        base_url,
        site=site,
        team=team,
        key=key,
        access_token=access_token,
        say=lambda message: say(message, out),
    )
    say(f"Fetching {team or site} from {base_url} into {work.path}", out)
    fetcher = Fetcher(
        client,
        work,
        state,
        since=source.get("since"),
        page_size=page_size,
        max_pages=max_pages,
        out=out,
    )
    try:
        fetcher.run()
    except PageLimitReached:
        raise Unfinished(
            f"stopped after {fetcher.pages_this_run} pages as asked; run the same command "
            "again to go on"
        ) from None
    say(f"  {client.requests} requests, {client.slept:.0f} s spent waiting as the API asked", out)

    def stored(method: str):
        record = state["methods"].get(method)
        return work.items(method, record["pages"]) if record else iter(())

    existing = _existing(stored) if since is not None else None
    counts = DumpBuilder(stored, existing).write(work.path / "dump")
    say("  dump files: " + ", ".join(f"{n:,} {file}" for file, n in counts.items()), out)
    credit = name or _site_name(site, team, base_url)
    if since is not None and not name:
        credit += f" since {since:%Y-%m-%d}"  # one import record per site and date
    report = import_dump(work.path / "dump", site=credit, out=out)
    state["imported"] = credit
    work.save_state(state)
    return report


def _existing(stored) -> Existing:
    """The rows the site holds among those fetched (--since merges into them)."""
    from quaestio.dumps.api_items import users_named

    posts, users, comments, tags = set(), set(), set(), set()
    for item in stored("questions"):
        posts.add(item["question_id"])
        tags.update(item.get("tags", []))
    for item in stored("answers"):
        posts.update((item["answer_id"], item["question_id"]))
    for item in stored("comments"):
        comments.add(item["comment_id"])
        posts.add(item["post_id"])
    for method in ("users", "missing users"):
        users.update(item["user_id"] for item in stored(method))
    for method in ("questions", "answers", "comments", "revisions"):
        users |= users_named(stored(method))
    tags.update(item["name"] for item in stored("tags"))
    return existing_rows(users, posts, comments, tags)


def _site_name(site: str | None, team: str | None, base_url: str) -> str:
    """The credit imported posts carry: history → history.stackexchange.com for Stack Exchange's
    own API; the API's site parameter as it is for any other endpoint."""
    if team:
        return team
    if "api.stackexchange.com" in base_url and site and "." not in site:
        return _OWN_DOMAINS.get(site, f"{site}.stackexchange.com")
    return site or base_url


# Stack Exchange sites whose API name is not <name>.stackexchange.com.
_OWN_DOMAINS = {
    "stackoverflow": "stackoverflow.com",
    "serverfault": "serverfault.com",
    "superuser": "superuser.com",
    "askubuntu": "askubuntu.com",
    "mathoverflow": "mathoverflow.net",
    "stackapps": "stackapps.com",
}
