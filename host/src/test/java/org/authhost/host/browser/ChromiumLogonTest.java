package org.authhost.host.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.authhost.host.AuthHost;
import org.authhost.host.testing.Chromium;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Chromium answers the host's Digest challenge with credentials taken from the URL. */
@ExtendWith(Chromium.class)
class ChromiumLogonTest {
  @TempDir static Path root;
  static AuthHost host;

  @BeforeAll
  static void start() throws Exception {
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-digest.jar",
            "hello, digest\n",
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": {
                "directory": "../plugins",
                "settings": { "digest": { "enabled": true, "properties": {
                  "realm": "AuthHost", "algorithms": "SHA-256,MD5" } } }
              },
              "http": { "port": 0 },
              "accounts": { "digestRealms": ["AuthHost"] },
              "publishingPoints": [ { "name": "d", "prefix": "/d/", "directory": "../media",
                "plugins": ["digest"] } ]
            }
            """);
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  @Test
  void digestWithCredentialsInTheUrl(WebDriver browser) throws Exception {
    int port = host.http().plainPort();
    browser.get("http://alice:pw-alice@127.0.0.1:" + port + "/d/hello.txt");

    Chromium.waitFor(browser)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "hello"));
    assertEquals("hello, digest", browser.findElement(By.tagName("body")).getText());
    Chromium.screenshot(browser, "harness-digest");
  }
}
