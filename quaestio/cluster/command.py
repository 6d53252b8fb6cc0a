"""`quaestio cluster --web N`: the deployment of docs/deployment.md on one machine, for
development — N `quaestio serve` processes (one Granian worker each) behind a round-robin proxy
(quaestio.cluster.proxy, standing in for nginx), and the task worker (`quaestio manage
db_worker`), all configured by the environment this command passes on.

Set DATABASE_URL (PostgreSQL) and REDIS_URL as a deployment does; without them the processes
share the embedded SQLite file, whose database also holds the shared cache.
"""

from __future__ import annotations

import argparse
import os
import sys

from django.conf import settings

from quaestio.cli_commands import granian_command, live_command, served_site_url, setup
from quaestio.cluster.runner import Program, Runner

DATABASE_TASKS = "django_tasks_db.DatabaseBackend"


def cluster_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--web", type=int, default=3, help="web processes (default 3)")
    parser.add_argument("--host", default=os.environ.get("QUAESTIO_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("QUAESTIO_PORT", "8000")),
        help="the proxy's port (default 8000); web processes listen on the ports after it",
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="no task worker: background work runs inside the web processes",
    )


def programs(args) -> list[Program]:
    """The processes of the cluster and the environment each is given."""
    env = {
        "QUAESTIO_DATA_DIR": str(settings.DATA_DIR),
        # The links pages write name the proxy, the address visitors use.
        "QUAESTIO_SITE_URL": os.environ.get(
            "QUAESTIO_SITE_URL", served_site_url(args.host, args.port)
        ),
        # Every request reaches a web process through the proxy, which appends the visitor's
        # address: rate limits and throttles must count the visitor, not the proxy.
        "QUAESTIO_TRUSTED_PROXY_HEADER": "X-Forwarded-For",
    }
    if not args.no_worker:
        env["QUAESTIO_TASK_BACKEND"] = os.environ.get("QUAESTIO_TASK_BACKEND", DATABASE_TASKS)
    web_ports = [args.port + n for n in range(1, args.web + 1)]
    found = [
        Program(f"web.{n}", granian_command("127.0.0.1", port, 1), env)
        for n, port in enumerate(web_ports, start=1)
    ]
    # The live-updates process (ASGI) holds the pages' streams; the proxy sends /live/ to it.
    live_port = args.port + args.web + 1
    found.append(Program("live", live_command("127.0.0.1", live_port), env))
    proxy = [sys.executable, "-m", "quaestio.cluster.proxy", "--listen", f"{args.host}:{args.port}"]
    for port in web_ports:
        proxy += ["--backend", f"127.0.0.1:{port}"]
    proxy += ["--live-backend", f"127.0.0.1:{live_port}"]
    found.append(Program("proxy", proxy, env))
    if not args.no_worker:
        worker = [sys.executable, "-m", "quaestio.cli", "manage", "db_worker"]
        found.append(Program("worker", worker + ["--no-startup-delay", "-v", "1"], env))
    return found


def cluster(args) -> int:
    if args.web < 1:
        print("--web must be at least 1", file=sys.stderr)
        return 2
    setup()  # once, before any process serves: migrations and static files
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache = "Redis" if settings.REDIS_URL else "the database (no REDIS_URL)"
    print(
        f"Quaestio cluster: {args.web} web processes behind "
        f"{served_site_url(args.host, args.port)}/, database {database}, shared cache {cache}, "
        f"{'no task worker' if args.no_worker else 'task worker'}. Ctrl+C stops everything.",
        flush=True,
    )
    return Runner(programs(args)).run()
