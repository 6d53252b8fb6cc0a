"""Serve one path N times in-process through the WSGI application, for instruction counts.

Wall-clock figures on a shared 2-core machine move with whatever else runs; the instructions a
request executes do not. Run this twice under valgrind's callgrind, with 0 and with N requests
after the same warm-up, and divide the difference by N:

    export QUAESTIO_DATA_DIR=/tmp/demo-data   # a data directory holding the demo (quaestio demo)
    count() { PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python bench/wsgi_requests.py "$1" "$2" 2>&1 | awk '/Collected/ {print $4}'; }
    page=/questions/38738/why-did-stalin-have-trotsky-killed
    echo $(( ($(count $page 100) - $(count $page 0)) / 100 )) instructions per request

(PYTHONHASHSEED is fixed because string hashing changes dict and set layouts, and with them the
count.) Each run takes about a minute. To compare two versions of the code, run the same
commands with PYTHONPATH pointing at an unpacked copy of the other version (`git archive REV`)
and from outside the checkout, so that the copy is the one imported.
"""

from __future__ import annotations

import io
import os
import sys

WARM_UP = 20


def environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def main() -> None:
    path, requests = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    from quaestio.wsgi import application

    statuses = []
    for _ in range(WARM_UP + requests):
        body = application(environ(path), lambda status, headers, exc=None: statuses.append(status))
        b"".join(body)
        body.close()
    if not statuses[-1].startswith("200"):
        raise SystemExit(f"{path} answered {statuses[-1]}, not 200: is the demo loaded?")


if __name__ == "__main__":
    main()
