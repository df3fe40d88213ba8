"""The Zalo OA token pair in Redis, and the lock that lets one worker at a time spend its single-use refresh token
(the refresh itself, and the waiting for another worker's, are ``app.channels.zalo.tokens``).

The pair is the hash ``<prefix>zalo:tokens``; the lock is ``<prefix>zalo:tokens:lock``, taken with ``SET NX PX`` so
that a worker that dies mid-refresh frees it when it expires, and released only by its owner (compare-and-delete).
A new pair must survive a Redis crash, since the old refresh token is spent by then: its write is retried through a
short outage and, where the server has ``WAITAOF`` (Redis >= 7.2) and an AOF, waited on until it is on disk.
"""

from __future__ import annotations

import logging
import time
from typing import cast

import redis
from redis.typing import EncodableT, FieldT

from app.outbox.base import TokenPair

log = logging.getLogger(__name__)
SAVE_TRIES = 20  # about 10 s of retrying the one write whose loss means re-authorising the OA by hand

SEED = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'access_token', ARGV[1], 'refresh_token', ARGV[2], 'expires_at', ARGV[3],
           'updated_at', ARGV[4])
return 1
"""
TAKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisTokens:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis = client
        self.pair_key, self.lock_key = prefix + "tokens", prefix + "tokens:lock"
        self._seed, self._take = client.register_script(SEED), client.register_script(TAKE)
        self._release = client.register_script(RELEASE)
        self._waitaof = True  # until the server says it has no WAITAOF (before 7.2) or no AOF

    def load(self) -> TokenPair | None:
        row = cast(dict[str, str], self.redis.hgetall(self.pair_key))  # decode_responses=True
        if not row:
            return None
        expires = row.get("expires_at", "")
        return TokenPair(row["access_token"], row["refresh_token"], float(expires) if expires else None)

    def save(self, pair: TokenPair, now: float) -> None:
        for attempt in range(1, SAVE_TRIES + 1):
            try:
                with self.redis.pipeline() as pipe:  # MULTI: the whole new pair or none of it
                    pipe.hset(self.pair_key, mapping=self._fields(pair, now))
                    pipe.delete(self.lock_key)  # as the SQLite store does: a saved pair ends any refresh
                    pipe.execute()
                break
            except (redis.ConnectionError, redis.TimeoutError):
                if attempt == SAVE_TRIES:
                    log.critical("the new Zalo token pair could not be stored in Redis; the old refresh token is"
                                 " spent: re-authorise the OA and run `tongdai zalo-token set`")
                    raise
                time.sleep(0.5)
        self._sync()

    def seed(self, pair: TokenPair, now: float) -> bool:
        fields = self._fields(pair, now)
        seeded = bool(self._seed(keys=[self.pair_key], args=[fields["access_token"], fields["refresh_token"],
                                                             fields["expires_at"], fields["updated_at"]]))
        if seeded:
            self._sync()
        return seeded

    def take_lease(self, owner: str, now: float, seconds: float) -> bool:
        # Redis's own clock expires the lock (PX), so clocks that differ between machines cannot double-book it.
        return bool(self._take(keys=[self.pair_key, self.lock_key], args=[owner, int(seconds * 1000)]))

    def end_lease(self, owner: str) -> None:
        self._release(keys=[self.lock_key], args=[owner])

    @staticmethod
    def _fields(pair: TokenPair, now: float) -> dict[FieldT, EncodableT]:
        return {"access_token": pair.access_token, "refresh_token": pair.refresh_token,
                "expires_at": "" if pair.expires_at is None else repr(pair.expires_at), "updated_at": repr(now)}

    def _sync(self) -> None:
        """Wait (at most 2 s) until the local AOF has the write on disk, where the server can say so."""
        if not self._waitaof:
            return
        try:
            self.redis.execute_command("WAITAOF", 1, 0, 2000)  # type: ignore[no-untyped-call]
        except redis.ResponseError as exc:  # an older server, or no AOF (check() warns about that)
            log.debug("no WAITAOF on this Redis (%s): the token pair is as durable as appendfsync makes it", exc)
            self._waitaof = False
