package org.authhost.host.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.accounts.AccountStore;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.testing.Chromium;
import org.authhost.host.testing.PluginJar;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's speed goal (issue 17): every pane renders in under 300 ms on loopback with 10,000
 * events and 1,000 accounts. Builds a real host in a temporary folder (the built-in Digest and
 * Basic plug-in JARs, the console on loopback, an administrator {@code root}), fills its account
 * store and event log, then measures the two halves of a pane's render and prints a Markdown table
 * with PASS/FAIL against the goal:
 *
 * <ul>
 *   <li><b>server</b>: each API route a pane calls, answered to the JDK's HTTP client over loopback
 *       with the console's session cookie (request sent to last byte read), and per pane the sum of
 *       its routes (what the page waits for, if it asked one after another);
 *   <li><b>browser</b>: each pane loaded as a new document in Chromium, from the navigation's start
 *       to the pane settled (its data drawn, {@code body[data-loaded]} set), on the browser's own
 *       clock ({@code performance.mark} of the page); and the same from WebDriver's side.
 * </ul>
 *
 * <p>{@code --poll URL SECONDS}: instead, a Chromium that logs on to the console at URL (with
 * {@code user:password@} in it) and shows the Now pane, which refreshes itself, for SECONDS: the
 * "browser polling the live view" of the request-path comparison ({@code bench/console-render.sh}).
 *
 * <p>Run: {@code host/bench ConsoleRenderBenchmark [accounts=1000] [events=10000] [samples=20]}.
 */
