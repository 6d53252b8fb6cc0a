"""Fetching a site through the API into a work directory, page by page, resumably.

Every page that arrives is checked (api_items.py) and written to `items/<method>/<n>.json`
before the state file (`state.json`, replaced atomically) records it, so a run stopped at any
moment (Ctrl+C, a kill, the quota spent, a network failure) resumes with the page after the
last one recorded; a page written but not yet recorded is fetched again and overwrites it.
Items seen twice (pages shift while a live site changes) are merged by id when the dump files
are written (api_convert.py).

Lists are read oldest first (`sort=creation&order=asc`) and paged by keyset: each request asks
for items created at or after the last item received (`min`), so new posts on a live site
land at the end and no page depth limit is met. `page` only grows while a whole page shares one
creation second.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from quaestio.dumps.api_client import ApiClient, ApiImportError
from quaestio.dumps.api_items import CHECKS, check_page
from quaestio.dumps.progress import Progress, say

STATE_VERSION = 1
PAGE_SIZE = 100  # the API's largest
IDS_PER_CALL = 100  # the API's limit on {ids}

# The fields the filter adds to `default` (bodies, counts the dump holds, editors), created
# once per run with /filters/create. unsafe: strings come as written, not HTML-escaped; the
# importer sanitises every body as it does a dump's.
FILTER_INCLUDE = ";".join(
    [
        ".total",
        *(
            f"{kind}.{field}"
            for kind in ("question", "answer")
            for field in (
                "body",
                "body_markdown",
                "comment_count",
                "up_vote_count",
                "down_vote_count",
                "last_editor",
            )
        ),
        "question.favorite_count",
        "comment.body_markdown",
        "user.about_me",
        "user.view_count",
        "user.up_vote_count",
        "user.down_vote_count",
        "revision.body",
        "revision.last_body",
    ]
)


@dataclass(frozen=True)
class ListMethod:
    name: str  # also the folder of its pages
    path: str
    sort: str
    id_field: str = ""  # page by `min` on the creation date (tags, without one: page numbers)

    @property
    def keyset(self) -> bool:
        return bool(self.id_field)


LISTS = (
    ListMethod("tags", "tags", "name"),
    ListMethod("questions", "questions", "creation", "question_id"),
    ListMethod("answers", "answers", "creation", "answer_id"),
    ListMethod("comments", "comments", "creation", "comment_id"),
    ListMethod("users", "users", "creation", "user_id"),
)


class WorkDir:
    """The work directory: the state file and the pages fetched so far."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.state_file = self.path / "state.json"

    def load_state(self, source: dict) -> dict:
        if not self.state_file.exists():
            return {"version": STATE_VERSION, "source": source, "methods": {}}
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
        except ValueError:
            raise ApiImportError(
                f"{self.state_file} is damaged; remove the work directory"
            ) from None
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise ApiImportError(f"{self.state_file} was not written by this version")
        if state.get("source") != source:
            raise ApiImportError(
                f"{self.path} holds an import of {state.get('source')}, not of {source}: "
                "use another --workdir"
            )
        return state

    def save_state(self, state: dict) -> None:
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.state_file)  # atomic: the old state or the new, never half

    def write_page(self, method: str, number: int, items: list[dict]) -> None:
        folder = self.path / "items" / method
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f"{number:06d}.tmp"
        temporary.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, folder / f"{number:06d}.json")

    def items(self, method: str, pages: int) -> Iterator[dict]:
        """The items of the first `pages` recorded pages of a method, in order."""
        folder = self.path / "items" / method
        for number in range(1, pages + 1):
            yield from json.loads((folder / f"{number:06d}.json").read_text(encoding="utf-8"))


class PageLimitReached(Exception):
    """This run fetched the pages it was allowed (--pages); the next run goes on."""


