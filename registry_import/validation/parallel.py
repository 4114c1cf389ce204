"""Running one piece of the row checking in a second process, so that a national extract's
checks use both cores of the machine.

The piece runs in a child forked from the importing process: it starts with everything the
parent has loaded (settings, translations, the libraries' data) and sends its result back
pickled. The child computes only; it never touches the database connection, the cache or the
log it shares with the parent, and it leaves with os._exit so that nothing the parent owns is
closed or flushed from it. Where fork is not available, or fails, the piece runs in this
process."""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from multiprocessing.connection import Pipe
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The piece raised in the child, or the child died before answering."""


class Pending(Generic[T]):
    """A piece of work running in a child process (or, without fork, already done here)."""

    def __init__(self, func: Callable[..., T], *args: Any) -> None:
        self._done: tuple[bool, Any] | None = None
        self._pid = 0
        if not hasattr(os, "fork"):
            self._done = (True, func(*args))
            return
        receiver, sender = Pipe(duplex=False)
        try:
            pid = os.fork()
        except OSError:  # no process to be had (memory, process limits): do it here
            receiver.close()
            sender.close()
            self._done = (True, func(*args))
            return
        if pid == 0:  # the child
            receiver.close()
            try:
                try:
                    message: tuple[bool, Any] = (True, func(*args))
                except BaseException as error:
                    message = (False, f"{type(error).__name__}: {error}")
                sender.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
            finally:
                os._exit(0)
        sender.close()
        self._pid = pid
        self._receiver = receiver

    def __enter__(self) -> Pending[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """A child whose result was never asked for (the parent failed meanwhile) is stopped."""
        if self._done is None and self._pid:
            os.kill(self._pid, signal.SIGKILL)
            self._receiver.close()
            os.waitpid(self._pid, 0)
            self._done = (False, "stopped")

    def result(self) -> T:
        """The piece's result, waiting for it."""
        if self._done is None:
            try:
                self._done = pickle.loads(self._receiver.recv_bytes())  # noqa: S301 - our own child
            except EOFError:
                self._done = (False, "the child process stopped without an answer")
            finally:
                self._receiver.close()
                os.waitpid(self._pid, 0)
        succeeded, value = self._done
        if not succeeded:
            raise ChildFailed(value)
        return cast(T, value)
