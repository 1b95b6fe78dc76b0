"""How often one client or one address may try to log in: fixed-window counters in the shared cache.

A rate is written like "5/h", "10/15m" or "100/d" (count / period). Each window is a cache entry whose key holds
the window's number, so a counter never outlives its window and every web process sees the same count.

The counters are kept here rather than with django-ratelimit: its counter relies on `cache.incr` keeping the
entry's expiry, which the database cache (the default here) does not do: it resets the entry to the cache's
default timeout, so a patient client could start a fresh count every few minutes. `cache.touch` puts the expiry
back after each increment. The database cache increments by read-and-write, so a burst of simultaneous requests
can be under-counted by a few; Redis (REDIS_URL) counts atomically.
"""

import ipaddress
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

_RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
# Keep an entry a little past the end of its window so that a slow request still finds it.
_GRACE_SECONDS = 5


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        match = _RATE_PATTERN.match(text)
        if match is None:
            raise ValueError(f"A rate looks like '5/h' or '10/15m', not {text!r}.")
        count, multiplier, unit = match.groups()
        period = _SECONDS[unit] * (int(multiplier) if multiplier else 1)
        if period <= 0:
            raise ValueError(f"The period of {text!r} must be longer than zero.")
        return cls(limit=int(count), period=period)


def _cache_key(scope: str, value: str, rate: Rate, window: int) -> str:
    # The value (an e-mail address or an IP address) is not stored in the cache as such.
    digest = salted_hmac("samrad.accounts.throttles", f"{scope}\n{value}", algorithm="sha256").hexdigest()
    return f"throttle:{scope}:{rate.limit}/{rate.period}:{digest}:{window}"


def _window(rate: Rate) -> tuple[int, int]:
    """The current window's number and the seconds its counter must live."""
    now = time.time()
    window = int(now // rate.period)
    remaining = math.ceil((window + 1) * rate.period - now)
    return window, remaining + _GRACE_SECONDS


def throttle_hit(*, scope: str, value: str, rate: str) -> bool:
    """Count one attempt by `value` in `scope`. True when this attempt is over the limit."""
    parsed = Rate.parse(rate)
    window, ttl = _window(parsed)
    key = _cache_key(scope, value, parsed, window)
    cache.add(key, 0, timeout=ttl)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=ttl)
        count = 1
    cache.touch(key, timeout=ttl)
    return count > parsed.limit


def throttle_reached(*, scope: str, value: str, rate: str) -> bool:
    """True when `value` has used up its attempts in `scope` for the current window (counts nothing)."""
    parsed = Rate.parse(rate)
    window, _ttl = _window(parsed)
    count = cache.get(_cache_key(scope, value, parsed, window), 0)
    return int(count) >= parsed.limit


def _mark_key(scope: str, value: str) -> str:
    digest = salted_hmac("samrad.accounts.throttles", f"{scope}\n{value}", algorithm="sha256").hexdigest()
    return f"throttle-mark:{scope}:{digest}"


def mark_set(*, scope: str, value: str, seconds: int) -> None:
    """Remember that something happened to `value` in `scope` now (e.g. a login link was mailed), for `seconds`."""
    cache.set(_mark_key(scope, value), time.time(), timeout=seconds)


def mark_get(*, scope: str, value: str) -> float | None:
    """When `mark_set` last ran for `value` in `scope` (a Unix time), or None if never or long ago."""
    stamp = cache.get(_mark_key(scope, value))
    return float(stamp) if stamp is not None else None


def client_ip(request: HttpRequest) -> str:
    """The client's address for rate limits. IPv6 clients are counted per /64, the smallest block a
    household or office usually gets. Behind a reverse proxy, set CLIENT_IP_HEADER (e.g. "HTTP_X_REAL_IP")
    to the header the proxy sets; from a list (X-Forwarded-For) the last entry, the one our proxy added, counts."""
    header = getattr(settings, "CLIENT_IP_HEADER", "") or "REMOTE_ADDR"
    raw = (request.META.get(header) or request.META.get("REMOTE_ADDR") or "").split(",")[-1].strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