class Fetcher:
    def __init__(
        self,
        client: ApiClient,
        workdir: WorkDir,
        state: dict,
        *,
        since: int | None = None,
        page_size: int = PAGE_SIZE,
        max_pages: int | None = None,
        out: TextIO,
    ) -> None:
        self.client, self.workdir, self.state = client, workdir, state
        self.since, self.page_size, self.max_pages = since, page_size, max_pages
        self.out = out
        self.pages_this_run = 0

    def run(self) -> None:
        self.filter = self._filter()
        for method in LISTS:
            if method.name == "users" and self.since is not None:
                continue  # only the users the new posts name (fetched by id below)
            self._fetch_list(method)
        self._fetch_by_ids("revisions", "posts/{}/revisions", self._post_ids)
        self._fetch_by_ids("missing users", "users/{}", self._missing_user_ids)
        self._fetch_by_ids("badges", "users/{}/badges", self._user_ids)

    # --- the filter ----------------------------------------------------------------------

    def _filter(self) -> str:
        if self.state.get("filter"):
            return self.state["filter"]
        payload = self._call(
            "filters/create", {"include": FILTER_INCLUDE, "base": "default", "unsafe": "true"}
        )
        items = payload["items"]
        name = items[0].get("filter") if items and isinstance(items[0], dict) else None
        if not isinstance(name, str) or not name or len(name) > 2000 or not name.isprintable():
            raise ApiImportError("filters/create: the API gave no filter name")
        self.state["filter"] = name
        self.workdir.save_state(self.state)
        return name

    # --- lists ---------------------------------------------------------------------------

    def _fetch_list(self, method: ListMethod) -> None:
        record = self.state["methods"].setdefault(
            method.name, {"pages": 0, "items": 0, "page": 1, "min": None, "done": False}
        )
        if record["done"]:
            return
        progress = Progress(method.name, record.get("total"), self.out)
        while True:
            params = {"sort": method.sort, "order": "asc", "page": record["page"]}
            if method.keyset and record["min"] is not None:
                params["min"] = record["min"]
            if self.since is not None and method.keyset:
                params["fromdate"] = self.since
            payload = self._call(method.path, params)
            items = check_page(method.name, payload["items"], record["pages"] + 1)
            if record["pages"] == 0 and isinstance(payload.get("total"), int):
                record["total"] = progress.total = payload["total"]
            fresh = self._advance(method, record, items)
            record["done"] = not payload["has_more"] or not items
            self._record(method.name, record, fresh)
            progress.update(record["items"], record["items"])
            if record["done"]:
                progress.done(record["items"])
                return

    def _advance(self, method: ListMethod, record: dict, items: list[dict]) -> list[dict]:
        """Move the keyset (or the page number) past this page; returns its items less those
        already received: `min` is inclusive, so the items of the last second come again."""
        if not method.keyset or not items:
            record["page"] += 1
            return items
        seen = set(record.get("seen_at_min", []))
        fresh = [
            item
            for item in items
            if item["creation_date"] != record["min"] or item[method.id_field] not in seen
        ]
        last = items[-1]["creation_date"]
        if last == record["min"]:
            record["page"] += 1  # a whole page in one second: go on within it
        else:
            record["min"], record["page"], seen = last, 1, set()
        seen |= {item[method.id_field] for item in items if item["creation_date"] == last}
        record["seen_at_min"] = sorted(seen)
        return fresh

    # --- calls by ids --------------------------------------------------------------------

    def _fetch_by_ids(
        self, name: str, path: str, wanted: Callable[[], list[int]], kind: str | None = None
    ) -> None:
        record = self.state["methods"].setdefault(
            name, {"pages": 0, "items": 0, "batch": 0, "page": 1, "done": False}
        )
        if record["done"]:
            return
        ids = wanted()
        batches = [ids[i : i + IDS_PER_CALL] for i in range(0, len(ids), IDS_PER_CALL)]
        progress = Progress(name, len(ids), self.out)
        while record["batch"] < len(batches):
            batch = batches[record["batch"]]
            joined = ";".join(str(i) for i in batch)
            payload = self._call(
                path.format(joined),
                {"page": record["page"]},
                allowed_to_fail=name in ("revisions", "badges"),
            )
            if payload is None:  # this endpoint is not offered (Teams): history from the posts
                say(f"  {name}: not available from this API; history made from the posts", self.out)
                break
            items = check_page(CHECK_OF[name], payload["items"], record["pages"] + 1)
            if payload["has_more"] and items:
                record["page"] += 1
            else:
                record["batch"], record["page"] = record["batch"] + 1, 1
            self._record(name, record, items)
            reached = min(record["batch"] * IDS_PER_CALL, len(ids))
            progress.update(reached, reached)
        record["done"] = True
        self.workdir.save_state(self.state)
        progress.done(record["items"])

    def _post_ids(self) -> list[int]:
        ids = {item["question_id"] for item in self._stored("questions")}
        ids |= {item["answer_id"] for item in self._stored("answers")}
        return sorted(ids)

    def _missing_user_ids(self) -> list[int]:
        """Users named by posts, comments and revisions but not fetched (with --since, all of
        them; otherwise users created while the list was read, and Community)."""
        from quaestio.dumps.api_items import users_named

        known = {item["user_id"] for item in self._stored("users")}
        named: set[int] = set()
        for method in ("questions", "answers", "comments", "revisions"):
            named |= users_named(self._stored(method))
        return sorted(named - known)

    def _user_ids(self) -> list[int]:
        users = [*self._stored("users"), *self._stored("missing users")]
        return sorted({user["user_id"] for user in users})

    def _stored(self, method: str) -> Iterator[dict]:
        record = self.state["methods"].get(method)
        return self.workdir.items(method, record["pages"]) if record else iter(())

    # --- each page -----------------------------------------------------------------------

    def _record(self, method: str, record: dict, items: list[dict]) -> None:
        record["pages"] += 1
        record["items"] += len(items)
        self.workdir.write_page(method, record["pages"], items)
        self.workdir.save_state(self.state)
        self.pages_this_run += 1
        if self.client.quota_remaining == 0:
            raise QuotaStop(self.client.requests)
        if self.max_pages is not None and self.pages_this_run >= self.max_pages:
            raise PageLimitReached()

    def _call(self, path: str, params: dict, allowed_to_fail: bool = False) -> dict | None:
        query = dict(params)
        if path != "filters/create":
            query["filter"] = self.filter
            query["pagesize"] = self.page_size
        try:
            return self.client.get(path, query)
        except ApiImportError as error:
            if allowed_to_fail and "no_method" in error.message:
                return None
            raise


class QuotaStop(ApiImportError):
    def __init__(self, requests: int) -> None:
        super().__init__(
            f"the API's daily quota is spent (after {requests} requests in this run); what was "
            "fetched is kept in the work directory: run the same command again tomorrow to resume"
        )


CHECK_OF = {"revisions": "revisions", "missing users": "users", "badges": "badges"}
assert set(CHECK_OF.values()) <= set(CHECKS)
