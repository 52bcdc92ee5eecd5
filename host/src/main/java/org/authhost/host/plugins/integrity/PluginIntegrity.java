package org.authhost.host.plugins.integrity;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.IntegrityConfig;
import org.authhost.host.config.PluginId;
import org.authhost.host.diagnostics.ControlCharacters;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.plugins.PluginProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code plugins.integrity}: decides, for each plug-in JAR the host finds, whether it may be
 * loaded, before anything of it is staged or loaded; a refusal is final, never a warning. The
 * host's counterpart of Windows' Authenticode check on a WMS plug-in DLL ({@code WinVerifyTrust}),
 * with the operator's own lists in place of the machine's certificate stores.
 *
 * <p>The lists are read at each decision, so {@code ./authhost plugins trust} takes effect at the
 * next scan without a restart. The command line decides with the very same object ({@code plugins
 * verify}).
 */
@Singleton
public final class PluginIntegrity implements JarAdmission {
  private static final Logger log = LoggerFactory.getLogger(PluginIntegrity.class);

  /** {@code PluginDescriptor.PATH}: the plug-in's descriptor, read here only for its id. */
  private static final String DESCRIPTOR = "META-INF/authhost-plugin.properties";

  private final IntegrityConfig config;
  private final Path pluginDirectory;
  private final Path pluginData;
  private final HostEvents events;
  private final Clock clock;
  private final AtomicBoolean announced = new AtomicBoolean();

  /** The signer of each JAR admitted by its signature, for the plug-in listing. */
  private final Map<Path, String> signers = new ConcurrentHashMap<>();

  // Admitted, not yet reported: the report waits until discovery has read the JAR's descriptor.
  // At most one entry per file in the plug-in folder; the next decision about a file replaces it.
  private final Map<Path, Decision> admittedUnopened = new ConcurrentHashMap<>();

  @Inject
  PluginIntegrity(HostConfig config, HostEvents events, Clock clock) {
    this(
        config.plugins().integrity(),
        config.plugins().directory(),
        // The only folders a plug-in is given (see HostServerContext): its data folder's parent.
        config.dataDirectory().resolve("plugin-data"),
        events,
        clock);
  }

  private PluginIntegrity(
      IntegrityConfig config,
      Path pluginDirectory,
      Path pluginData,
      HostEvents events,
      Clock clock) {
    this.config = config;
    this.pluginDirectory = pluginDirectory;
    this.pluginData = pluginData;
    this.events = events;
    this.clock = clock;
  }

  /** For the command line: decides as a host with this configuration would, and tells no one. */
  public static PluginIntegrity forCommandLine(HostConfig config) {
    return forCommandLine(config, config.plugins().integrity().mode());
  }

  /** As {@link #forCommandLine(HostConfig)}, deciding in {@code mode} instead of the file's. */
  public static PluginIntegrity forCommandLine(HostConfig config, IntegrityConfig.Mode mode) {
    IntegrityConfig file = config.plugins().integrity();
    return new PluginIntegrity(
        new IntegrityConfig(mode, file.allowList(), file.trustStore(), file.builtInHashes()),
        config.plugins().directory(),
        config.dataDirectory().resolve("plugin-data"),
        null,
        Clock.systemUTC());
  }

  /** The mode it decides in. */
  public IntegrityConfig.Mode mode() {
    return config.mode();
  }

  @Override
  public Optional<PluginProblem> refusal(Path jar) {
    announce();
    Decision decision = check(jar);
    if (decision.signer().isEmpty()) {
      signers.remove(jar);
    } else {
      signers.put(jar, decision.signer());
    }
    if (decision.admitted()) {
      admittedUnopened.put(jar, decision);
      return Optional.empty();
    }
    admittedUnopened.remove(jar);
    return Optional.of(decision.problem(claimedId(jar)));
  }

  @Override
  public void opened(Path jar) {
    Decision decision = admittedUnopened.remove(jar);
    if (decision != null) {
      log.info(
          "{} admitted: [{}] {}",
          ControlCharacters.escape(jar.toString()),
          decision.id(),
          ControlCharacters.escape(decision.reason()));
    }
  }

  /** Who signed {@code jar} when the host last admitted it by its signature; else empty. */
  public String signerOf(Path jar) {
    return jar == null ? "" : signers.getOrDefault(jar, "");
  }

