package org.authhost.host.testing;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away MIT Kerberos realm for end-to-end tests: its own krb5.conf and kdc.conf in a scratch
 * folder, a database made with {@code kdb5_util create -s}, principals and a keytab made with
 * {@code kadmin.local}, {@code krb5kdc -n} in the foreground on a free loopback port, and {@code
 * kinit} into private credential caches. Every process gets {@code KRB5_CONFIG}, {@code
 * KRB5_KDC_PROFILE} and {@code KRB5CCNAME} in its environment, so nothing outside the folder (no
 * {@code /etc/krb5.conf}, no system KDC) is read or touched.
 *
 * <p>Without the MIT binaries the test is skipped, with the packages to install; with {@code
 * AUTHHOST_REQUIRE_KERBEROS=1} (as CI sets it) it fails instead, so that CI cannot go green by
 * skipping.
 */
public final class ThrowawayKdc implements AutoCloseable {
  public static final String REALM = "TEST.LOCAL";
  public static final String SERVICE = "HTTP/localhost";
  public static final String INSTALL =
      "install the MIT Kerberos packages: apt-get install krb5-kdc "
          + "krb5-admin-server krb5-user";
  private static final List<String> SEARCH =
      List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin");
  private static final int ATTEMPTS = 5;

  private final Path dir;
  private final Map<String, Path> tools;
  private int port;
  private Process kdc;

  private ThrowawayKdc(Path dir, Map<String, Path> tools) {
    this.dir = dir;
    this.tools = tools;
  }

