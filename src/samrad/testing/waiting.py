"""Waiting, with a bound, for something another thread or process does."""

import time
from collections.abc import Callable

DEFAULT_TIMEOUT = 30.0


def wait_until[T](
    condition: Callable[[], T],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.1,
    message: str | Callable[[], str] = "condition not met",
) -> T:
    """Call `condition` until it returns something truthy and return that; fail after `timeout` seconds.

    `message` (or a function giving it, e.g. a worker's log) explains the failure.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            explanation = message() if callable(message) else message
            raise AssertionError(f"Waited {timeout:g} s: {explanation}")
        time.sleep(interval)
