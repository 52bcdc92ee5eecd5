package org.authhost.host.bench;

import com.sun.management.OperatingSystemMXBean;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A small closed-loop HTTP/1.1 load generator for loopback benchmarks: N keep-alive connections,
 * each with exactly one GET in flight, the next sent when the previous answer has arrived. Runs a
 * warm-up, then measures for a duration (or until a number of answers), and prints one line:
 * requests per second, latency percentiles, non-2xx answers, errors and reconnects.
 *
 * <p>The client is Netty (one {@link NioEventLoopGroup}; each connection stays on one event loop,
 * also across reconnects, so its latency histogram is only ever touched by one thread). The request
 * is encoded once and written as bytes; answers are decoded and aggregated. Latencies go into a
 * log-linear histogram of microseconds (256 sub-buckets per power of two: at most 0.4 % error,
 * exact below 512 µs), one per connection, merged at the end.
 *
 * <p>Counting: a response is measured when it arrives inside the measurement window (after the
 * warm-up); its latency is from the write of its request. {@code non2xx} counts measured answers
 * outside 200–299; {@code stale} counts Digest challenges with {@code stale=true} to a nonce that
 * was in use (the whole run), answers a client with valid credentials should never get. {@code
 * errors} (failed connects, connections lost with a request in flight, undecodable answers,
 * requests unanswered at the end) and {@code reconnects} (the server closed a connection, e.g.
 * {@code Connection: close}) cover the whole run, warm-up included. {@code codes} breaks the
 * measured answers down by status. {@code client_cpu} is the CPU time of the client's event-loop
 * threads per measured request and {@code process_cpu} that of the whole JVM (GC and JIT included):
 * when the server runs in the same process, the difference is the server's share.
 *
 * <p>Run: {@code host/bench LoadTool --url http://127.0.0.1:8080/vod/a.txt --concurrency 64
 * --duration 10s --warmup 3s [--header "Name: value"]... [--user alice:secret]}. Only loopback
 * addresses are accepted.
 */
public final class LoadTool {
  static final String USAGE =
      """
      usage: LoadTool --url URL [options]
        --url URL             http:// or https:// (certificate not checked) on a loopback address
        --concurrency N       connections, each with one request in flight (default 64)
        --duration D          measurement time, e.g. 10s, 500ms, 2m (default 10s)
        --warmup D            load before measuring (default 3s)
        --requests N          stop after N measured answers instead (bounded by --duration,
                              which then defaults to 120s)
        --header "Name: v"    an extra request header (repeatable)
        --user user:password  adds Authorization: Basic, computed once
        --digest user:password  speaks Digest: one nonce per connection, reused with nc 1, 2, 3...
        --threads N           client event-loop threads (default: processors, at most N)
        --sources N           spread the connections over N source addresses 127.0.0.1,
                              127.0.0.2, ... (IPv4 loopback targets only; default 1: the
                              system's choice), so a server sees N clients, not one
        --label TEXT          first field of the result line (default: load)
      prints: label= url= c= sources= threads= window= requests= rps= p50= p90= p99= p99.9= max= mean=
              non2xx= errors= stale= reconnects= client_cpu= process_cpu= codes=
              (CPU times per measured request: the client's event loops; the whole process;
              codes: measured answers by status)""";

  /** Largest answer body the client aggregates. */
  private static final int MAX_BODY = 64 << 20;

  /** How long in-flight requests may finish after the window before they count as errors. */
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private LoadTool() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(USAGE);
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("LoadTool: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    Result result = run(options);
    System.out.println(result.line());
    System.exit(result.requests() > 0 ? 0 : 1);
  }

