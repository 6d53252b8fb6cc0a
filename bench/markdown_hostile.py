"""How long the one renderer takes on hostile input (the preview endpoint's work per keystroke pause).

Run: QUAESTIO_DATA_DIR=/tmp/bench-data .venv/bin/python -m bench.markdown_hostile
Prints the median and worst of 15 renders per input of the hostile corpus the tests use,
beside an ordinary 2,000-character post for scale.
"""

from __future__ import annotations

import os
import statistics
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()
    from quaestio.core.markdown import render_post
    from tests.posts.test_markdown_preview_hostile import HOSTILE

    ordinary = (
        "A paragraph with **bold**, *italic*, a [link](https://example.org) and `code`.\n\n" * 25
    )
    cases = {"ordinary 2k post": ordinary, **HOSTILE}
    print(f"{'input':28} {'chars':>7} {'median ms':>10} {'worst ms':>9}")
    for name, source in cases.items():
        timings = []
        for _ in range(15):
            started = time.perf_counter()
            render_post(source)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"{name:28} {len(source):7,} {statistics.median(timings):10.2f} {max(timings):9.2f}")


if __name__ == "__main__":
    main()
