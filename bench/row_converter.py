"""Dump row conversion: each converter of quaestio/dumps/rows.py, seconds for the same rows.

    .venv/bin/python bench/row_converter.py                 # 200,000 rows
    .venv/bin/python bench/row_converter.py --rows 50000 --repeat 5

Reads the rows of a generated dump (quaestio.dumps.generator, cached under /tmp as
bench/dump_import.py caches it), then converts `--rows` of them (the dump's mix of files) with
each converter rows.py has, best of `--repeat` interleaved rounds, and prints seconds in all,
microseconds a row, and seconds by file. Seconds are CPU seconds of the process (time.process_time): on
a shared machine wall time swung by half between identical runs. Conversion is pure Python
work of the parsing process; HTML files (Posts, PostHistory, Comments) also sanitise bodies,
which costs the same whichever converter calls it. Run on a quiet machine and read the
figures as that moment's.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def setup() -> None:
    os.environ.setdefault("QUAESTIO_DATA_DIR", tempfile.mkdtemp(prefix="quaestio-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()


def dump_rows(folder: Path, count: int) -> list[tuple]:
    """(spec, attributes, line) of `count` rows: the dump's files in import order, again
    from the start until there are enough (so the mix of kinds is the dump's)."""
    from quaestio.dumps.schema import IMPORT_ORDER
    from quaestio.dumps.source import DumpSource
    from quaestio.dumps.xmlio import iter_rows

    every = []
    source = DumpSource(folder)
    for spec in IMPORT_ORDER:
        with source.open(spec.filename) as (stream, _size):
            every += [(spec, a, n) for a, n in iter_rows(stream, spec.filename, spec.root)]
    return list(itertools.islice(itertools.cycle(every), count))


def timed(converters: dict, rows: list[tuple]) -> dict:
    """Seconds a file's share of the rows took, by file."""
    seconds = {}
    for spec, group in itertools.groupby(rows, key=lambda row: row[0]):
        convert = converters[spec]
        started = time.process_time()
        for _spec, attributes, line in group:
            convert(attributes, line)
        seconds[spec.filename] = seconds.get(spec.filename, 0.0) + time.process_time() - started
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="the generated dump's size")
    args = parser.parse_args()
    setup()
    from bench.dump_import import generated
    from quaestio.dumps import rows as module
    from quaestio.dumps.schema import IMPORT_ORDER

    builders = {
        name: getattr(module, name)
        for name in (
            "build_converter",
            "compiled_converter",
            "reference_converter",
        )  # any there are
        if hasattr(module, name)
    }
    rows = dump_rows(generated(args.scale), args.rows)
    converters = {}
    for name, build in builders.items():
        converters[name] = {}
        for spec in IMPORT_ORDER:
            columns, defaults = module.table_columns(spec.table)
            converters[name][spec] = build(spec, columns, list(defaults))
    best: dict[str, dict[str, float]] = {}
    for _round in range(args.repeat):  # interleaved, so a busy moment hits every converter
        for name in builders:
            seconds = timed(converters[name], rows)
            if name not in best or sum(seconds.values()) < sum(best[name].values()):
                best[name] = seconds
    print(f"{len(rows):,} rows (the dump's mix), best of {args.repeat} interleaved rounds")
    for name, seconds in best.items():
        total = sum(seconds.values())
        print(f"  {name:<20} {total:7.3f} s  {total / len(rows) * 1e6:6.2f} µs/row")
        for filename, spent in seconds.items():
            print(f"    {filename:<16} {spent:7.3f} s")


if __name__ == "__main__":
    main()