  /** What to run. */
  public record Options(
      String label,
      URI url,
      InetAddress address,
      int port,
      int concurrency,
      int threads,
      long durationNanos,
      long warmupNanos,
      long requests,
      List<String> headers,
      String authorization,
      int sources,
      String digestCredentials) {

    public static Options parse(String... args) {
      String digest = null;
      String label = "load";
      String url = null;
      int concurrency = 64;
      Integer threads = null;
      Long duration = null;
      long warmup = TimeUnit.SECONDS.toNanos(3);
      long requests = 0;
      List<String> headers = new ArrayList<>();
      String authorization = null;
      int sources = 1;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String value;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
          value = arg.substring(eq + 1);
          arg = arg.substring(0, eq);
        } else if (arg.equals("--help") || arg.equals("-h")) {
          throw new IllegalArgumentException("help");
        } else {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(arg + " needs a value");
          }
          value = args[++i];
        }
        switch (arg) {
          case "--url" -> url = value;
          case "--label" -> label = value;
          case "--concurrency", "-c" -> concurrency = positive(arg, value);
          case "--threads" -> threads = positive(arg, value);
          case "--sources" -> sources = positive(arg, value);
          case "--duration", "-d" -> duration = duration(arg, value);
          case "--warmup" -> warmup = duration(arg, value);
          case "--requests", "-n" -> requests = positive(arg, value);
          case "--header", "-H" -> headers.add(header(value));
          case "--user", "-u" -> {
            if (value.indexOf(':') < 0) {
              throw new IllegalArgumentException("--user wants user:password");
            }
            authorization =
                "Basic "
                    + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
          }
          case "--digest" -> {
            if (value.indexOf(':') < 0) {
              throw new IllegalArgumentException("--digest wants user:password");
            }
            digest = value;
          }
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      if (url == null) {
        throw new IllegalArgumentException("--url is required");
      }
      if (duration == null) {
        duration = requests > 0 ? TimeUnit.SECONDS.toNanos(120) : TimeUnit.SECONDS.toNanos(10);
      }
      if (duration <= 0) {
        throw new IllegalArgumentException("--duration must be more than 0");
      }
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("--url " + url + ": " + e.getMessage());
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("--url must be http:// or https://, not " + url);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("--url has no host: " + url);
      }
      if (uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException("put credentials in --user, not in the URL");
      }
      InetAddress address = loopback(uri.getHost());
      int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
      if (sources > 1 && !(address instanceof Inet4Address)) {
        throw new IllegalArgumentException(
            "--sources needs an IPv4 loopback target such as 127.0.0.1");
      }
      if (sources > 254 * 256) {
        throw new IllegalArgumentException("--sources: at most " + 254 * 256);
      }
      int t =
          threads != null
              ? threads
              : Math.min(concurrency, Runtime.getRuntime().availableProcessors());
      return new Options(
          label,
          uri,
          address,
          port,
          concurrency,
          Math.min(t, concurrency),
          duration,
          warmup,
          requests,
          List.copyOf(headers),
          authorization,
          sources,
          digest);
    }

    /**
     * The host must be, and resolve only to, loopback addresses: this tool never loads other
     * machines.
     */
    private static InetAddress loopback(String host) {
      String bare =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      InetAddress[] all;
      try {
        all = InetAddress.getAllByName(bare);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("cannot resolve " + host);
      }
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          throw new IllegalArgumentException(
              "refusing "
                  + host
                  + " ("
                  + a.getHostAddress()
                  + "): only loopback addresses (127.0.0.0/8, ::1, localhost)");
        }
      }
      return all[0];
    }

    private static int positive(String name, String value) {
      try {
        int n = Integer.parseInt(value.strip());
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // falls through
      }
      throw new IllegalArgumentException(name + " wants a whole number above 0, not " + value);
    }

    static long duration(String name, String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      double factor;
      String number;
      if (v.endsWith("ms")) {
        factor = 1e6;
        number = v.substring(0, v.length() - 2);
      } else if (v.endsWith("s")) {
        factor = 1e9;
        number = v.substring(0, v.length() - 1);
      } else if (v.endsWith("m")) {
        factor = 60e9;
        number = v.substring(0, v.length() - 1);
      } else {
        factor = 1e9;
        number = v;
      }
      try {
        double d = Double.parseDouble(number);
        if (d >= 0 && d * factor <= TimeUnit.HOURS.toNanos(1)) {
          return (long) (d * factor);
        }
      } catch (NumberFormatException e) {
        // falls through
      }
      throw new IllegalArgumentException(
          name + " wants a time such as 10s, 500ms or 2m (at most 1h), not " + value);
    }

    private static String header(String value) {
      int colon = value.indexOf(':');
      if (colon <= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("--header wants \"Name: value\", not " + value);
      }
      String name = value.substring(0, colon).strip();
      if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
        throw new IllegalArgumentException("--header has a bad name: " + value);
      }
      return name + ": " + value.substring(colon + 1).strip();
    }

    /**
     * The local address of connection {@code i}: 127.0.0.1, 127.0.0.2, ... 127.0.0.254, 127.0.1.1,
     * ...
     */
    InetSocketAddress source(int i) {
      if (sources <= 1) {
        return null;
      }
      return new InetSocketAddress(loopbackSource(i % sources), 0);
    }

    /** Loopback address {@code k}: 127.0.0.1, 127.0.0.2, ... 127.0.0.254, 127.0.1.1, ... */
    static InetAddress loopbackSource(int k) {
      try {
        return InetAddress.getByAddress(
            new byte[] {127, 0, (byte) (k / 254), (byte) (k % 254 + 1)});
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The request, encoded once. */
    byte[] requestBytes() {
      return requestBytes(authorization);
    }

    /** The request with this Authorization value (none when null). */
    byte[] requestBytes(String authorization) {
      String target =
          url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      if (url.getRawQuery() != null) {
        target += "?" + url.getRawQuery();
      }
      StringBuilder b = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
      if (headers.stream().noneMatch(h -> h.regionMatches(true, 0, "host:", 0, 5))) {
        b.append("Host: ").append(url.getRawAuthority()).append("\r\n");
      }
      if (headers.stream().noneMatch(h -> h.regionMatches(true, 0, "user-agent:", 0, 11))) {
        b.append("User-Agent: authhost-loadtool\r\n");
      }
      for (String h : headers) {
        b.append(h).append("\r\n");
      }
      if (authorization != null) {
        b.append("Authorization: ").append(authorization).append("\r\n");
      }
      return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  /** One run's figures; latencies in microseconds. */
  public record Result(
      String label,
      String url,
      int concurrency,
      int sources,
      int threads,
      long windowNanos,
      long requests,
      long non2xx,
      long errors,
      long reconnects,
      long p50,
      long p90,
      long p99,
      long p999,
      long max,
      double mean,
      long clientCpuNanos,
      long processCpuNanos,
      String codes,
      long stale) {

    public double rps() {
      return windowNanos <= 0 ? 0 : requests * 1e9 / windowNanos;
    }

    /** CPU time of the client's event-loop threads per measured request, in microseconds. */
    public double clientCpuMicrosPerRequest() {
      return requests == 0 ? 0 : clientCpuNanos / 1e3 / requests;
    }

    /**
     * CPU time of the whole process (all threads, GC and JIT included) per measured request, in
     * microseconds; minus the client's, that is the server's when the server runs in this process.
     */
    public double processCpuMicrosPerRequest() {
      return requests == 0 ? 0 : processCpuNanos / 1e3 / requests;
    }

    /** One line of key=value fields. */
    public String line() {
      return String.format(
          Locale.ROOT,
          "label=%s url=%s c=%d sources=%d threads=%d window=%.2fs requests=%d rps=%.1f p50=%s p90=%s p99=%s p99.9=%s "
              + "max=%s mean=%s non2xx=%d errors=%d stale=%d reconnects=%d client_cpu=%.1fus/req process_cpu=%.1fus/req codes=%s",
          label,
          url,
          concurrency,
          sources,
          threads,
          windowNanos / 1e9,
          requests,
          rps(),
          ms(p50),
          ms(p90),
          ms(p99),
          ms(p999),
          ms(max),
          ms(Math.round(mean)),
          non2xx,
          errors,
          stale,
          reconnects,
          clientCpuMicrosPerRequest(),
          processCpuMicrosPerRequest(),
          codes);
    }

    static String ms(long micros) {
      return String.format(Locale.ROOT, "%.3fms", micros / 1000.0);
    }
  }

  /** Runs the load and returns its figures; stops by itself. */
  public static Result run(Options o) throws Exception {
    SslContext ssl =
        o.url().getScheme().equalsIgnoreCase("https")
            ? SslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build()
            : null;
    // Encoded once; each write sends a duplicate, which the pipeline's release cannot free.
    ByteBuf encoded = Unpooled.directBuffer().writeBytes(o.requestBytes());
    NioEventLoopGroup group =
        new NioEventLoopGroup(o.threads(), new DefaultThreadFactory("loadtool"));
    Run run = new Run(o, ssl, Unpooled.unreleasableBuffer(encoded), group);
    try {
      return run.execute();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
      encoded.release();
    }
  }

  /** The shared state of one run. */
  private static final class Run {
    final Options o;
    final SslContext ssl;
    final ByteBuf request;
    final Bootstrap bootstrap;
    final NioEventLoopGroup group;
    final InetSocketAddress remote;
    final List<Connection> connections = new ArrayList<>();
    final CountDownLatch finished;
    final CountDownLatch enough = new CountDownLatch(1);

    /** Measured answers still wanted in --requests mode. */
    final AtomicLong remaining;

    final AtomicLong lastMeasured = new AtomicLong();
    volatile long measureStart;
    volatile long measureEnd;
    volatile boolean stopping;

    Run(Options o, SslContext ssl, ByteBuf request, NioEventLoopGroup group) {
      this.o = o;
      this.ssl = ssl;
      this.request = request;
      this.group = group;
      this.remote = new InetSocketAddress(o.address(), o.port());
      this.finished = new CountDownLatch(o.concurrency());
      this.remaining = new AtomicLong(o.requests() > 0 ? o.requests() : Long.MAX_VALUE);
      this.bootstrap =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000);
      for (int i = 0; i < o.concurrency(); i++) {
        connections.add(new Connection(this, group.next(), o.source(i)));
      }
    }

    Result execute() throws Exception {
      long start = System.nanoTime();
      measureStart = start + o.warmupNanos();
      measureEnd = measureStart + o.durationNanos();
      List<Long> loopThreads = new ArrayList<>();
      for (EventExecutor loop : group) {
        loopThreads.add(loop.submit(() -> Thread.currentThread().getId()).get());
      }
      for (Connection c : connections) {
        c.loop.execute(c::connect);
      }
      long toStart = measureStart - System.nanoTime();
      if (toStart > 0) {
        enough.await(toStart, TimeUnit.NANOSECONDS);
      }
      long clientCpu = -cpu(loopThreads);
      long processCpu = -processCpu();
      long wait = measureEnd - System.nanoTime();
      if (wait > 0) {
        enough.await(wait, TimeUnit.NANOSECONDS);
      }
      clientCpu += cpu(loopThreads);
      processCpu += processCpu();
      stopping = true;
      long end = o.requests() > 0 && enough.getCount() == 0 ? lastMeasured.get() : measureEnd;
      finished.await(GRACE_NANOS, TimeUnit.NANOSECONDS);
      // Whatever is still open: close it on its own loop and collect the figures there.
      Histogram merged = new Histogram();
      long[] totals = new long[5];
      long[] codes = new long[600];
      CountDownLatch collected = new CountDownLatch(connections.size());
      for (Connection c : connections) {
        c.loop.execute(
            () -> {
              try {
                if (c.inFlight) {
                  c.errors++;
                  c.inFlight = false;
                }
                if (c.channel != null) {
                  c.channel.close();
                }
                synchronized (merged) {
                  merged.add(c.histogram);
                  totals[0] += c.measured;
                  totals[1] += c.non2xx;
                  totals[2] += c.errors;
                  totals[3] += c.reconnects;
                  totals[4] += c.stale;
                  for (int i = 0; i < codes.length; i++) {
                    codes[i] += c.codes[i];
                  }
                }
              } finally {
                collected.countDown();
              }
            });
      }
      if (!collected.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("client event loops did not answer");
      }
      synchronized (merged) {
        return new Result(
            o.label(),
            o.url().toString(),
            o.concurrency(),
            o.sources(),
            o.threads(),
            end - measureStart,
            totals[0],
            totals[1],
            totals[2],
            totals[3],
            merged.percentile(50),
            merged.percentile(90),
            merged.percentile(99),
            merged.percentile(99.9),
            merged.max,
            merged.mean(),
            clientCpu,
            processCpu,
            codes(codes),
            totals[4]);
      }
    }

    /** Measured answers by status, e.g. {@code 200:1234,503:5}. */
    private static String codes(long[] codes) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < codes.length; i++) {
        if (codes[i] > 0) {
          b.append(b.length() == 0 ? "" : ",")
              .append(i == 0 ? "other" : Integer.toString(i))
              .append(':')
              .append(codes[i]);
        }
      }
      return b.length() == 0 ? "-" : b.toString();
    }

    private static long cpu(List<Long> threads) {
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long sum = 0;
      for (long id : threads) {
        sum += Math.max(0, mx.getThreadCpuTime(id));
      }
      return sum;
    }

    private static long processCpu() {
      return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
          ? os.getProcessCpuTime()
          : 0;
    }
  }

  /** One client connection slot; every field is used on {@code loop} only. */
  private static final class Connection {
    final Run run;
    final EventLoop loop;
    final InetSocketAddress source;
    final Histogram histogram = new Histogram();

    /** Measured answers by status code; 0 for codes outside 1..599. */
    final long[] codes = new long[600];

    Channel channel;
    boolean inFlight;
    boolean done;

    /** Digest state of this connection: the server's challenge, and the next nc. */
    DigestClient digest;

    long sentAt;
    long measured;
    long non2xx;
    long errors;
    long reconnects;
    long stale;

    Connection(Run run, EventLoop loop, InetSocketAddress source) {
      this.run = run;
      this.loop = loop;
      this.source = source;
    }

    void connect() {
      if (run.stopping) {
        finish();
        return;
      }
      Bootstrap b =
          run.bootstrap
              .clone(loop)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ChannelPipeline p = ch.pipeline();
                      if (run.ssl != null) {
                        p.addLast(
                            run.ssl.newHandler(ch.alloc(), run.o.url().getHost(), run.o.port()));
                      }
                      p.addLast(
                          new HttpResponseDecoder(),
                          new HttpObjectAggregator(MAX_BODY),
                          new Handler(Connection.this));
                    }
                  });
      (source == null ? b.connect(run.remote) : b.connect(run.remote, source))
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  errors++;
                  if (run.stopping) {
                    finish();
                  } else {
                    loop.schedule(this::connect, 20, TimeUnit.MILLISECONDS);
                  }
                }
              });
    }

    void sendNext(Channel ch) {
      long now = System.nanoTime();
      if (run.stopping || now >= run.measureEnd || run.remaining.get() <= 0) {
        finish();
        return;
      }
      inFlight = true;
      sentAt = now;
      if (run.o.digestCredentials() != null) {
        ch.writeAndFlush(
            Unpooled.wrappedBuffer(
                run.o.requestBytes(digest == null ? null : digest.next(run.o.url().getRawPath()))),
            ch.voidPromise());
        return;
      }
      ch.writeAndFlush(run.request.duplicate(), ch.voidPromise());
    }

    void answered(ChannelHandlerContext ctx, FullHttpResponse response) {
      long now = System.nanoTime();
      if (!inFlight) {
        errors++; // an answer nobody asked for
        ctx.close();
        return;
      }
      inFlight = false;
      if (response.decoderResult().isFailure()) {
        errors++;
        ctx.close();
        return;
      }
      if (run.o.digestCredentials() != null && response.status().code() == 401) {
        // The handshake (a first challenge, or stale=true): not a measured answer.
        DigestClient fresh =
            DigestClient.from(
                response.headers().getAll("WWW-Authenticate"), run.o.digestCredentials());
        if (fresh != null && (digest == null || fresh.stale)) {
          if (digest != null) {
            // The server forgot a nonce it issued (e.g. a plug-in version that did not take
            // over its predecessor's state): the client recovers, but it was refused once.
            stale++;
          }
          digest = fresh;
          sendNext(ctx.channel());
          return;
        }
      }
      if (now >= run.measureStart && now < run.measureEnd) {
        long left =
            run.remaining.get() == Long.MAX_VALUE
                ? Long.MAX_VALUE
                : run.remaining.decrementAndGet();
        if (left >= 0) {
          histogram.record((now - sentAt) / 1000);
          measured++;
          int code = response.status().code();
          codes[code > 0 && code < codes.length ? code : 0]++;
          if (code < 200 || code > 299) {
            non2xx++;
          }
          if (left == 0) {
            run.lastMeasured.set(now);
            run.enough.countDown();
          }
        }
      }
      if (!HttpUtil.isKeepAlive(response)) {
        ctx.close(); // closed() reconnects and counts it
        return;
      }
      sendNext(ctx.channel());
    }

    void closed(Channel ch) {
      if (ch != channel) {
        return;
      }
      channel = null;
      if (inFlight) {
        errors++;
        inFlight = false;
      }
      if (done) {
        return;
      }
      if (run.stopping || System.nanoTime() >= run.measureEnd) {
        finish();
        return;
      }
      reconnects++;
      connect();
    }

    void finish() {
      if (!done) {
        done = true;
        if (channel != null) {
          channel.close();
        }
        run.finished.countDown();
      }
    }
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Connection c;

    Handler(Connection c) {
      this.c = c;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      c.channel = ctx.channel();
      super.channelActive(ctx);
      c.sendNext(ctx.channel());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      c.answered(ctx, response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      c.closed(ctx.channel());
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      c.errors++;
      ctx.close();
    }
  }

  /**
   * Log-linear histogram of non-negative microsecond values: exact below 512, then 256 sub-buckets
   * per power of two (at most 0.4 % error), up to 2^32 µs.
   */
  static final class Histogram {
    private static final int SUB_BITS = 8;
    private static final int SUB = 1 << SUB_BITS;
    private static final long LIMIT = (1L << 32) - 1;
    final long[] counts = new long[(32 - SUB_BITS + 1) * SUB];
    long total;
    long max;
    double sum;

    void record(long micros) {
      long v = Math.min(Math.max(micros, 0), LIMIT);
      counts[index(v)]++;
      total++;
      sum += v;
      if (v > max) {
        max = v;
      }
    }

    static int index(long v) {
      if (v < 2 * SUB) {
        return (int) v;
      }
      int shift = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS;
      return (shift + 1) * SUB + (int) ((v >>> shift) - SUB);
    }

    /** The highest value that falls in bucket {@code i}. */
    static long highest(int i) {
      if (i < 2 * SUB) {
        return i;
      }
      int shift = i / SUB - 1;
      long sub = i % SUB + SUB;
      return ((sub + 1) << shift) - 1;
    }

    void add(Histogram other) {
      for (int i = 0; i < counts.length; i++) {
        counts[i] += other.counts[i];
      }
      total += other.total;
      sum += other.sum;
      max = Math.max(max, other.max);
    }

    long percentile(double p) {
      if (total == 0) {
        return 0;
      }
      long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return Math.min(highest(i), max);
        }
      }
      return max;
    }

    double mean() {
      return total == 0 ? 0 : sum / total;
    }
  }

  /**
   * The client side of RFC 7616 Digest as keep-alive clients use it: one challenge per connection,
   * its nonce reused with an increasing {@code nc}, SHA-256 preferred over MD5.
   */
  public static final class DigestClient {
    final String user;
    final String password;
    final String realm;
    final String nonce;
    final String opaque;
    final String algorithm;
    public final boolean stale;
    final String cnonce = Long.toHexString(ThreadLocalRandom.current().nextLong());
    int nc;

    private DigestClient(String credentials, Map<String, String> c) {
      int colon = credentials.indexOf(':');
      this.user = credentials.substring(0, colon);
      this.password = credentials.substring(colon + 1);
      this.realm = c.get("realm");
      this.nonce = c.get("nonce");
      this.opaque = c.get("opaque");
      this.algorithm = c.getOrDefault("algorithm", "MD5");
      this.stale = "true".equalsIgnoreCase(c.get("stale"));
    }

    public static DigestClient from(List<String> challenges, String credentials) {
      return from(challenges, credentials, "SHA-256");
    }

    /** The client for the first challenge with this algorithm (else SHA-256, else MD5). */
    public static DigestClient from(List<String> challenges, String credentials, String preferred) {
      Map<String, String> best = null;
      for (String challenge : challenges) {
        if (!challenge.regionMatches(true, 0, "Digest ", 0, 7)) {
          continue;
        }
        Map<String, String> params = new HashMap<>();
        var m =
            Pattern.compile("([A-Za-z0-9*-]+)\\s*=\\s*(\"([^\"]*)\"|[^,\\s]+)")
                .matcher(challenge.substring(7));
        while (m.find()) {
          params.put(
              m.group(1).toLowerCase(Locale.ROOT), m.group(3) != null ? m.group(3) : m.group(2));
        }
        String alg = params.getOrDefault("algorithm", "MD5");
        if (alg.equalsIgnoreCase(preferred)) {
          best = params;
          break;
        }
        if (alg.equalsIgnoreCase("SHA-256") || (best == null && alg.equalsIgnoreCase("MD5"))) {
          best = params;
        }
      }
      return best == null || best.get("nonce") == null ? null : new DigestClient(credentials, best);
    }

    public String algorithm() {
      return algorithm;
    }

    /**
     * The Authorization value of the next request on this nonce. The client shares the cores with
     * the server, so it spends no more than a careful client would: HA1 once per challenge, HA2
     * once per URI, one digest object; only the response is hashed per request. The bytes sent are
     * the same as when everything is computed afresh.
     */
    public String next(String uri) {
      String count = Integer.toHexString(++this.nc);
      String nc = "00000000".substring(count.length()) + count;
      if (ha1 == null) {
        ha1 = h(user + ":" + realm + ":" + password);
      }
      if (!uri.equals(ha2Uri)) {
        ha2 = h("GET:" + uri);
        ha2Uri = uri;
      }
      String response = h(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
      return "Digest username=\""
          + user
          + "\", realm=\""
          + realm
          + "\", nonce=\""
          + nonce
          + "\", uri=\""
          + uri
          + "\", algorithm="
          + algorithm
          + ", qop=auth, nc="
          + nc
          + ", cnonce=\""
          + cnonce
          + "\", response=\""
          + response
          + "\""
          + (opaque == null ? "" : ", opaque=\"" + opaque + "\"");
    }

    private String ha1;
    private String ha2;
    private String ha2Uri;
    private MessageDigest md;

    private String h(String text) {
      try {
        if (md == null) {
          md = MessageDigest.getInstance(algorithm.equalsIgnoreCase("SHA-256") ? "SHA-256" : "MD5");
        }
        return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
