"""Results of pure functions kept for their most recent distinct inputs, in one process.

The staff home page, the NHS.UK components and a saved plan's PDF are each worked out from their
inputs alone, and the same inputs come again and again: the same person opening their home, the
same header on every page, the same plan downloaded twice. ``Recent`` keeps the last few results
by their inputs, so a repeat costs a dictionary lookup; a change to any input is a new key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

Value = TypeVar("Value")


class Same:
    """A key part equal only to the very same object (a loaded framework, say), whatever its
    fields; holding it keeps the object alive, so its identity is not reused while kept."""

    __slots__ = ("thing",)

    def __init__(self, thing: object):
        self.thing = thing

    def __hash__(self) -> int:
        return id(self.thing)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.thing is self.thing


class Recent(Generic[Value]):
    """At most ``size`` results, by key, the least recently used let go first. Safe to share
    between threads; a result being made is not locked, so two threads may both make it."""

    def __init__(self, size: int):
        self.size = size
        self._kept: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        """The result kept for ``key``, or ``make()``'s, kept from now on."""
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = make()
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._kept)

    def __iter__(self) -> Iterator[Hashable]:
        """The keys, least recently used first."""
        return iter(list(self._kept))
