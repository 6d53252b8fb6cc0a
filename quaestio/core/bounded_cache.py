"""A least-recently-used map bounded by the bytes its values hold, for per-process caches of
rendered text whose entries differ wildly in size (a one-line thread and a thousand-answer one).

Per process and never shared: only for values that are pure functions of their key, where every
process computing its own copy is correct (a thread keyed on its version read from the database,
a body's plain text keyed on the body).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class BoundedCache:
    """At most `max_bytes` of values (as `size` measures them); a value larger than a tenth of
    the budget is not kept, so one huge thread cannot empty the cache of the others."""

    def __init__(self, max_bytes: int, size: Callable[[object], int]) -> None:
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        found = self._items.get(key)
        if found is None:
            return None
        try:
            self._items.move_to_end(key)
        except KeyError:  # evicted by another thread in between
            pass
        return found[0]

    def put(self, key: Hashable, value) -> None:
        size = self._size(value)
        if size > self.max_bytes // 10:
            self.discard(key)
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, (_value, evicted) = self._items.popitem(last=False)  # the oldest first
                self._bytes -= evicted

    def resize(self, key: Hashable) -> None:
        """The value under `key` grew in place: count it again."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                size = self._size(found[0])
                self._items[key] = (found[0], size)
                self._bytes += size - found[1]

    def discard(self, key: Hashable) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[Hashable]:
        return list(self._items)
