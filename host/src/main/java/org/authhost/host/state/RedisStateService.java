package org.authhost.host.state;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's state store in Redis, shared by every host configured with the same server and key
 * prefix: what one host's plug-in records (a Digest nonce count) every other host sees at once.
 *
 * <p>Each operation is one round trip and one atomic step on the server: a Lua script run with
 * {@code EVALSHA} (sent whole with {@code EVAL} once after the server forgot it, a restart), never
 * a read followed by a write from here, which two hosts could interleave. Every entry is a hash
 * whose field {@code k} names its kind ({@code c} claim, {@code n} counter, {@code v} value, {@code
 * w} window), so that, as in {@link LocalStateService}, an operation of another kind on a live key
 * changes nothing and answers {@link HResult#E_INVALIDARG}. Times to live are Redis's own ({@code
 * PEXPIRE}): the server's clock expires entries, not the host's.
 *
 * <p>The window of {@link #claimInWindow} is the local store's ({@link UsedNumbers}): the highest
 * number and a ring of bits, number {@code n} at bit {@code n mod width}; the bitmap is stored
 * without its trailing zero bytes, so a nonce used a few times costs a byte of bitmap.
 *
 * <p>A window claim made on a host event loop (every Digest request's) does not go alone: the
 * claims of the loop's turn go as one script call ({@link WindowBatches}, {@link #WINDOWS}), still
 * one atomic step, and each claim gets its own answer.
 *
 * <p>Asynchronous operations are native: a command goes out on the shared connection (pipelined
 * with every other) and the stage completes on the caller's executor ({@link RedisLink#send}: the
 * event loop it was called from, else a pool of the host's), never blocking the caller, which is
 * how a {@code non-blocking} plug-in running on an event loop uses it. A synchronous operation
 * waits for its answer (at most the configured time-out), so it is refused on a Netty thread (an
 * event loop, or Lettuce's own I/O thread, which would wait for itself): {@link
 * HResult#E_UNEXPECTED}, with the reason logged once.
 *
 * <p>When Redis cannot be reached, every operation answers {@link HResult#NS_E_NO_NEW_CONNECTIONS}
 * (a plug-in fails closed: its client gets 503 with {@code Retry-After}), and {@link RedisOutage}
 * tells the operator once. Redis refusing a write for want of memory ({@code maxmemory}, {@code
 * OOM}) answers the same, with {@link LocalStateService.CapacityAlarm} told once per episode.
 */
public final class RedisStateService implements StateService {
  private static final Logger LOG = LoggerFactory.getLogger(RedisStateService.class);

  /**
   * Every script first checks the store's life mark (KEYS[2] against the last ARGV): Redis that
   * lost its data (a restart without persistence, a failover to a replica that missed writes) must
   * never answer FIRST from an empty window for a nonce issued before. -9 ({-9}) says so.
   */
  static final String LIFE_CHECK =
      "if redis.call('GET', KEYS[2]) ~= ARGV[#ARGV] then return -9 end\n";

  static final String LIFE_CHECK_MULTI =
      "if redis.call('GET', KEYS[2]) ~= ARGV[#ARGV] then return {-9} end\n";

  /**
   * The kind of the entry at KEYS[1] into {@code k}: nil when absent, and a window's key (a string,
   * see {@code WINDOW_CLAIM}) answers -1 (another kind) here, not an error of the script.
   */
  private static final String KIND_CHECK =
      LIFE_CHECK
          + "local k = redis.pcall('HGET', KEYS[1], 'k')\n"
          + "if type(k) == 'table' then return -1 end\n";

  /** {@code e}: the kind and value at KEYS[1]; {-1} for a window's key, as {@code KIND_CHECK}. */
  private static final String VALUE_READ =
      LIFE_CHECK_MULTI
          + "local e = redis.pcall('HMGET', KEYS[1], 'k', 'v')\n"
          + "if e.err then return {-1} end\n";

  /** What a script answers when the life mark is not the one this host knows. */
  static final long RESET = -9;

  /** 1: first; 0: taken before; -1: another kind. ARGV: ttl ms. */
  static final RedisLink.Script CLAIM =
      new RedisLink.Script(
          KIND_CHECK
              + "if k then if k ~= 'c' then return -1 end return 0 end\n"
              + "redis.call('HSET', KEYS[1], 'k', 'c')\n"
              + "redis.call('PEXPIRE', KEYS[1], ARGV[1])\n"
              + "return 1\n");

  /** The new value; -1: another kind. ARGV: ttl ms. The expiry is set only on creation. */
  static final RedisLink.Script INCREMENT =
      new RedisLink.Script(
          KIND_CHECK
              + "if k and k ~= 'n' then return -1 end\n"
              + "local v = redis.call('HINCRBY', KEYS[1], 'v', 1)\n"
              + "if not k then\n"
              + "  redis.call('HSET', KEYS[1], 'k', 'n')\n"
              + "  redis.call('PEXPIRE', KEYS[1], ARGV[1])\n"
              + "end\n"
              + "return v\n");

  /** {1}: stored ours; {0, value}: one was there; {-1}: another kind. ARGV: value, ttl ms. */
  static final RedisLink.Script GET_OR_PUT =
      new RedisLink.Script(
          VALUE_READ
              + "if e[1] then\n"
              + "  if e[1] ~= 'v' then return {-1} end\n"
              + "  return {0, e[2]}\n"
              + "end\n"
              + "redis.call('HSET', KEYS[1], 'k', 'v', 'v', ARGV[1])\n"
              + "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
              + "return {1}\n");

  /**
   * {1, value}: there; {0}: absent; {-1}: another kind. Behind the life check like the writes: a
   * store that lost its data must not answer "absent" for what a plug-in recorded (a revocation, a
   * use) before.
   */
  static final RedisLink.Script GET =
      new RedisLink.Script(
          VALUE_READ
              + "if not e[1] then return {0} end\n"
              + "if e[1] ~= 'v' then return {-1} end\n"
              + "return {1, e[2] or ''}\n");

  /** 1: deleted; 0: absent. */
  static final RedisLink.Script DELETE =
      new RedisLink.Script(LIFE_CHECK + "return redis.call('DEL', KEYS[1])\n");

  /** 1: stored; -1: another kind. ARGV: value, ttl ms. */
  static final RedisLink.Script PUT =
      new RedisLink.Script(
          KIND_CHECK
              + "if k and k ~= 'v' then return -1 end\n"
              + "redis.call('HSET', KEYS[1], 'k', 'v', 'v', ARGV[1])\n"
              + "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
              + "return 1\n");

  /**
   * {@code ring(key, n, width, ttl)}: 1 FIRST, 2 USED, 3 TOO_OLD, -1 another kind or width. As
   * {@link UsedNumbers#claim}, on a string key read and written with {@code BITFIELD}: a 96-bit
   * header, the highest number plus one (signed 64 bits at bit 0; 0 for none) and the width
   * (unsigned 32 bits at bit 64), then the ring, number {@code n} at bit {@code 96 + n mod width}.
   * The string ends at the last ring byte a claim touched. The ring form of a window record: a
   * record all of whose numbers are below its width has a cheaper one ({@code WINDOW_CLAIM}), which
   * calls this for the rest.
   *
   * <p>The next number costs two commands and no string work in Lua: one {@code BITFIELD} that
   * writes the new highest, the width and the number's bit and answers the old ones, and the
   * expiry; the rarer cases (a late number, a jump, a refusal) put back what they must with one
   * more. The hash of the earlier layout cost a copy of the bitmap in Lua per claim ({@code
   * string.sub}, concatenation, {@code string.format}) and a {@code HMGET} and {@code HSET}: about
   * 1.5 µs more of Redis's time per claim (docs/benchmarks.md). The expiry is only ever lengthened
   * ({@code PEXPIRE ... GT}, Redis 7), set plainly on a new key.
   */
  private static final String RING_CLAIM =
      "local function ring(key, n, width, ttl)\n"
          + "local pos = 96 + n % width\n"
          // Written first, the old values read back in the same call: the next number (the common
          // case) is then done but for the expiry. pcall: a key of another type refuses its claim
          // alone, not every claim of its batch (an error raised would end the whole script);
          // Redis refusing the write (OOM, READONLY...) is raised again, failing the batch as a
          // write refused always did. Another application writing under the prefix is not
          // supported (docs/scale-out.md): such a record is refused or answered, never an error.
          // A number past 10^15 is written as digits, whatever Redis's number format.
          + "local top = n + 1\n"
          + "if top >= 1e15 then top = string.format('%.0f', top) end\n"
          + "local e = redis.pcall('BITFIELD', key, 'SET', 'i64', 0, top, 'SET', 'u32', 64, width,"
          + " 'SET', 'u1', pos, 1)\n"
          + "if e.err then\n"
          + "  if string.sub(e.err, 1, 9) ~= 'WRONGTYPE' then error(e) end\n"
          // A window of the earlier layout (a hash of kind 'w', left by a host of an earlier
          // version, within its lifetime) answers TOO_OLD: Digest then answers stale=true and
          // the client moves to a fresh nonce, where a refusal as another kind would fail it.
          + "  if redis.pcall('HGET', key, 'k') == 'w' then return 3 end\n"
          + "  return -1\n"
          + "end\n"
          // No width stored: the key is new (BITFIELD made it).
          + "if e[2] == 0 then\n"
          + "  redis.call('PEXPIRE', key, ttl)\n"
          + "  return 1\n"
          + "end\n"
          + "local highest = e[1] - 1\n"
          // Another width, or a highest no host writes (numbers stop at MAX_WINDOW_NUMBER, so the
          // highest plus one is exact in Lua): every value written back, so the refusal changes
          // nothing. A pcall: a record not written by a host may hold a highest beyond a Lua
          // number's precision, which BITFIELD would refuse; every later put back is exact.
          + "if e[2] ~= width or e[1] < 1 or e[1] > 9007199254740991 then\n"
          + "  redis.pcall('BITFIELD', key, 'SET', 'i64', 0, e[1], 'SET', 'u32', 64, e[2],"
          + " 'SET', 'u1', pos, e[3])\n"
          + "  return -1\n"
          + "end\n"
          + "if n <= highest then\n"
          // Too old: the bit set above belongs to a number inside the window; put back.
          + "  if highest - n >= width then\n"
          + "    redis.call('BITFIELD', key, 'SET', 'i64', 0, e[1], 'SET', 'u1', pos, e[3])\n"
          + "    return 3\n"
          + "  end\n"
          + "  redis.call('BITFIELD', key, 'SET', 'i64', 0, e[1])\n"
          + "  if e[3] == 1 then return 2 end\n"
          // A jump past the whole window: no bit of the ring is current.
          + "elseif n - highest >= width then\n"
          + "  redis.call('SET', key, '', 'KEEPTTL')\n"
          + "  redis.call('BITFIELD', key, 'SET', 'i64', 0, top, 'SET', 'u32', 64, width,"
          + " 'SET', 'u1', pos, 1)\n"
          // The numbers skipped are cleared, 63 bits an operation, up to the bytes stored (a
          // bit past the string's end is 0 already, and writing it would grow the string).
          + "elseif n - highest > 1 then\n"
          + "  local ops = {}\n"
          + "  local stored = redis.call('STRLEN', key) * 8 - 96\n"
          + "  local function clear(a, b)\n"
          + "    if b >= stored then b = stored - 1 end\n"
          + "    while a <= b do\n"
          + "      local k = math.min(63, b - a + 1)\n"
          + "      ops[#ops + 1] = 'SET'\n"
          + "      ops[#ops + 1] = 'u' .. k\n"
          + "      ops[#ops + 1] = 96 + a\n"
          + "      ops[#ops + 1] = 0\n"
          + "      a = a + k\n"
          + "    end\n"
          + "  end\n"
          + "  local a, b = (highest + 1) % width, (n - 1) % width\n"
          + "  if a <= b then clear(a, b) else clear(a, width - 1) clear(0, b) end\n"
          + "  if #ops > 0 then redis.call('BITFIELD', key, unpack(ops)) end\n"
          + "end\n"
          + "redis.call('PEXPIRE', key, ttl, 'GT')\n"
          + "return 1\n"
          + "end\n";

  /**
   * {@code claim(key, p, width, w, ttl)}: as {@code RING_CLAIM}'s {@code ring}, which it calls for
   * every record in the ring form, with a cheaper form for a record all of whose numbers are below
   * its width (the low form: every nonce until its count reaches the window, so nearly every Digest
   * nonce for its whole life). There the ring never wrapped, so bit {@code 96 + n} is number {@code
   * n} and nothing else, and the highest number is not needed: the width field holds the width plus
   * {@code 2^30}, which tells the form, and the i64 at bit 0 holds the record's deadline, a time
   * (Redis's clock, ms since the epoch) its expiry is known to reach (0: none known, as a new
   * record and a host of the previous version leave it). A claim below the width is one {@code
   * BITFIELD} (the deadline read, the width field and the number's bit written and the old ones
   * answered; a new key is made in the same call, and given its expiry): a FIRST whose {@code ttl}
   * from now ({@code TIME}, once per script call) the deadline covers writes no expiry. One that it
   * does not cover lengthens the expiry ({@code PEXPIREAT ... GT}: never earlier) to {@code ttl}
   * plus a slack of {@code min(ttl, 1 s)} from now and writes that as the deadline: for Digest,
   * whose ttl is the time left to a fixed end, that is the record's second accepted count alone
   * (and a count from a host whose clock is over a second behind the one that issued the nonce); a
   * caller with a fixed ttl lengthens it at most once per slack. The deadline never exceeds the
   * expiry (both written together, and every expiry write is {@code GT}, those of the previous
   * version's hosts too, or on a new key), so a FIRST always leaves at least {@code ttl}. The first
   * number at or above the width turns the record into the ring form in place: the bits stay where
   * they are (number {@code n} below the width is ring position {@code n}), the highest number (the
   * last bit set) replaces the deadline and the width field loses its flag. A record of the ring
   * form (a nonce past its window, or one written by a host of an earlier version) answers as
   * before; so does another width, refused without a change. One function for {@link #WINDOW} and
   * {@link #WINDOWS}, so a claim alone and a claim in a batch are the same.
   */
  private static final String WINDOW_CLAIM =
      RING_CLAIM
          + "local LOW = 1073741824\n"
          + "local now\n"
          // The deadline a claim of ttl gets when it must lengthen the expiry: ttl from Redis's
          // clock (read once per script call) plus the slack, min(ttl, 1 s).
          + "local function deadline(ttl)\n"
          + "  if not now then\n"
          + "    local t = redis.call('TIME')\n"
          + "    now = t[1] * 1000 + math.floor(t[2] / 1000)\n"
          + "  end\n"
          + "  return now + ttl + math.min(ttl, 1000)\n"
          + "end\n"
          // p: the number's bit (96 + n, digits) when n is below the width, else 'r' and n. w: the
          // low form's width field (width + LOW) as digits. Redis formats a number passed to a
          // command with %.17g, and Lua's tonumber and string.format are C library calls: each
          // about as costly as a command's own work, so the common claim makes none.
          + "local function claim(key, p, width, w, ttl)\n"
          + "if string.byte(p) ~= 114 then\n"
          + "  local e = redis.pcall('BITFIELD', key, 'GET', 'i64', '0', 'SET', 'u32', '64', w,"
          + " 'SET', 'u1', p, '1')\n"
          // Another type: ring answers it (a hash of the earlier layout, or another kind).
          + "  if e.err then\n"
          + "    if string.sub(e.err, 1, 9) ~= 'WRONGTYPE' then error(e) end\n"
          + "    return ring(key, tonumber(p) - 96, width, ttl)\n"
          + "  end\n"
          + "  if e[2] == width + LOW then\n"
          + "    if e[3] == 1 then return 2 end\n"
          + "    ttl = tonumber(ttl)\n"
          // Covered when the deadline is at least ttl from now: deadline() less its slack.
          + "    local til = deadline(ttl)\n"
          + "    if e[1] < til - math.min(ttl, 1000) then\n"
          + "      til = string.format('%d', til)\n"
          + "      redis.call('PEXPIREAT', key, til, 'GT')\n"
          + "      redis.call('BITFIELD', key, 'SET', 'i64', '0', til)\n"
          + "    end\n"
          + "    return 1\n"
          + "  end\n"
          + "  if e[2] == 0 then\n"
          // No width stored: the key is new (BITFIELD made it, in the low form). Its expiry as
          // the claim asks, its deadline 0 (none known): its next FIRST writes both. A new record's
          // deadline written here would cost more than that (a SET of the whole record, and the
          // numbers formatted) for the nonces used once, the common case.
          + "    redis.call('PEXPIRE', key, ttl)\n"
          + "    return 1\n"
          + "  end\n"
          // The ring form, or another width: both fields put back, then the ring's own claim.
          + "  redis.call('BITFIELD', key, 'SET', 'u32', 64, e[2], 'SET', 'u1', p, e[3])\n"
          + "  return ring(key, tonumber(p) - 96, width, ttl)\n"
          + "end\n"
          + "local n = tonumber(string.sub(p, 2))\n"
          + "local h = redis.pcall('BITFIELD', key, 'GET', 'u32', 64)\n"
          + "if not h.err and h[1] == width + LOW then\n"
          // The first number at or above the width: to the ring form, whose highest is the last
          // bit set (the string may end in zero bytes a refused claim of another width left).
          + "  local bits = redis.call('GETRANGE', key, 12, -1)\n"
          + "  local i = #bits\n"
          + "  while i > 0 and string.byte(bits, i) == 0 do i = i - 1 end\n"
          + "  if i == 0 then return -1 end\n"
          + "  local b, last = string.byte(bits, i), 7\n"
          + "  while b % 2 == 0 do b = b / 2 last = last - 1 end\n"
          + "  local top = (i - 1) * 8 + last + 1\n"
          + "  redis.call('BITFIELD', key, 'SET', 'i64', 0, top, 'SET', 'u32', 64, width)\n"
          + "end\n"
          + "return ring(key, n, width, ttl)\n"
          + "end\n";

  /**
   * One window claim ({@code WINDOW_CLAIM}). ARGV: the number as {@link #claimNumber} writes it,
   * the width, ttl ms, the life mark.
   */
  static final RedisLink.Script WINDOW =
      new RedisLink.Script(
          LIFE_CHECK
              + WINDOW_CLAIM
              + "local width = tonumber(ARGV[2])\n"
              + "return claim(KEYS[1], ARGV[1], width, string.format('%d', width + LOW), ARGV[3])\n");

  /**
   * The window claims of one event loop's turn ({@link WindowBatches}), in order, in one atomic
   * step: a number claimed twice in one batch is FIRST once, then USED. KEYS: each claim's window,
   * then the life mark's key. ARGV: the life mark the claims carry, their width, then two per
   * claim: its number as {@link #claimNumber} writes it, and ttl ms. Answers one code per claim, as
   * {@link #WINDOW}'s; every code -9 when the mark is not the store's. The claims of one call share
   * their mark and width (a batch holds one of each), so the script checks and formats them once.
   */
  static final RedisLink.Script WINDOWS =
      new RedisLink.Script(
          WINDOW_CLAIM
              + "local out = {}\n"
              + "local n = #KEYS - 1\n"
              + "if redis.call('GET', KEYS[#KEYS]) ~= ARGV[1] then\n"
              + "  for c = 1, n do out[c] = -9 end\n"
              + "  return out\n"
              + "end\n"
              + "local width = tonumber(ARGV[2])\n"
              + "local w = string.format('%d', width + LOW)\n"
              + "for c = 1, n do\n"
              + "  out[c] = claim(KEYS[c], ARGV[c * 2 + 1], width, w, ARGV[c * 2 + 2])\n"
              + "end\n"
              + "return out\n");

  /**
   * A window claim's number as {@link #WINDOW} and {@link #WINDOWS} take it: below the width, the
   * number's bit in the low form ({@code 96 + n}), which the script passes to {@code BITFIELD} as
   * it is; at or above it, {@code r} and the number.
   */
  static byte[] claimNumber(long number, int width) {
    return ascii(number < width ? Long.toString(96 + number) : "r" + number);
  }

  /** The longest a synchronous call waits beyond the command time-out (Lettuce's own timer). */
  private static final long SYNC_SLACK_MILLIS = 1000;

  private final RedisLink link;
  private final byte[] lifeKey;
  private final LocalStateService.CapacityAlarm alarm;
  private final long syncWaitMillis;
  private final AtomicBoolean full;
  private final AtMostOncePer errorLogged;
  private final AtomicBoolean toldBlockingCall;
  private final AtomicBoolean resetting;
  private final WindowBatches batches;

  /** The plug-in instance's mark its calls carry; null: the host's own calls (the link's). */
  private final InstanceMark mark;

  public RedisStateService(
      RedisLink link, LocalStateService.CapacityAlarm alarm, Duration timeout) {
    this.link = link;
    this.alarm = alarm;
    this.syncWaitMillis = timeout.toMillis() + SYNC_SLACK_MILLIS;
    this.lifeKey = link.key(RedisLink.LIFE_KEY);
    this.full = new AtomicBoolean();
    this.errorLogged = new AtMostOncePer(Duration.ofMinutes(1), System.nanoTime());
    this.toldBlockingCall = new AtomicBoolean();
    this.resetting = new AtomicBoolean();
    this.batches = new WindowBatches(link, lifeKey);
    this.mark = null;
  }

  private RedisStateService(RedisStateService store, InstanceMark mark) {
    this.link = store.link;
    this.alarm = store.alarm;
    this.syncWaitMillis = store.syncWaitMillis;
    this.lifeKey = store.lifeKey;
    this.full = store.full;
    this.errorLogged = store.errorLogged;
    this.toldBlockingCall = store.toldBlockingCall;
    this.resetting = store.resetting;
    this.batches = store.batches;
    this.mark = mark;
  }

  /**
   * This store as one plug-in instance sees it: its calls carry the life mark of its enable, not
   * the host's latest, so that none reaches a store emptied after it was enabled.
   */
  RedisStateService forInstance(InstanceMark mark) {
    return new RedisStateService(this, mark);
  }

  // ---- Asynchronous: the native operations ---------------------------------------------------

  @Override
  public CompletionStage<Answer<Boolean>> claimAsync(String key, Duration ttl) {
    if (!validTtl(ttl)) {
      return invalid();
    }
    return this.<Long>eval(CLAIM, key, ms(ttl))
        .thenApply(
            r ->
                r < 0
                    ? new Answer<Boolean>(HResult.E_INVALIDARG, null)
                    : r == 1
                        ? wrote(new Answer<>(HResult.S_OK, true))
                        : new Answer<>(HResult.S_OK, false))
        .exceptionally(this::failure);
  }

  @Override
  public CompletionStage<Answer<Long>> incrementAsync(String key, Duration ttl) {
    if (!validTtl(ttl)) {
      return invalid();
    }
    return this.<Long>eval(INCREMENT, key, ms(ttl))
        .thenApply(
            r ->
                r < 0
                    ? new Answer<Long>(HResult.E_INVALIDARG, null)
                    : new Answer<>(HResult.S_OK, r))
        .exceptionally(this::failure);
  }

  @Override
  public CompletionStage<Answer<WindowClaim>> claimInWindowAsync(
      String key, long number, int window, Duration ttl) {
    if (!validTtl(ttl)
        || number < 0
        || number > MAX_WINDOW_NUMBER
        || window < 1
        || window > MAX_WINDOW) {
      return invalid();
    }
    Admitted call;
    try {
      call = admit();
    } catch (RuntimeException refused) {
      return CompletableFuture.completedFuture(failure(refused));
    }
    byte[] width = widthBytes(window);
    byte[] millis = ms(ttl);
    byte[] record = link.key(key);
    // In a batch, the claim's one stage is its answer, completed on the loop from the batch's.
    CompletableFuture<Answer<WindowClaim>> answer =
        batches.add(
            record,
            claimNumber(number, window),
            width,
            millis,
            call.life(),
            (r, f) -> windowAnswer(r, f, call));
    if (answer != null) {
      return answer;
    }
    return link.<Long>script(
            WINDOW,
            ScriptOutputType.INTEGER,
            new byte[][] {record, lifeKey},
            claimNumber(number, window),
            width,
            millis,
            lifeBytes(call.life()))
        .handle((r, failure) -> windowAnswer(r, failure, call));
  }

  /** A window claim's answer from its script's code, or from the failure of its call. */
  private Answer<WindowClaim> windowAnswer(Long r, Throwable failure, Admitted call) {
    if (failure != null) {
      return failure(failure);
    }
    try {
      checked(r, call);
    } catch (StoreReset reset) {
      return failure(reset);
    }
    return switch (r.intValue()) {
      case 1 -> wrote(new Answer<>(HResult.S_OK, WindowClaim.FIRST));
      case 2 -> new Answer<>(HResult.S_OK, WindowClaim.USED);
      case 3 -> new Answer<>(HResult.S_OK, WindowClaim.TOO_OLD);
      default -> new Answer<WindowClaim>(HResult.E_INVALIDARG, null);
    };
  }

  /** A window's width as the scripts take it, made once per width rather than per request. */
  private byte[] widthBytes(int window) {
    Width known = lastWidth;
    if (known == null || known.width() != window) {
      known = new Width(window, ascii(Integer.toString(window)));
      lastWidth = known;
    }
    return known.bytes();
  }

  private record Width(int width, byte[] bytes) {}

  private volatile Width lastWidth;

  @Override
  public CompletionStage<Answer<byte[]>> getOrPutAsync(String key, byte[] value, Duration ttl) {
    if (!validTtl(ttl) || !validValue(value)) {
      return invalid();
    }
    byte[] ours = value.clone();
    return this.<List<Object>>eval(GET_OR_PUT, key, ours, ms(ttl))
        .thenApply(
            r -> {
              long code = (Long) r.get(0);
              if (code < 0) {
                return new Answer<byte[]>(HResult.E_INVALIDARG, null);
              }
              return code == 1
                  ? wrote(new Answer<>(HResult.S_OK, ours.clone()))
                  : new Answer<>(HResult.S_OK, (byte[]) r.get(1));
            })
        .exceptionally(this::failure);
  }

  @Override
  public CompletionStage<Answer<byte[]>> getAsync(String key) {
    return this.<List<Object>>eval(GET, key)
        .thenApply(
            r ->
                switch (((Long) r.get(0)).intValue()) {
                  case 1 -> new Answer<>(HResult.S_OK, (byte[]) r.get(1));
                  case 0 -> new Answer<byte[]>(HResult.S_FALSE, null);
                  default -> new Answer<byte[]>(HResult.E_INVALIDARG, null);
                })
        .exceptionally(this::failure);
  }

  @Override
  public CompletionStage<Answer<Void>> putAsync(String key, byte[] value, Duration ttl) {
    if (!validTtl(ttl) || !validValue(value)) {
      return invalid();
    }
    return this.<Long>eval(PUT, key, value.clone(), ms(ttl))
        .thenApply(
            r ->
                r < 0
                    ? new Answer<Void>(HResult.E_INVALIDARG, null)
                    : wrote(new Answer<Void>(HResult.S_OK, null)))
        .exceptionally(this::failure);
  }

  @Override
  public CompletionStage<Answer<Void>> deleteAsync(String key) {
    return this.<Long>eval(DELETE, key)
        .thenApply(n -> new Answer<Void>(n > 0 ? HResult.S_OK : HResult.S_FALSE, null))
        .exceptionally(this::failure);
  }

  // ---- Synchronous: the asynchronous ones, waited for ----------------------------------------

  @Override
  public HResult claim(String key, Duration ttl, Out<Boolean> first) {
    return await(claimAsync(key, ttl), first);
  }

  @Override
  public HResult increment(String key, Duration ttl, Out<Long> value) {
    return await(incrementAsync(key, ttl), value);
  }

  @Override
  public HResult claimInWindow(
      String key, long number, int window, Duration ttl, Out<WindowClaim> result) {
    return await(claimInWindowAsync(key, number, window, ttl), result);
  }

  @Override
  public HResult getOrPut(String key, byte[] value, Duration ttl, Out<byte[]> current) {
    return await(getOrPutAsync(key, value, ttl), current);
  }

  @Override
  public HResult get(String key, Out<byte[]> value) {
    return await(getAsync(key), value);
  }

  @Override
  public HResult put(String key, byte[] value, Duration ttl) {
    return await(putAsync(key, value, ttl), null);
  }

  @Override
  public HResult delete(String key) {
    return await(deleteAsync(key), null);
  }

  private <T> HResult await(CompletionStage<Answer<T>> stage, Out<T> out) {
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      // An event loop must never wait for a round trip, and Lettuce's own thread would wait for
      // itself until the time-out: the plug-in must use the ...Async variant there.
      if (toldBlockingCall.compareAndSet(false, true)) {
        LOG.error(
            "a synchronous StateService call was made on a Netty thread ({}); with state.redis"
                + " it would block an event loop, so it is refused (E_UNEXPECTED). A plug-in that"
                + " declares non-blocking=true must use the ...Async state methods",
            Thread.currentThread().getName(),
            new IllegalStateException("the call"));
      }
      return HResult.E_UNEXPECTED;
    }
    Answer<T> a;
    try {
      a = stage.toCompletableFuture().get(syncWaitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HResult.E_FAIL;
    } catch (Exception e) {
      a = failure(e);
    }
    if (out != null && a.value() != null) {
      out.set(a.value());
    }
    return a.hresult();
  }

  // ---- Scripts and failures ------------------------------------------------------------------

  private <T> CompletableFuture<T> eval(RedisLink.Script script, String key, byte[]... args) {
    Admitted call;
    try {
      call = admit();
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    batches.sendPending(); // after this loop's claims made before it, as the caller made them
    ScriptOutputType type =
        script == GET_OR_PUT || script == GET ? ScriptOutputType.MULTI : ScriptOutputType.INTEGER;
    byte[][] withLife = java.util.Arrays.copyOf(args, args.length + 1);
    withLife[args.length] = lifeBytes(call.life());
    return link.<T>script(script, type, new byte[][] {link.key(key), lifeKey}, withLife)
        .thenApply(r -> checked(r, call));
  }

  /** The life mark a call goes out with, and the instance's enable it was taken from. */
  private record Admitted(String life, InstanceMark.Enable enable) {}

  /**
   * Whether a call may go out now, and with which life mark; throws why not (the store being reset,
   * its server not checked, evicting, not connected, or the instance enabled before the store lost
   * its data).
   */
  private Admitted admit() {
    if (resetting.get()) {
      throw new StoreReset();
    }
    if (link.serverUnchecked()) {
      // Reconnected, and not yet known to be the same server: it may have lost recent writes.
      throw new IllegalStateException("Redis's identity not checked yet");
    }
    if (link.evicting()) {
      // Fail closed: a window that Redis may evict would accept a replay.
      throw new IllegalStateException("Redis's maxmemory-policy is not noeviction");
    }
    String now = link.life();
    if (now == null) {
      throw new IllegalStateException("not connected to Redis");
    }
    // Taken once, at the call's start: an enable that follows (a reset's) does not change it.
    InstanceMark.Enable enable = mark == null ? null : mark.now();
    String life = enable == null ? now : enable.carried(now);
    if (!life.equals(now)) {
      // Enabled before the store lost its data: what the instance holds is of that life.
      mark.refused(enable);
      throw new StoreReset();
    }
    return new Admitted(life, enable);
  }

  /** {@code r}, a script's answer, unless it says the store's life mark is not the call's. */
  private <T> T checked(T r, Admitted call) {
    Object code = r instanceof List<?> l && !l.isEmpty() ? l.get(0) : r;
    if (code instanceof Long n && n == RESET) {
      reset(call.life());
      if (call.enable() != null && call.enable().staleAgainst(link.life())) {
        mark.refused(call.enable());
      }
      throw new StoreReset();
    }
    return r;
  }

  /** The life mark's bytes, made once per mark rather than once per request. */
  private byte[] lifeBytes(String life) {
    LifeBytes known = lastLife;
    if (known == null || !known.life().equals(life)) {
      known = new LifeBytes(life, ascii(life));
      lastLife = known;
    }
    return known.bytes();
  }

  private record LifeBytes(String life, byte[] bytes) {}

  private volatile LifeBytes lastLife;

  /** Redis answered that its life mark is not {@code seen}: it lost its data. */
  private void reset(String seen) {
    if (seen.equals(link.life())) {
      link.storeReset();
    }
  }

  /** Starts handling a reset: false when one is being handled already. */
  public boolean beginReset() {
    return resetting.compareAndSet(false, true);
  }

  /**
   * Answers again after a reset, once the plug-ins that kept state here have been disabled and the
   * new life mark is known: they are enabled after this, so nothing issued before is checked
   * against the empty store.
   */
  public void reopen() {
    resetting.set(false);
  }

  /** Whether a reset is being handled: every operation answers 503 meanwhile. */
  public boolean resetting() {
    return resetting.get();
  }

  /** The store lost its data: no answer until the plug-ins using it have been enabled anew. */
  static final class StoreReset extends RuntimeException {
    StoreReset() {
      super("the Redis store lost its data; being reset", null, false, false);
    }
  }

  /** A write went through: if Redis was full, it has room again. */
  private <T> T wrote(T answer) {
    if (full.compareAndSet(true, false)) {
      alarm.roomAgain(0);
    }
    return answer;
  }

  private <T> Answer<T> failure(Throwable t) {
    Throwable cause = RedisLink.unwrap(t);
    if (RedisLink.unavailable(cause)) {
      // LOADING, READONLY, MASTERDOWN...: the link has told the outage, as for a lost connection.
      return new Answer<>(HResult.NS_E_NO_NEW_CONNECTIONS, null);
    }
    if (cause instanceof RedisCommandExecutionException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("OOM")) {
        if (full.compareAndSet(false, true)) {
          alarm.full(0);
        }
        return new Answer<>(HResult.NS_E_NO_NEW_CONNECTIONS, null);
      }
      if (message.contains("WRONGTYPE")) {
        // Something other than this host wrote the key: another kind, as far as we can tell.
        return new Answer<>(HResult.E_INVALIDARG, null);
      }
      if (errorLogged.due(System.nanoTime())) {
        // At most one line a minute, without the stack: every request could end here.
        LOG.warn(
            "Redis answered an error (further ones within a minute are not logged): {}", message);
      }
      return new Answer<>(HResult.E_UNEXPECTED, null);
    }
    // Not reached, timed out, or disconnected: the link has told the outage.
    return new Answer<>(HResult.NS_E_NO_NEW_CONNECTIONS, null);
  }

  private static <T> CompletionStage<Answer<T>> invalid() {
    return CompletableFuture.completedFuture(new Answer<>(HResult.E_INVALIDARG, null));
  }

  private static byte[] ms(Duration ttl) {
    long millis;
    try {
      millis = Math.max(1, ttl.toMillis());
    } catch (ArithmeticException tooLong) {
      millis = Long.MAX_VALUE / 4;
    }
    // Redis refuses an expiry whose absolute time overflows: a century is forever enough.
    return ascii(Long.toString(Math.min(millis, Duration.ofDays(36_500).toMillis())));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean validValue(byte[] value) {
    return value != null && value.length <= MAX_VALUE_BYTES;
  }

  private static boolean validTtl(Duration ttl) {
    return ttl != null && !ttl.isNegative() && !ttl.isZero();
  }
}