  /**
   * Makes the realm with {@link #SERVICE} in {@link #keytab()} and starts the KDC.
   *
   * @param dir an empty scratch folder the realm lives in
   */
  public static ThrowawayKdc start(Path dir) throws Exception {
    Map<String, Path> tools = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("krb5kdc", "kdb5_util", "kadmin.local", "kinit")) {
      find(tool).ifPresentOrElse(p -> tools.put(tool, p), () -> missing.add(tool));
    }
    if (!missing.isEmpty()) {
      String message =
          "MIT Kerberos is not installed (no " + String.join(", ", missing) + "); " + INSTALL;
      if ("1".equals(System.getenv("AUTHHOST_REQUIRE_KERBEROS"))) {
        Assertions.fail(message + " (AUTHHOST_REQUIRE_KERBEROS=1: this test may not be skipped)");
      }
      Assumptions.abort(message);
    }
    Files.createDirectories(dir);
    ThrowawayKdc kdc = new ThrowawayKdc(dir, tools);
    try {
      kdc.port = freePort();
      kdc.writeConfig();
      kdc.run(
          "kdb5_util",
          "create",
          "-s",
          "-r",
          REALM,
          "-P",
          "master-" + ProcessHandle.current().pid());
      kdc.run("kadmin.local", "-r", REALM, "-q", "addprinc -randkey " + SERVICE);
      kdc.run("kadmin.local", "-r", REALM, "-q", "ktadd -k " + kdc.keytab() + " " + SERVICE);
      kdc.startKdc();
      return kdc;
    } catch (Exception | Error e) {
      kdc.close();
      throw e;
    }
  }

  private static Optional<Path> find(String tool) {
    List<String> dirs = new ArrayList<>(SEARCH);
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, tool))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** A port free for both TCP and UDP on loopback now; the KDC may still lose a race for it. */
  private static int freePort() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int i = 0; i < 50; i++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, loopback)) {
        int candidate = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, candidate))) {
          return candidate;
        } catch (IOException taken) {
          // The UDP side is in use: try another.
        }
      }
    }
    throw new IOException("no free loopback port for the KDC");
  }

  private void writeConfig() throws IOException {
    String d = dir.toAbsolutePath().toString();
    Files.writeString(
        krb5Conf(),
        """
        [libdefaults]
          default_realm = %1$s
          dns_lookup_kdc = false
          dns_lookup_realm = false
          dns_canonicalize_hostname = false
          rdns = false
          udp_preference_limit = 1
          default_ccache_name = FILE:%2$s/ccache-default
        [realms]
          %1$s = {
            kdc = 127.0.0.1:%3$d
          }
        [domain_realm]
          localhost = %1$s
        """
            .formatted(REALM, d, port));
    Files.writeString(
        dir.resolve("kdc.conf"),
        """
        [kdcdefaults]
          kdc_listen = 127.0.0.1:%3$d
          kdc_tcp_listen = 127.0.0.1:%3$d
        [realms]
          %1$s = {
            database_name = %2$s/principal
            key_stash_file = %2$s/stash
            acl_file = %2$s/kadm5.acl
            kdc_listen = 127.0.0.1:%3$d
            kdc_tcp_listen = 127.0.0.1:%3$d
            master_key_type = aes256-cts-hmac-sha1-96
            supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
            max_life = 1h
          }
        [logging]
          kdc = FILE:%2$s/kdc.log
          admin_server = FILE:%2$s/kadmin.log
          default = FILE:%2$s/krb5.log
        """
            .formatted(REALM, d, port));
    Files.writeString(dir.resolve("kadm5.acl"), "");
  }

  private void startKdc() throws Exception {
    for (int attempt = 1; ; attempt++) {
      ProcessBuilder pb = new ProcessBuilder(tools.get("krb5kdc").toString(), "-n", "-r", REALM);
      pb.environment().putAll(environment(null));
      pb.redirectErrorStream(true).redirectOutput(dir.resolve("krb5kdc.out").toFile());
      kdc = pb.start();
      if (waitForListener()) {
        return;
      }
      String output = Files.readString(dir.resolve("krb5kdc.out"));
      kdc.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      kdc = null;
      if (attempt == ATTEMPTS) {
        throw new IllegalStateException(
            "krb5kdc did not start after "
                + ATTEMPTS
                + " ports; last output: "
                + output
                + "; log: "
                + read(dir.resolve("kdc.log")));
      }
      port = freePort(); // most likely the port was taken meanwhile: retry with another
      writeConfig();
    }
  }

  private boolean waitForListener() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!kdc.isAlive()) {
        return false;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return true;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "(none)";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Adds a user principal with a password. */
  public void addUser(String name, String password) throws Exception {
    run("kadmin.local", "-r", REALM, "-q", "addprinc -pw " + password + " " + name);
  }

  /** Adds a service principal with random keys and exports them into {@code keytab}. */
  public void addService(String principal, Path keytab) throws Exception {
    run("kadmin.local", "-r", REALM, "-q", "addprinc -randkey " + principal);
    run("kadmin.local", "-r", REALM, "-q", "ktadd -k " + keytab + " " + principal);
  }

  /**
   * Gets {@code user} a ticket-granting ticket in a credential cache of its own, and returns the
   * cache.
   */
  public Path kinit(String user, String password) throws Exception {
    Path cache = dir.resolve("ccache-" + user.replaceAll("[^A-Za-z0-9]", "_"));
    List<String> command = List.of(tools.get("kinit").toString(), "-c", "FILE:" + cache, user);
    try {
      execute(command, environment(cache), password + "\n");
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "kinit "
              + user
              + " failed: "
              + e.getMessage()
              + "; KDC log: "
              + read(dir.resolve("kdc.log")),
          e);
    }
    return cache;
  }

  private void run(String tool, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(tools.get(tool).toString());
    command.addAll(List.of(args));
    execute(command, environment(null), null);
  }

  /** How long one tool may run: none of them needs more than a second or two. */
  private static final long TOOL_TIMEOUT_SECONDS = 30;

  /**
   * Runs a tool to completion with its output (stdout and stderr) in a file of the scratch folder,
   * not a pipe: reading a pipe to its end before waiting would block as long as the tool runs, so
   * that the timeout never applied. A tool that outlives the timeout is destroyed.
   *
   * @param input what to write to its standard input, or {@code null} for none
   * @throws IllegalStateException on a timeout or a non-zero exit, with the tool's output
   */
  private void execute(List<String> command, Map<String, String> env, String input)
      throws Exception {
    Path output = Files.createTempFile(dir, Path.of(command.get(0)).getFileName() + "-", ".out");
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(output.toFile());
    if (input == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    Process p = pb.start();
    if (input != null) {
      try (var stdin = p.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      } catch (IOException gone) {
        // The tool exited without reading it; its exit status and output say why.
      }
    }
    if (!p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IllegalStateException(
          String.join(" ", command)
              + " did not finish within "
              + TOOL_TIMEOUT_SECONDS
              + " s and was stopped; its output: "
              + read(output));
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited with " + p.exitValue() + ": " + read(output));
    }
  }

  /**
   * The environment of a Kerberos client or tool using this realm: {@code KRB5_CONFIG}, {@code
   * KRB5_KDC_PROFILE} and, for a client, {@code KRB5CCNAME}.
   *
   * @param cache the credential cache, or {@code null} for one that does not exist
   */
  public Map<String, String> environment(Path cache) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KRB5_CONFIG", krb5Conf().toString());
    env.put("KRB5_KDC_PROFILE", dir.resolve("kdc.conf").toAbsolutePath().toString());
    env.put(
        "KRB5CCNAME",
        "FILE:" + (cache == null ? dir.resolve("no-such-ccache") : cache).toAbsolutePath());
    return env;
  }

  public Path krb5Conf() {
    return dir.resolve("krb5.conf").toAbsolutePath();
  }

  /** The keytab of {@link #SERVICE}. */
  public Path keytab() {
    return dir.resolve("http.keytab").toAbsolutePath();
  }

  /** {@link #SERVICE} with the realm. */
  public String servicePrincipal() {
    return SERVICE + "@" + REALM;
  }

  public int port() {
    return port;
  }

  /** The KDC's log, for failure messages. */
  public String log() {
    return read(dir.resolve("kdc.log"));
  }

  /** Stops the KDC (it runs in the foreground, so destroying the process is enough). */
  @Override
  public void close() throws InterruptedException {
    Process p = kdc;
    kdc = null;
    if (p != null) {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