  /** What the host decides about {@code jar}, and why; reads the JAR, runs nothing of it. */
  public Decision check(Path jar) {
    String sha256;
    try {
      sha256 = HashList.sha256(jar);
    } catch (IOException e) {
      if (config.mode() == IntegrityConfig.Mode.OFF) {
        // Whatever cannot read it later says why; off changes nothing of today's behaviour.
        return Decision.admit("integrity/off", jar, "", "", "plugins.integrity is off");
      }
      return Decision.refuse(
          "integrity/unreadable",
          jar,
          "",
          HResult.E_ACCESSDENIED,
          "the JAR cannot be read (" + e.getMessage() + ")",
          "give the host's account read access to it, or remove it");
    }
    if (config.mode() == IntegrityConfig.Mode.OFF) {
      return Decision.admit(
          "integrity/off", jar, sha256, "", "plugins.integrity is off: every JAR is loaded");
    }
    String exposed = exposedTrustFiles();
    if (exposed != null) {
      return Decision.refuse(
          "integrity/exposed-trust-files",
          jar,
          sha256,
          HResult.E_ACCESSDENIED,
          exposed,
          "keep host.json's folder and the distribution's lib/ apart from plugins.directory and"
              + " from the data folder's plugin-data");
    }
    try {
      Decision shape = JarShape.refusal(jar, sha256);
      if (shape != null) {
        return shape;
      }
    } catch (IOException | RuntimeException e) {
      return Decision.refuse(
          "integrity/unreadable",
          jar,
          sha256,
          HResult.E_BAD_FORMAT,
          "it cannot be read as a JAR (" + e.getMessage() + ")",
          "replace it with a complete copy of the file its author published");
    }
    HashList builtIn;
    HashList allowList;
    TrustAnchors anchors = null;
    Path reading = config.builtInHashes();
    try {
      builtIn = HashList.read(reading);
      reading = config.allowList();
      allowList = HashList.read(reading);
      if (config.mode() == IntegrityConfig.Mode.SIGNED) {
        reading = config.trustStore();
        anchors = TrustAnchors.read(reading);
      }
    } catch (HashList.Malformed e) {
      return Decision.refuse(
          "integrity/bad-allow-list",
          jar,
          sha256,
          HResult.E_BAD_FORMAT,
          "the allow-list cannot be read: " + e.getMessage(),
          "fix or remove the line named, then run ./authhost plugins trust FILE for each JAR");
    } catch (IOException e) {
      return unreadableTrustList(jar, sha256, reading, e);
    }
    if (builtIn.contains(sha256)) {
      return Decision.admit(
          "integrity/built-in",
          jar,
          sha256,
          "",
          "a built-in plug-in: its SHA-256 is on " + config.builtInHashes());
    }
    if (allowList.contains(sha256)) {
      return Decision.admit(
          "integrity/listed", jar, sha256, "", "its SHA-256 is on " + config.allowList());
    }
    if (config.mode() == IntegrityConfig.Mode.SHA256) {
      return Decision.refuse(
          "integrity/not-listed",
          jar,
          sha256,
          Decision.TRUST_E_SUBJECT_NOT_TRUSTED,
          "its SHA-256 is on neither " + config.allowList() + " nor the built-in plug-ins' list",
          "if you trust this very file, run ./authhost plugins trust "
              + jar
              + "; otherwise remove it from the plug-in folder");
    }
    try {
      return new SignedJarCheck(jar, sha256, anchors, Date.from(clock.instant())).decide();
    } catch (SecurityException e) {
      // The JDK's verification found the signature files themselves changed (the manifest no
      // longer matches its .SF), before any entry was read.
      return Decision.refuse(
          "integrity/tampered",
          jar,
          sha256,
          Decision.TRUST_E_BAD_DIGEST,
          "its signature does not match its manifest (" + e.getMessage() + ")",
          "replace the file with the one its author published. Only if you know this very file"
              + " and why its signature fails: ./authhost plugins trust "
              + jar);
    } catch (IOException | RuntimeException e) {
      // A JAR that trips the verifier must be refused, never end the scan of the others.
      if (e instanceof RuntimeException) {
        log.info("checking the signature of {}", jar, e);
      }
      return Decision.refuse(
          "integrity/unreadable",
          jar,
          sha256,
          HResult.E_BAD_FORMAT,
          "its signature cannot be checked (" + e.getMessage() + ")",
          "replace it with a complete copy of the file its author published");
    }
  }

  /**
   * A trust file the host cannot read refuses every JAR (fail closed), and says so as what it is: a
   * problem of the list, not of the JAR.
   */
  private Decision unreadableTrustList(Path jar, String sha256, Path file, IOException e) {
    String account = System.getProperty("user.name");
    boolean denied = e instanceof java.nio.file.AccessDeniedException;
    return Decision.refuse(
        "integrity/unreadable-trust-list",
        jar,
        sha256,
        HResult.E_ACCESSDENIED,
        file
            + " cannot be read by the host's account "
            + account
            + " ("
            + (denied ? "permission denied" : e.getMessage())
            + "); no JAR can be checked against it",
        denied
            ? "let the account "
                + account
                + " read it (chmod 644 "
                + file
                + "); the configuration folder and lib/ should be readable, not writable, by"
                + " it"
            : "repair or replace the file named (./authhost plugins trust writes it)");
  }

