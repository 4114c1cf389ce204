"""How far an import has come, told to a callback (the upload page's progress bar)."""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[int, int], None]


class Progress:
    """Reports (done, total) to the callback about every half per cent, not on every row."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.done = 0
        self.total = 0
        self._next = 0

    def start(self, total: int) -> None:
        self.total = max(total, 1)
        self._report()

    def step(self, count: int = 1) -> None:
        self.done = min(self.done + count, self.total)
        if self.done >= self._next:
            self._report()

    def finish(self) -> None:
        self.done = self.total
        self._report()

    def _report(self) -> None:
        self._next = self.done + max(self.total // 200, 1)
        if self.callback is not None:
            self.callback(self.done, self.total)
