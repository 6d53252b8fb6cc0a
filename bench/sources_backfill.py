"""How fast a post's sources are read (the backfill's and the dump importer's work per post),
and what the preview's extra parse costs on hostile input.

Run: QUAESTIO_DATA_DIR=/tmp/bench-data .venv/bin/python -m bench.sources_backfill
Prints CPU time per post for sources_of on ordinary posts with and without sources and for
sources_of_html, then sources_of on the hostile corpus the preview tests use (the preview now
parses each text twice: render_post and problems_of).
"""

from __future__ import annotations

import os
import time


def _cpu_ms(fn, text: str, runs: int) -> float:
    started = time.process_time()
    for _ in range(runs):
        fn(text)
    return (time.process_time() - started) * 1000 / runs


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()
    from quaestio.core.markdown import render_post
    from quaestio.sources.extract import sources_of, sources_of_html
    from tests.posts.test_markdown_preview_hostile import HOSTILE

    plain = "A paragraph with **bold**, *italic* and `code`, long as answers are.\n\n" * 12
    cited = plain + (
        "See [the archive](https://www.marxists.org/archive/trotsky/), doi:10.1000/182, "
        "ISBN 978-0-306-40615-7 and Service (2005), *Stalin: A Biography*.\n"
    )
    cases = {
        "sources_of, 1k post citing nothing": (sources_of, plain),
        "sources_of, 1k post citing four": (sources_of, cited),
        "sources_of_html, same post's HTML": (sources_of_html, render_post(cited)),
        "render_post, same post (for scale)": (render_post, cited),
    }
    print(f"{'work':40} {'CPU ms/post':>12} {'posts/s':>9}")
    for name, (fn, text) in cases.items():
        ms = _cpu_ms(fn, text, 300)
        print(f"{name:40} {ms:12.3f} {1000 / ms:9,.0f}")
    print(f"\n{'hostile preview input':28} {'chars':>7} {'sources_of ms':>14}")
    for name, text in HOSTILE.items():
        print(f"{name:28} {len(text):7,} {_cpu_ms(sources_of, text, 5):14.1f}")


if __name__ == "__main__":
    main()
