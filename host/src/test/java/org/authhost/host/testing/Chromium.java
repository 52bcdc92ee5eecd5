package org.authhost.host.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser for a test class: Debian's Chromium, headless, driven through Debian's {@code
 * /usr/bin/chromedriver} with plain WebDriver (next-capabilities.md §2.3–2.4). Driver and browser
 * come from the same Debian package version, and with {@code webdriver.chrome.driver} set Selenium
 * Manager never tries to download a driver; no DevTools-protocol helper is used, since those are
 * tied to one Chromium version and break when Debian updates it.
 *
 * <p>{@code @ExtendWith(Chromium.class)} starts one browser per class, with a fresh profile under
 * {@code target/}, and quits it when the class is done, whatever happened: JUnit closes the stored
 * session with the class's context. A test method or {@code @BeforeAll} method takes the {@link
 * WebDriver} as a parameter. Missing packages skip the class with their names, or fail it with
 * {@code AUTHHOST_REQUIRE_BROWSER=1} (as CI sets it).
 */
public final class Chromium implements BeforeAllCallback, ParameterResolver, TestWatcher {
  public static final String REQUIRE = "AUTHHOST_REQUIRE_BROWSER";
  public static final String PACKAGES = "chromium chromium-driver";
  public static final Path BROWSER = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  /** Where {@link #screenshot} saves pictures, for a person to look at after the build. */
  public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  /** Long enough for a page and its API calls on a machine busy with other builds. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(Chromium.class);

  /** Skips (or, with {@link #REQUIRE}, fails) unless Chromium and its driver are installed. */
  public static void requireBrowser() {
    String missing =
        !Files.isExecutable(BROWSER)
            ? BROWSER.toString()
            : !Files.isExecutable(DRIVER) ? DRIVER.toString() : null;
    if (missing == null) {
      return;
    }
    String message = missing + " is not installed; apt-get install " + PACKAGES;
    if ("1".equals(System.getenv(REQUIRE))) {
      Assertions.fail(message + " (" + REQUIRE + "=1: this test may not be skipped)");
    }
    Assumptions.abort(message);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    requireBrowser();
    context.getStore(NAMESPACE).put(Session.class, Session.start());
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == WebDriver.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Session session = context.getStore(NAMESPACE).get(Session.class, Session.class);
    if (session == null) {
      throw new IllegalStateException("Chromium starts in beforeAll; is the class extended?");
    }
    return session.driver();
  }

  /**
   * What the browser showed when a test failed, beside the screenshots: {@code failed-METHOD.png}
   * and {@code failed-METHOD.html} (the page's DOM as it was).
   */
  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Session session = context.getStore(NAMESPACE).get(Session.class, Session.class);
    if (session == null) {
      return;
    }
    String name = "failed-" + context.getRequiredTestMethod().getName();
    try {
      screenshot(session.driver(), name);
      Files.writeString(SCREENSHOTS.resolve(name + ".html"), session.driver().getPageSource());
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** A wait for a real condition on the page, bounded by {@link #WAIT}. */
  public static WebDriverWait waitFor(WebDriver driver) {
    return new WebDriverWait(driver, WAIT);
  }

  /** Saves what the browser shows as {@code target/console-screenshots/NAME.png}. */
  public static Path screenshot(WebDriver driver, String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    return file;
  }

  /**
   * A browser outside JUnit (the console benchmark); close it to quit the browser and remove its
   * profile.
   */
  public static Session launch() throws IOException {
    requireInstalled();
    return Session.start();
  }

  private static void requireInstalled() {
    if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
      throw new IllegalStateException(
          BROWSER + " or " + DRIVER + " is not installed; apt-get install " + PACKAGES);
    }
  }

  /** One browser and its profile folder; closing quits the browser and removes the folder. */
  public record Session(WebDriver driver, Path profile, Thread stopAtExit)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    static Session start() throws IOException {
      Path targetFolder = Files.createDirectories(Path.of("target"));
      Path profile = Files.createTempDirectory(targetFolder, "chromium-profile-");
      // Read by Selenium's DriverFinder before anything else: with it set, no driver download.
      System.setProperty("webdriver.chrome.driver", DRIVER.toString());
      ChromeOptions options = new ChromeOptions();
      options.setBinary(BROWSER.toFile());
      options.addArguments(
          "--headless",
          // CI runs as root, where Chromium refuses to start with its sandbox.
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          // The closed network refuses Chromium's own background connections in bulk.
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--window-size=1280,800",
          "--user-data-dir=" + profile.toAbsolutePath());
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(new File(DRIVER.toString()))
              .usingAnyFreePort()
              .withLogFile(targetFolder.resolve("chromedriver.log").toFile())
              .withAppendLog(true)
              .withTimeout(WAIT)
              .build();
      // A test JVM that ends without closing the session (killed build) still stops the driver,
      // and with it the browser, rather than leaving them running.
      Thread stopAtExit = new Thread(service::stop, "stop chromedriver");
      Runtime.getRuntime().addShutdownHook(stopAtExit);
      try {
        return new Session(new ChromeDriver(service, options), profile, stopAtExit);
      } catch (RuntimeException e) {
        Runtime.getRuntime().removeShutdownHook(stopAtExit);
        service.stop();
        deleteTree(profile);
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        driver.quit();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException exiting) {
          // The JVM is already shutting down: the hook runs anyway.
        }
        deleteTree(profile);
      }
    }

    private static void deleteTree(Path folder) {
      if (!Files.exists(folder)) {
        return;
      }
      try (Stream<Path> paths = Files.walk(folder)) {
        paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
