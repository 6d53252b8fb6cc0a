"""Do the tag reads bounded in issue 20 cost the same on a site ten times the size? Two
generated sites (quaestio.dumps.generator, scale 2 and scale 20), each imported into its own
SQLite data directory and PostgreSQL database; each URL served in-process through the WSGI
application on both, side by side in one run, and the ratio of their median server times
printed (1.0: the same cost; 10: it grows with the site).

    nice -n 19 .venv/bin/python bench/tag_reads_scale.py --import     # once (minutes)
    nice -n 19 .venv/bin/python bench/tag_reads_scale.py [--repeats 15]

One tag is given to every other question after the import (see _widen_one_tag), so the
commonest tag grows with the site as a real one does. Alongside, "old related tags" runs the statement /2.3/tags/{tag}/related ran before the
kept pair counts (a GROUP BY over every question of the tag, through the ORM) on the same
sites, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scale_reads import serve_once, setup_django  # noqa: E402

ROOT = Path("/tmp/tagbounds-bench")
PG_BASE = os.environ.get("BENCH_PG_BASE", "postgres://postgres@127.0.0.1:5432/quaestio_tagbounds")
SCALES = (2, 20)


def env_for(backend: str, scale: int) -> dict:
    env = dict(os.environ)
    env["QUAESTIO_DATA_DIR"] = str(ROOT / f"data-{backend}-{scale}")
    env["QUAESTIO_SERVER_TIMING"] = "all"
    for name in ("QUOTA_ANONYMOUS", "REQUESTS_PER_SECOND", "BACKOFF_AFTER"):
        env[f"QUAESTIO_API_{name}"] = str(10**9)
    env.pop("DATABASE_URL", None)
    if backend == "postgres":
        env["DATABASE_URL"] = f"{PG_BASE}_s{scale}"
    return env


def child(mode: str, backend: str, scale: int, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, __file__, f"--child-{mode}", str(scale), *args],
        env=env_for(backend, scale),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def child_import(scale: str) -> None:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from quaestio.dumps.generator import Options, generate
    from quaestio.dumps.importer import import_dump

    dump = ROOT / f"site{scale}.stackexchange.com"
    if not dump.exists():
        generate(dump, Options(scale=float(scale), seed=20))
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    import_dump(dump, out=sys.stderr)
    _widen_one_tag()


COMMON_TAG = "bench-everywhere"


def _widen_one_tag() -> None:
    """The generator spreads questions over more tags as the site grows (its commonest tag
    holds about 27 questions at scale 2 and at scale 20), where a real site's big tags grow
    with it (Stack Overflow's `python`: millions). So every other question also gets one tag,
    whose size follows the site's, and the kept counts are recounted."""
    from quaestio.core.counters import recount
    from quaestio.posts.models import Post, PostType
    from quaestio.tags.models import PostTag, Tag
    from quaestio.tags.related import TAG_PAIRS

    tag, _ = Tag.objects.get_or_create(name=COMMON_TAG)
    ids = (
        Post.objects.filter(post_type=PostType.QUESTION).order_by("id").values_list("id", flat=True)
    )
    PostTag.objects.bulk_create(
        [PostTag(post_id=i, tag=tag, position=9) for i in list(ids)[::2]], ignore_conflicts=True
    )
    recount(only={"tag counts", TAG_PAIRS})


def child_widen(scale: str) -> None:
    """For sites imported before the widening was part of --import."""
    setup_django()
    _widen_one_tag()


def _urls() -> dict[str, str]:
    """The same kinds of URL on each site: its commonest tag and the question of it with the
    most tags."""
    from quaestio.posts.models import Post
    from quaestio.tags.models import PostTag, Tag

    top, second = Tag.objects.order_by("-count", "id")[:2]
    newest = PostTag.objects.filter(tag=top).order_by("-post_id").values_list("post_id")[:1]
    question = Post.objects.get(id__in=newest)
    return {
        "/2.3/tags/{commonest}/related": f"/2.3/tags/{top.name}/related",
        "/2.3/tags/{two commonest}/related": f"/2.3/tags/{top.name};{second.name}/related",
        "/2.3/questions/{id}/related": f"/2.3/questions/{question.id}/related",
        "/2.3/tags?sort=popular&order=asc": "/2.3/tags?sort=popular&order=asc",
        "/2.3/tags?inname=zzq (no match)": "/2.3/tags?inname=zzq",
        "/2.3/users?inname=zzq (no match)": "/2.3/users?inname=zzq",
    }


def _old_related_tags(name: str) -> None:
    from django.db.models import Count

    from quaestio.tags.models import PostTag, Tag

    together = PostTag.objects.filter(tag__name__in=[name]).values("post_id")
    rows = (
        Tag.objects.filter(post_tags__post_id__in=together)
        .exclude(name__in=[name])
        .annotate(together=Count("post_tags"))
        .order_by("-together", "-count", "name")
    )
    list(rows[:31])


def child_measure(scale: str, repeats: str) -> None:
    setup_django()
    from quaestio.tags.models import Tag
    from quaestio.wsgi import application

    results = {}
    for name, url in _urls().items():
        serve_once(application, url)  # warm
        totals = []
        for _ in range(int(repeats)):
            wall, total, status = serve_once(application, url)
            assert status.startswith("200"), (url, status)
            totals.append(total if total is not None else wall)
        results[name] = statistics.median(totals)
    top = Tag.objects.order_by("-count", "id").first()
    _old_related_tags(top.name)
    times = []
    for _ in range(int(repeats)):
        started = time.perf_counter()
        _old_related_tags(top.name)
        times.append((time.perf_counter() - started) * 1000)
    results["old related tags (GROUP BY, for comparison)"] = statistics.median(times)
    results["(questions of the commonest tag)"] = top.count
    print(json.dumps(results))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("--child-"):
        mode = sys.argv[1].removeprefix("--child-")
        modes = {"import": child_import, "measure": child_measure, "widen": child_widen}
        modes[mode](*sys.argv[2:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--import", dest="do_import", action="store_true")
    parser.add_argument("--widen", action="store_true", help="widen one tag on imported sites")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--only-scale", type=int, help="with --import: import this size only")
    args = parser.parse_args()
    ROOT.mkdir(parents=True, exist_ok=True)
    for backend in args.backends:
        if args.widen:
            for scale in SCALES:
                child("widen", backend, scale)
            continue
        if args.do_import:
            if backend == "postgres":
                for scale in SCALES:
                    subprocess.run(
                        [
                            "createdb",
                            "-h",
                            "127.0.0.1",
                            "-U",
                            "postgres",
                            f"{PG_BASE.rsplit('/', 1)[1]}_s{scale}",
                        ],
                        check=False,
                    )
            for scale in [args.only_scale] if args.only_scale else SCALES:
                started = time.perf_counter()
                child("import", backend, scale)
                print(
                    f"{backend} scale {scale}: imported in {time.perf_counter() - started:.0f} s",
                    flush=True,
                )
            continue
        small, large = (
            json.loads(child("measure", backend, scale, str(args.repeats)).strip().splitlines()[-1])
            for scale in SCALES
        )
        print(f"{backend}: median server ms, scale {SCALES[0]} vs scale {SCALES[1]}, ratio")
        for name in small:
            ratio = large[name] / small[name] if small[name] else float("nan")
            print(f"  {name:<46} {small[name]:>9.2f} {large[name]:>9.2f}   x{ratio:.2f}")


if __name__ == "__main__":
    main()