public final class ConsoleRenderBenchmark {
  private static final long GOAL_MS = 300;
  private static final String PASSWORD = "pw-root";
  private static final List<String> PANES =
      List.of("plugins", "events", "audit", "points", "accounts", "now");

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--poll")) {
      poll(args[1], Duration.ofSeconds(Long.parseLong(args[2])));
      return;
    }
    int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int samples = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Path root = Files.createTempDirectory("console-bench");
    AuthHost host = startHost(root, accounts);
    try {
      for (int i = 0; i < events; i++) {
        host.eventLog()
            .append(
                i % 10 == 0 ? EventLevel.WARNING : EventLevel.INFORMATION,
                i % 3 == 0 ? "audit" : "host",
                i % 10 == 0 ? HResult.E_ACCESSDENIED : HResult.S_OK,
                "benchmark event "
                    + i
                    + " account=\"user"
                    + (i % accounts)
                    + "\" client=127.0.0."
                    + (i % 250 + 1));
      }
      int port = host.console().plainPort();
      System.out.printf(
          "%n%d accounts, %d events (+ the host's own), %d samples per row, goal < %d ms%n%n",
          accounts, host.eventLog().count(), samples, GOAL_MS);
      System.out.println("| what | median ms | p95 ms | max ms | result |");
      System.out.println("|---|--:|--:|--:|---|");
      java.util.Map<String, List<Long>> server = apiCalls(port, samples, accounts);
      paneServerTimes(server);
      pageLoads(port, Math.max(3, samples / 4));
    } finally {
      host.stop();
    }
  }

  private static AuthHost startHost(Path root, int accounts) throws Exception {
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    for (String jar : List.of("authhost-plugin-digest.jar", "authhost-plugin-basic.jar")) {
      Files.copy(PluginJar.builtinPlugin(jar), plugins.resolve(jar));
    }
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "benchhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "settings": {
            "digest": { "properties": { "realm": "AuthHost", "algorithms": "MD5" } },
            "basic": { "properties": { "realm": "AuthHost" } } } },
          "eventLog": { "maxBytes": 268435456, "segmentBytes": 16777216 },
          "http": { "port": 0 },
          "accounts": { "digestRealms": ["AuthHost"] },
          "console": { "port": 0 }
        }
        """);
    System.setIn(
        new java.io.ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
    // Its "added ..." line would land in the report.
    Main.commandLine()
        .setOut(new java.io.PrintWriter(java.io.Writer.nullWriter()))
        .execute(
            "accounts",
            "add",
            "root",
            "--password-stdin",
            "--group",
            "Administrators",
            "--config",
            config.toString());
    HostConfig hostConfig = ConfigLoader.load(config);
    // Without passwords: filling the list is the point, not 1,000 slow password hashes.
    AccountStore store = new AccountStore(hostConfig, Clock.systemUTC());
    for (int i = 0; i < accounts; i++) {
      store.addUser("user" + i, "Benchmark user " + i, List.of(), null);
    }
    AuthHost host = AuthHost.create(ConfigLoader.load(config));
    host.start();
    return host;
  }

  /** Each pane's API routes, as console.js calls them when the pane is shown. */
  private static final java.util.Map<String, List<String>> PANE_ROUTES =
      new java.util.LinkedHashMap<>();

  static {
    PANE_ROUTES.put("plugins", List.of("plugins", "troubleshooting"));
    PANE_ROUTES.put("events", List.of("events"));
    PANE_ROUTES.put("audit", List.of("lockouts", "audit"));
    PANE_ROUTES.put("points", List.of("points"));
    PANE_ROUTES.put("accounts", List.of("accounts"));
    PANE_ROUTES.put("now", List.of("now"));
  }

  /** Per pane, the session call and its routes' medians added up: the server's share of a load. */
  private static void paneServerTimes(java.util.Map<String, List<Long>> server) {
    for (var pane : PANE_ROUTES.entrySet()) {
      List<Long> sums = new ArrayList<>();
      int n = server.get("session").size();
      for (int i = 0; i < n; i++) {
        long sum = server.get("session").get(i);
        for (String route : pane.getValue()) {
          sum += server.get(route).get(i);
        }
        sums.add(sum);
      }
      row(
          "server: " + pane.getKey() + " pane, session + " + String.join(" + ", pane.getValue()),
          sums);
    }
  }

  private static java.util.Map<String, List<Long>> apiCalls(int port, int samples, int accounts)
      throws Exception {
    java.util.Map<String, List<Long>> byRoute = new java.util.LinkedHashMap<>();
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port + "/console/api/";
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("root:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> logon =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "session"))
                .header("Authorization", basic)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String cookie =
        logon.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("authhost_console="))
            .map(c -> c.substring(0, c.indexOf(';')))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no session: " + logon.statusCode()));
    List<String> routes =
        List.of(
            "session",
            "plugins",
            "troubleshooting",
            "events",
            "events?level=WARNING",
            "events?text=user7",
            "audit",
            "audit?text=127.0.0.9",
            "lockouts",
            "points",
            "points?account=user" + (accounts / 2),
            "accounts",
            "accounts?offset=" + Math.max(0, accounts - 50),
            "accounts?q=user9",
            "groups",
            "now");
    for (String route : routes) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(base + route)).header("Cookie", cookie).build();
      List<Long> times = new ArrayList<>();
      for (int i = 0; i < samples + 3; i++) {
        long start = System.nanoTime();
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long micros = (System.nanoTime() - start) / 1000;
        if (r.statusCode() != 200) {
          throw new IllegalStateException(route + ": HTTP " + r.statusCode());
        }
        if (i >= 3) {
          times.add(micros);
        }
      }
      row("server: GET /console/api/" + route, times);
      byRoute.put(route, times);
    }
    return byRoute;
  }

  private static void pageLoads(int port, int samples) throws Exception {
    try (Chromium.Session browser = Chromium.launch()) {
      WebDriver driver = browser.driver();
      driver.get("http://root:" + PASSWORD + "@127.0.0.1:" + port + "/console/");
      String page = "http://127.0.0.1:" + port + "/console/";
      for (String pane : PANES) {
        List<Long> times = new ArrayList<>();
        List<Long> inPage = new ArrayList<>();
        for (int i = 0; i < samples + 1; i++) {
          long start = System.nanoTime();
          // A new query string makes it a new document, not a hash change within the old one.
          driver.get(page + "?load=" + i + "#" + pane);
          new WebDriverWait(driver, Chromium.WAIT)
              .pollingEvery(Duration.ofMillis(5))
              .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", pane));
          long micros = (System.nanoTime() - start) / 1000;
          // The browser's own clock: from the navigation's start to the page's mark, set when the
          // pane's data is drawn (the page, its CSS and script, the pane's API calls, the DOM).
          Number settled =
              (Number)
                  ((org.openqa.selenium.JavascriptExecutor) driver)
                      .executeScript(
                          "const m = performance.getEntriesByName('authhost-loaded-' + arguments[0]);"
                              + " return m.length ? m[m.length - 1].startTime : -1;",
                          pane);
          if (settled.doubleValue() < 0) {
            throw new IllegalStateException("the page set no mark for " + pane);
          }
          if (i >= 1) {
            times.add(micros);
            inPage.add(Math.round(settled.doubleValue() * 1000));
          }
        }
        row("browser: " + pane + " pane, navigation to settled (browser's clock)", inPage);
        row("browser: " + pane + " pane, get() to settled (WebDriver, wall clock)", times);
      }
    }
  }

  private static void row(String what, List<Long> micros) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    double median = sorted.get(sorted.size() / 2) / 1000.0;
    double p95 = sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.95))) / 1000.0;
    double max = sorted.get(sorted.size() - 1) / 1000.0;
    System.out.printf(
        "| %s | %.1f | %.1f | %.1f | %s |%n",
        what, median, p95, max, p95 < GOAL_MS ? "PASS" : "FAIL");
  }

  /** A browser on the Now pane for {@code duration}: the page refreshes its figures itself. */
  private static void poll(String url, Duration duration) throws Exception {
    try (Chromium.Session browser = Chromium.launch()) {
      WebDriver driver = browser.driver();
      driver.get(url);
      URI plain = URI.create(url.replaceFirst("//[^@/]*@", "//"));
      driver.get(plain.resolve("/console/#now").toString());
      new WebDriverWait(driver, Chromium.WAIT)
          .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "now"));
      System.out.println("browser polling the Now pane for " + duration.toSeconds() + " s");
      // The page's own timer does the polling; this thread only keeps the browser open.
      Thread.sleep(duration.toMillis());
      System.out.println(
          "Now pane last refreshed: " + driver.findElement(By.id("now-time")).getText());
    }
  }
}
