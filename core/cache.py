"""
The shared cache (Redis) as an accelerator only: if it cannot be reached, every page is built without it.

Django's own Redis backend raises on a lost connection, which would turn every cached page into a 500 while
nothing on it needs the cache to be right (cached figures are keyed by version tokens read from the
database: core.stamps, measures.queries.version). This backend answers as if the cache were empty instead:
a read is a miss, a write is dropped, and ``add`` says yes (nobody else can hold a lock the cache cannot
store, so the caller goes ahead and computes). After a failure it does not try again for ``RETRY_SECONDS``,
so a dead cache costs no connection timeout per request, and it logs the failure once a minute, not once a
request. Written by hand: django-redis's IGNORE_EXCEPTIONS logs every request and still waits for each timeout.
"""
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 10.0
LOG_EVERY_SECONDS = 60.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class OptionalRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._state = threading.Lock()
        self._down_until = 0.0
        self._logged_at = float("-inf")
        self._failures = 0

    def _try(self, method, answer_when_down, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return answer_when_down
        try:
            return getattr(super(), method)(*args, **kwargs)
        except UNREACHABLE as error:
            self._went_down(error)
            return answer_when_down

    def _went_down(self, error):
        now = time.monotonic()
        with self._state:
            self._down_until = now + RETRY_SECONDS
            self._failures += 1
            if now - self._logged_at < LOG_EVERY_SECONDS:
                return
            self._logged_at, failures, self._failures = now, self._failures, 0
        logger.warning(
            "The cache at %s cannot be reached (%s); pages are built without it (%d failure(s) since the last "
            "message; next message in a minute at most).", self._where(), error, failures,
        )

    def _where(self):
        """The server's host and port, never its password."""
        from urllib.parse import urlsplit

        location = urlsplit(self._servers[0])
        return f"{location.hostname}:{location.port or 6379}"

    def get(self, key, default=None, version=None):
        return self._try("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._try("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._try("has_key", False, key, version)

    def add(self, key, value, timeout=None, version=None):
        return self._try("add", True, key, value, timeout, version)

    def set(self, key, value, timeout=None, version=None):
        return self._try("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._try("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._try("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._try("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._try("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        if time.monotonic() < self._down_until:
            raise ValueError(f"Key '{key}' not found (the cache cannot be reached).")
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._went_down(error)
            raise ValueError(f"Key '{key}' not found (the cache cannot be reached).") from error

    def clear(self):
        return self._try("clear", False)
