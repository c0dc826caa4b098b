"""Django's Redis cache, keeping one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call,
and redis-py fills a table of several hundred response callbacks in each one: about a tenth
of a millisecond, on every session read and every cached page. A ``redis.Redis`` is safe to
share (it takes a connection from its pool for each command), so one per pool is kept.

The cache is a help, never a need: when Redis cannot be reached (or answers an error), a read
finds nothing and a write keeps nothing, with a warning in the log. Every page then answers
from PostgreSQL, slower: sessions are written through to the database, kept pages and feeds
are built again, and rate limits (allauth's) count nothing until Redis is back, rather than
refusing every sign-in (a 500, or a 429 after waiting for a lock that no one can take).
"""

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import RedisError


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


logger = logging.getLogger(__name__)


def _unreachable(operation: str) -> None:
    logger.warning("the cache could not %s: going on without it", operation, exc_info=True)


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError:
            _unreachable("read")
            return default

    def get_many(self, keys: Any, version: Any = None) -> dict:
        try:
            return super().get_many(keys, version)
        except RedisError:
            _unreachable("read")
            return {}

    def has_key(self, key: Any, version: Any = None) -> bool:
        try:
            return super().has_key(key, version)
        except RedisError:
            _unreachable("read")
            return False

    def add(self, key: Any, value: Any, *args: Any, **kwargs: Any) -> bool:
        """True while Redis cannot be reached: nothing holds the key. A lock taken with
        ``add`` (allauth's rate limit takes one before counting) is granted, rather than
        waited for in vain and every sign-in refused with 429."""
        try:
            return super().add(key, value, *args, **kwargs)
        except RedisError:
            _unreachable("keep")
            return True

    def set(self, key: Any, value: Any, *args: Any, **kwargs: Any) -> None:
        try:
            super().set(key, value, *args, **kwargs)
        except RedisError:
            _unreachable("keep")

    def set_many(self, data: dict, *args: Any, **kwargs: Any) -> list:
        try:
            return super().set_many(data, *args, **kwargs)
        except RedisError:
            _unreachable("keep")
            return list(data)

    def touch(self, key: Any, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().touch(key, *args, **kwargs)
        except RedisError:
            _unreachable("keep")
            return False

    def delete(self, key: Any, version: Any = None) -> bool:
        try:
            return super().delete(key, version)
        except RedisError:
            _unreachable("forget")
            return False

    def delete_many(self, keys: Any, version: Any = None) -> None:
        try:
            super().delete_many(keys, version)
        except RedisError:
            _unreachable("forget")
