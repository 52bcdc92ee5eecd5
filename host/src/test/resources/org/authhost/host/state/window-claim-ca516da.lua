-- The window script (WINDOW) of the previous version, as main at ca516da sent it (the low form
-- without a deadline, an expiry written at every FIRST): RedisWindowDeadlineTest runs it beside this
-- version's on the same records, as hosts of both versions on one Redis would.
if redis.call('GET', KEYS[2]) ~= ARGV[#ARGV] then return -9 end
local function ring(key, n, width, ttl)
local pos = 96 + n % width
local top = n + 1
if top >= 1e15 then top = string.format('%.0f', top) end
local e = redis.pcall('BITFIELD', key, 'SET', 'i64', 0, top, 'SET', 'u32', 64, width, 'SET', 'u1', pos, 1)
if e.err then
  if string.sub(e.err, 1, 9) ~= 'WRONGTYPE' then error(e) end
  if redis.pcall('HGET', key, 'k') == 'w' then return 3 end
  return -1
end
if e[2] == 0 then
  redis.call('PEXPIRE', key, ttl)
  return 1
end
local highest = e[1] - 1
if e[2] ~= width or e[1] < 1 or e[1] > 9007199254740991 then
  redis.pcall('BITFIELD', key, 'SET', 'i64', 0, e[1], 'SET', 'u32', 64, e[2], 'SET', 'u1', pos, e[3])
  return -1
end
if n <= highest then
  if highest - n >= width then
    redis.call('BITFIELD', key, 'SET', 'i64', 0, e[1], 'SET', 'u1', pos, e[3])
    return 3
  end
  redis.call('BITFIELD', key, 'SET', 'i64', 0, e[1])
  if e[3] == 1 then return 2 end
elseif n - highest >= width then
  redis.call('SET', key, '', 'KEEPTTL')
  redis.call('BITFIELD', key, 'SET', 'i64', 0, top, 'SET', 'u32', 64, width, 'SET', 'u1', pos, 1)
elseif n - highest > 1 then
  local ops = {}
  local stored = redis.call('STRLEN', key) * 8 - 96
  local function clear(a, b)
    if b >= stored then b = stored - 1 end
    while a <= b do
      local k = math.min(63, b - a + 1)
      ops[#ops + 1] = 'SET'
      ops[#ops + 1] = 'u' .. k
      ops[#ops + 1] = 96 + a
      ops[#ops + 1] = 0
      a = a + k
    end
  end
  local a, b = (highest + 1) % width, (n - 1) % width
  if a <= b then clear(a, b) else clear(a, width - 1) clear(0, b) end
  if #ops > 0 then redis.call('BITFIELD', key, unpack(ops)) end
end
redis.call('PEXPIRE', key, ttl, 'GT')
return 1
end
local LOW = 1073741824
local function claim(key, n, width, ttl)
if n < width then
  local pos = 96 + n
  local e = redis.pcall('BITFIELD', key, 'SET', 'u32', 64, width + LOW, 'SET', 'u1', pos, 1)
  if e.err then
    if string.sub(e.err, 1, 9) ~= 'WRONGTYPE' then error(e) end
    return ring(key, n, width, ttl)
  end
  if e[1] == width + LOW then
    if e[2] == 1 then return 2 end
    redis.call('PEXPIRE', key, ttl, 'GT')
    return 1
  end
  if e[1] == 0 then
    redis.call('PEXPIRE', key, ttl)
    return 1
  end
  redis.call('BITFIELD', key, 'SET', 'u32', 64, e[1], 'SET', 'u1', pos, e[2])
  return ring(key, n, width, ttl)
end
local h = redis.pcall('BITFIELD', key, 'GET', 'u32', 64)
if not h.err and h[1] == width + LOW then
  local bits = redis.call('GETRANGE', key, 12, -1)
  local i = #bits
  while i > 0 and string.byte(bits, i) == 0 do i = i - 1 end
  if i == 0 then return -1 end
  local b, last = string.byte(bits, i), 7
  while b % 2 == 0 do b = b / 2 last = last - 1 end
  local top = (i - 1) * 8 + last + 1
  redis.call('BITFIELD', key, 'SET', 'i64', 0, top, 'SET', 'u32', 64, width)
end
return ring(key, n, width, ttl)
end
return claim(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3])
