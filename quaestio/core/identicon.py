"""Identicons drawn here as SVG, so avatars never make a request to another site."""

from __future__ import annotations

import hashlib
from functools import lru_cache

GRID = 5


@lru_cache(maxsize=4096)
def identicon_svg(seed: str) -> str:
    """A symmetric 5×5 pattern and a colour, both derived from a hash of `seed`."""
    digest = hashlib.sha256(seed.encode()).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    colour = f"hsl({hue},55%,50%)"
    cells = []
    bits = int.from_bytes(digest[2:6], "big")
    half = (GRID + 1) // 2
    for row in range(GRID):
        for column in range(half):
            if bits & 1:
                for x in {column, GRID - 1 - column}:
                    cells.append(f'<rect x="{x}" y="{row}" width="1" height="1"/>')
            bits >>= 1
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-0.5 -0.5 6 6" role="img" aria-hidden="true">'
        f'<rect x="-0.5" y="-0.5" width="6" height="6" fill="#f2f2f2"/><g fill="{colour}">'
        + "".join(cells)
        + "</g></svg>"
    )