  /**
   * The files the host trusts plug-ins by; the built-in list may be absent in hosts made in code.
   */
  private java.util.List<Path> trustFiles() {
    java.util.List<Path> files = new java.util.ArrayList<>();
    files.add(config.allowList());
    files.add(config.trustStore());
    if (config.builtInHashes() != null) {
      files.add(config.builtInHashes());
    }
    return files;
  }

  /**
   * Why the trust files sit where a plug-in could write them, or null. Compared as real paths: a
   * symbolic link to the configuration folder must not hide that it is the plug-in folder.
   */
  private String exposedTrustFiles() {
    Path data = real(pluginData);
    Path drop = real(pluginDirectory);
    for (Path file : trustFiles()) {
      Path folder = real(file.toAbsolutePath().getParent());
      if (folder.startsWith(data) || folder.startsWith(drop)) {
        return file
            + " is in "
            + folder
            + ", a folder plug-ins are given or dropped into, so it cannot vouch for them";
      }
    }
    return null;
  }

  /** The real path of {@code path}, or of its nearest existing ancestor with the rest appended. */
  static Path real(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !java.nio.file.Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute));
    } catch (IOException e) {
      return absolute;
    }
  }

  /** The trust files and their folders that the host's own account could change, for a warning. */
  private java.util.List<Path> writableByHost() {
    java.util.Set<Path> found = new java.util.LinkedHashSet<>();
    for (Path file : trustFiles()) {
      Path folder = file.toAbsolutePath().getParent();
      if (java.nio.file.Files.isWritable(folder)) {
        found.add(folder);
      }
      if (java.nio.file.Files.isWritable(file)) {
        found.add(file);
      }
    }
    return java.util.List.copyOf(found);
  }

  /** At each start, once: what the host checks, so that "off" is never a silent choice. */
  private void announce() {
    if (events == null || !announced.compareAndSet(false, true)) {
      return;
    }
    String text =
        switch (config.mode()) {
          case OFF ->
              "plugins.integrity is off: plug-in JARs in "
                  + pluginDirectory
                  + " are loaded without checking their SHA-256 or signature. To refuse JARs"
                  + " that are not trusted, set plugins.integrity to \"sha256\" or \"signed\" in"
                  + " host.json";
          case SHA256 ->
              "plugins.integrity is sha256: a plug-in JAR is loaded only if its SHA-256 is on "
                  + config.allowList()
                  + " or "
                  + config.builtInHashes();
          case SIGNED ->
              "plugins.integrity is signed: a plug-in JAR is loaded only if every entry is signed"
                  + " by a certificate that chains to "
                  + config.trustStore()
                  + ", or its SHA-256 is on "
                  + config.allowList()
                  + " or "
                  + config.builtInHashes();
        };
    events.host(EventLevel.INFORMATION, HostEvents.HOST, HResult.S_OK, text);
    java.util.List<Path> writable =
        config.mode() == IntegrityConfig.Mode.OFF ? java.util.List.of() : writableByHost();
    if (!writable.isEmpty()) {
      // Not a refusal: root runs tests and containers. But code running as the host could then
      // vouch for itself, so the operator is told what to change.
      events.host(
          EventLevel.WARNING,
          HostEvents.HOST,
          HResult.S_OK,
          "plugins.integrity: the host's account "
              + System.getProperty("user.name")
              + " can write "
              + writable.stream()
                  .map(Path::toString)
                  .collect(java.util.stream.Collectors.joining(", "))
              + ", so code running as the host could change what it trusts. Make the"
              + " configuration folder and lib/ owned by another account and read-only to this one");
    }
  }

  /** The id the JAR's descriptor claims, for naming it in the listing; else its file name. */
  static String claimedId(Path jar) {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry entry = zip.getEntry(DESCRIPTOR);
      if (entry != null) {
        Properties descriptor = new Properties();
        try (InputStream in = zip.getInputStream(entry)) {
          descriptor.load(in);
        }
        String id = descriptor.getProperty("id");
        if (id != null && PluginId.isValid(id.strip())) {
          return id.strip();
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // Named by its file, as the descriptor reader names what it cannot read.
    }
    return jar.getFileName().toString();
  }
}
