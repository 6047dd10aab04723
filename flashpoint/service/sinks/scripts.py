"""The Lua script that writes one article's alert state to Redis, atomically and conditionally.

The sink reads what it needs (the article's replay marker, the LSH buckets, the candidate
stories) in one round trip, decides in Python (``alerts.decide_alert``), then sends every write
in this one script. The script first checks that nothing it decided on has changed since the
read: the marker is still absent, every LSH bucket that was empty still is (else another worker
just started the same story), and the story is at the version that was read. Only then does it
write; otherwise it writes nothing and answers ``conflict``, and the sink reads and decides
again. That is the optimistic transaction WATCH/MULTI/EXEC gave, in one command instead of
about seventy-five, and without false conflicts on keys another writer merely touched.

Arguments: ``KEYS`` are the marker, the story hash, the two sorted sets, the two streams, then
the LSH bucket keys; ``ARGV[1]`` is a JSON plan (see :func:`RedisAlertSink._plan`).
"""

from __future__ import annotations

WRITE_ALERT = """
local plan = cjson.decode(ARGV[1])
local marker, story, recent, country_recent = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local stream, country_stream = KEYS[5], KEYS[6]
local first_band = 7

if redis.call('EXISTS', marker) == 1 then
  return 'replay'
end
for _, index in ipairs(plan.absent_bands) do
  if redis.call('EXISTS', KEYS[first_band + index]) == 1 then
    return 'conflict'
  end
end
local version = redis.call('HGET', story, 'version')
if plan.expected_version == -1 then
  if version then return 'conflict' end
elseif tonumber(version) ~= plan.expected_version then
  return 'conflict'
end

local ttl = plan.ttl
redis.call('SET', marker, plan.story_id, 'EX', ttl)
for i = first_band, #KEYS do
  redis.call('SET', KEYS[i], plan.story_id, 'NX', 'EX', ttl)
end
if plan.mode == 'reprint' then
  redis.call('HINCRBY', story, 'reprints', 1)
  redis.call('HSET', story, 'updated_at', plan.updated_at)
  redis.call('EXPIRE', story, ttl)
  return 'ok'
end

local fields = {}
for name, value in pairs(plan.story) do
  fields[#fields + 1] = name
  fields[#fields + 1] = value
end
redis.call('HSET', story, unpack(fields))
redis.call('EXPIRE', story, ttl)
-- sorted sets: bounded by age and by count on every write; a country's expires when it is quiet
local oldest_score = '(' .. plan.oldest_score
for _, zset in ipairs({recent, country_recent}) do
  redis.call('ZADD', zset, plan.score, plan.story_id)
  redis.call('ZREMRANGEBYSCORE', zset, '-inf', oldest_score)
end
redis.call('ZREMRANGEBYRANK', recent, 0, -(tonumber(plan.recent_max) + 1))
redis.call('ZREMRANGEBYRANK', country_recent, 0, -(tonumber(plan.country_recent_max) + 1))
redis.call('EXPIRE', country_recent, ttl)
-- the main stream: bounded by length and by age; a country stream holds only what is still in
-- the main stream (one total cap for all of them) and expires when the country is quiet
local entry = {'alert', plan.payload, 'id', plan.alert_id, 'severity', plan.severity, 'country', plan.country}
redis.call('XADD', stream, 'MAXLEN', '~', plan.maxlen, '*', unpack(entry))
redis.call('XTRIM', stream, 'MINID', '~', plan.oldest_id)
redis.call('XADD', country_stream, 'MAXLEN', '~', plan.maxlen, '*', unpack(entry))
local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
redis.call('XTRIM', country_stream, 'MINID', first and first[1] or plan.oldest_id)
redis.call('EXPIRE', country_stream, ttl)
redis.call('PUBLISH', stream, plan.payload)
redis.call('PUBLISH', country_stream, plan.payload)
return 'ok'
"""
