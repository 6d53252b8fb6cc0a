"""The bodies of the `quaestio` subcommands listed in cli.py."""

from __future__ import annotations

import argparse
import os
import sys

from django.conf import settings
from django.core.management import call_command


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("QUAESTIO_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("QUAESTIO_PORT", "8000")))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("QUAESTIO_WORKERS", "2")),
        help="worker processes (default 2, one per core on our machines)",
    )
    parser.add_argument(
        "--live-port",
        type=int,
        default=int(os.environ.get("QUAESTIO_LIVE_PORT", "0")),
        help="port of the live-updates process (ASGI, /live/ streams; default: the port after --port)",
    )
    parser.add_argument(
        "--no-live",
        action="store_true",
        help="no live-updates process: pages poll the web workers for changes instead",
    )


def manage_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "args", nargs=argparse.REMAINDER, help="the management command and its arguments"
    )


def setup(args=None) -> int:
    """Create the data directory and bring its database and static files up to date; a
    database written by a newer release is refused before anything touches it."""
    from quaestio.backups.upgrade import NewerDatabaseError, migrate_with_progress

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    try:
        migrate_with_progress()
    except NewerDatabaseError as error:
        raise SystemExit(f"Quaestio will not start: {error}") from error
    call_command("collectstatic", interactive=False, verbosity=0)
    from quaestio.dumps.pipeline import remove_stale_spools

    remove_stale_spools()  # left by an import that was killed (kill -9) before cleaning up
    return 0


def demo(args) -> int:
    from quaestio.demo.accounts import demo_accounts_text
    from quaestio.demo.loader import load_demo
    from quaestio.posts.models import Post

    setup()
    if Post.objects.exists():
        print(f"The data directory {settings.DATA_DIR} already holds a site; serving it as it is.")
    else:
        counts = load_demo()
        print("Demo community loaded: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
    accounts = demo_accounts_text()
    if accounts:
        print(accounts, flush=True)
    return serve(args, already_set_up=True)


def served_site_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches the server at: the site's own links (API
    `link` fields, feeds) are built on it unless QUAESTIO_SITE_URL names the public address."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve(args, already_set_up: bool = False) -> int:
    if not already_set_up:
        setup()
    # The workers read settings afresh from this environment, so the links they write name the
    # port being served, not the default's.
    os.environ.setdefault("QUAESTIO_SITE_URL", served_site_url(args.host, args.port))
    print(
        f"Quaestio is serving {settings.DATA_DIR} on {served_site_url(args.host, args.port)}/ "
        "(Ctrl+C stops it)",
        flush=True,
    )
    command = granian_command(args.host, args.port, args.workers)
    # Workers inherit the environment, so they see the same data directory and database.
    os.environ["QUAESTIO_DATA_DIR"] = str(settings.DATA_DIR)
    if args.no_live:
        os.execv(sys.executable, command)
        return 0  # not reached
    return _serve_with_live(args, command)


def _serve_with_live(args, web_command: list[str]) -> int:
    """The WSGI workers and, beside them, the ASGI process holding the pages' live streams
    (docs/deployment.md: why two servers). Without a router in front, pages open their stream
    on the live process's own port: it answers them with CORS for the site's origin."""
    from quaestio.cluster.runner import Program, Runner

    live_port = args.live_port or args.port + 1
    stream_url = served_site_url(args.host, live_port) + "/live/stream"
    os.environ.setdefault("QUAESTIO_LIVE_URL", stream_url)
    print(f"Live updates on {stream_url}", flush=True)
    programs = [
        Program("web", web_command),
        Program("live", live_command(args.host, live_port)),
    ]
    return Runner(programs).run()


def live_command(host: str, port: int) -> list[str]:
    """The live-updates process: one ASGI worker whose event loop holds every open stream."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asginl",  # ASGI without lifespan, which Django does not implement
        "quaestio.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-ws",
        "--log-level",
        "warning",
    ]


def granian_command(host: str, port: int, workers: int) -> list[str]:
    """The production server's command line (`quaestio serve` and `quaestio cluster` use it)."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "quaestio.wsgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        "1",
        "--no-ws",
        "--log-level",
        "warning",
    ]


def recount_counters(args) -> int:
    from quaestio.core.counters import POST_SCORES, recount

    def report(name: str, changed: int) -> None:
        print(f"  {name}: {changed:,} corrected", flush=True)

    print("Recounting from the rows…")
    changed = recount(progress=report)
    if changed.get(POST_SCORES):
        # PostgreSQL's search documents carry each post's score (search/backends/postgres_facts).
        from quaestio.search.services import refresh_scores

        refresh_scores()
    return 0


def manage(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["quaestio manage", *args.args])
    return 0
