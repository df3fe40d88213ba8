"""The Lua scripts of the Redis outbox (``app.outbox.redis``): each read-then-write is one script, so no two workers
claim the same job and a crash never leaves half a change. ``ARGV[1]`` is always the key prefix."""

ENQUEUE = """
local p = ARGV[1]
local id = redis.call('INCR', p .. 'seq')
if not redis.call('SET', p .. 'seen:' .. ARGV[2], id, 'NX', 'EX', ARGV[6]) then return 0 end
redis.call('HSET', p .. 'job:' .. id, 'msg_id', ARGV[2], 'user_id', ARGV[3], 'event', ARGV[4], 'state', 'pending',
           'attempts', 0, 'last_error', '', 'created_at', ARGV[5], 'updated_at', ARGV[5], 'channel', ARGV[7])
if ARGV[8] ~= '' then redis.call('HSET', p .. 'job:' .. id, 'message', string.sub(ARGV[8], 2)) end
redis.call('ZADD', p .. 'due', ARGV[9], id)
redis.call('LPUSH', p .. 'wake', id)
redis.call('LTRIM', p .. 'wake', 0, 0)
return id
"""
CLAIM = """
local p = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', p .. 'due', '-inf', ARGV[2], 'LIMIT', 0, 1)
if #ids == 0 then return false end
local key = p .. 'job:' .. ids[1]
if redis.call('EXISTS', key) == 0 then redis.call('ZREM', p .. 'due', ids[1]) return false end
redis.call('ZADD', p .. 'due', ARGV[3], ids[1])
local attempts = redis.call('HINCRBY', key, 'attempts', 1)
local unsure = redis.call('HINCRBY', key, 'unsure', tonumber(redis.call('HGET', key, 'in_flight') or '0'))
redis.call('HSET', key, 'updated_at', ARGV[4], 'in_flight', 1)
local f = redis.call('HMGET', key, 'msg_id', 'user_id', 'event', 'message', 'channel')
return {ids[1], attempts, f[1], f[2], f[3], f[4], unsure, f[5]}
"""
DEAD_LETTER = """
local p, id, now = ARGV[1], ARGV[2], ARGV[7]
local letter = redis.call('INCR', p .. 'letter-seq')
redis.call('HSET', p .. 'letter:' .. letter, 'job_id', id, 'user_id', ARGV[3], 'message', ARGV[4],
           'reason', ARGV[5], 'attempts', ARGV[6], 'created_at', now, 'channel', ARGV[8])
redis.call('ZADD', p .. 'letters', letter, letter)
redis.call('HSET', p .. 'job:' .. id, 'state', 'dead', 'last_error', ARGV[5], 'updated_at', now, 'in_flight', 0)
redis.call('ZREM', p .. 'due', id)
redis.call('ZADD', p .. 'dead', now, id)
return letter
"""
