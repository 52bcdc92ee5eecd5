-- flood.lua: the two floods of bench/flood.sh, for wrk. Every request comes "from" another client:
-- the host trusts 127.0.0.1 as a reverse proxy (security.trustedProxies), and each request names a
-- client in X-Forwarded-For, drawn from FLOOD_ADDRESSES addresses of FLOOD_NET.0.0/16 (198.18/15 is
-- the benchmarking range of RFC 2544). wrk cannot bind source addresses; a CDN in front of the
-- host looks exactly like this.
--
--   FLOOD_KIND=unauth     requests without credentials, in turn: a file on the anonymous point
--                         (200), a missing file there (404), the Digest and the NTLM points (401)
--   FLOOD_KIND=malformed  broken Authorization headers, Digest and NTLM in turn, to their points
--
--   FLOOD_QUOTA=N          answers to collect in all (split over the threads); a thread that has
--                          its share stops and touches FLOOD_DONE.<thread>, so that the caller can
--                          end wrk early (SIGINT) instead of waiting for -d
--   FLOOD_ADDRESSES=256    distinct client addresses    FLOOD_NET=198.18
--
-- done() prints one line: RESULT kind=... answered=N codes=200:n,401:n,... connect=.. read=..
-- write=.. timeout=.. (socket errors, as wrk counts them).

local kind = os.getenv("FLOOD_KIND") or "unauth"
local quota = tonumber(os.getenv("FLOOD_QUOTA") or "1000000")
local addresses = tonumber(os.getenv("FLOOD_ADDRESSES") or "256")
local net = os.getenv("FLOOD_NET") or "198.18"
local donefile = os.getenv("FLOOD_DONE")

local threads = {}
local nthreads = 0
function setup(thread)
   thread:set("tid", nthreads)
   nthreads = nthreads + 1
   table.insert(threads, thread)
end

-- thread state (globals, for thread:get in done())
answered = 0
codes = {}
share = 0

local stopped = false
local n = 0

function init(args)
   math.randomseed(os.time() * 1000 + tid * 7919)
   share = math.ceil(quota / tonumber(os.getenv("FLOOD_THREADS") or "1"))
end

local function client()
   local a = math.random(0, addresses - 1)
   return string.format("%s.%d.%d", net, math.floor(a / 256) % 256, a % 256)
end

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
   return ((s:gsub(".", function(x)
      local r, b = "", x:byte()
      for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
      return r
   end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
      if #x < 6 then return "" end
      local c = 0
      for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
      return B64:sub(c + 1, c + 1)
   end) .. ({ "", "==", "=" })[#s % 3 + 1])
end

local function bytes(len, lo, hi)
   local t = {}
   for i = 1, len do t[i] = string.char(math.random(lo, hi)) end
   return table.concat(t)
end
local function hex(len) return bytes(len, 0, 15):gsub(".", function(c) return string.format("%x", c:byte()) end) end
local function word() return bytes(math.random(1, 12), 97, 122) end
-- Visible ASCII and obs-text, never CR, LF or NUL: the request itself stays well framed.
local function junk(len) return (bytes(len, 33, 255):gsub("[\127]", "~")) end

local function le16(v) return string.char(v % 256, math.floor(v / 256) % 256) end
local function le32(v) return le16(v % 65536) .. le16(math.floor(v / 65536)) end

-- Digest headers that are not credentials: broken syntax, or parameters no server issued.
local digest = {
   function() return "Digest" end,
   function() return "Digest " .. junk(math.random(1, 200)) end,
   function() return 'Digest username="' .. word() end,   -- unterminated quote
   function() return "Digest ,,,,,,,,, =, ==, \"\"" end,
   function() return 'Digest username="' .. word() .. '", realm="bench", nonce="' .. hex(32) .. '", uri="/digest/1k.txt", response="' .. hex(32) .. '"' end,
   function() return 'Digest username="' .. word() .. '", nonce="' .. junk(40):gsub('["\\]', "x") .. '", nc=zzzzzzzz, qop=' .. word() .. ', response="' .. hex(math.random(1, 80)) .. '"' end,
   function() return 'Digest username="' .. word() .. '", realm="bench", nonce="' .. hex(32) .. '", uri="/elsewhere/' .. word() .. '", algorithm=' .. word() .. ', response="' .. hex(32) .. '"' end,
   function() return "Digest " .. string.rep('realm="' .. word() .. '", ', math.random(20, 120)) end,
   function() return 'Digest username*=UTF-8\'\'' .. junk(30):gsub("[%s\"\\]", "%%") .. ', response="' .. hex(64) .. '"' end,
}

-- NTLM headers: not base64, base64 of noise, or an NTLMSSP message whose fields lie.
local ntlm = {
   function() return "NTLM" end,
   function() return "NTLM " .. junk(math.random(1, 120)) end,
   function() return "NTLM " .. base64(bytes(math.random(1, 300), 0, 255)) end,
   function() return "NTLM " .. base64("NTLMSSP\0" .. le32(math.random(0, 5)) .. bytes(math.random(0, 64), 0, 255)) end,
   -- a Type 1 with a domain field pointing far past the end
   function() return "NTLM " .. base64("NTLMSSP\0" .. le32(1) .. le32(0xa2088207) .. le16(200) .. le16(200) .. le32(60000) .. le16(0) .. le16(0) .. le32(0)) end,
   -- a Type 3 out of turn, lengths and offsets all wrong
   function()
      local f = ""
      for _ = 1, 6 do f = f .. le16(math.random(0, 65535)) .. le16(math.random(0, 65535)) .. le32(math.random(0, 2 ^ 31)) end
      return "NTLM " .. base64("NTLMSSP\0" .. le32(3) .. f .. le32(math.random(0, 2 ^ 31)) .. bytes(math.random(0, 40), 0, 255))
   end,
   function() return "NTLM " .. base64("NTLMSSP\0" .. le32(3)):sub(1, -3) .. "%%" end,
}

local unauth_paths = { "/open/1k.txt", "/open/missing.txt", "/digest/1k.txt", "/ntlm/1k.txt" }

function request()
   n = n + 1
   local headers = { ["X-Forwarded-For"] = client() }
   if kind == "unauth" then
      return wrk.format("GET", unauth_paths[n % #unauth_paths + 1], headers)
   end
   if n % 2 == 0 then
      headers["Authorization"] = digest[math.random(#digest)]()
      return wrk.format("GET", "/digest/1k.txt", headers)
   end
   headers["Authorization"] = ntlm[math.random(#ntlm)]()
   return wrk.format("GET", "/ntlm/1k.txt", headers)
end

function response(status, headers, body)
   if stopped then return end
   answered = answered + 1
   codes[status] = (codes[status] or 0) + 1
   if answered >= share then
      stopped = true
      if donefile then
         local f = io.open(donefile .. "." .. tid, "w")
         if f then f:close() end
      end
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local total, all = 0, {}
   for _, t in ipairs(threads) do
      total = total + (t:get("answered") or 0)
      for c, k in pairs(t:get("codes") or {}) do all[c] = (all[c] or 0) + k end
   end
   local list = {}
   for c, k in pairs(all) do list[#list + 1] = string.format("%d:%d", c, k) end
   table.sort(list)
   local e = summary.errors
   io.write(string.format("RESULT kind=%s answered=%d codes=%s connect=%d read=%d write=%d timeout=%d "
      .. "seconds=%.1f p99_us=%d max_us=%d\n", kind, total, table.concat(list, ","), e.connect, e.read,
      e.write, e.timeout, summary.duration / 1e6, latency:percentile(99), latency.max))
end
