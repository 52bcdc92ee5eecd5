package org.authhost.host.browser;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.authhost.host.testing.Chromium;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's page as the browser tests see it, through the ids and {@code data-*} attributes
 * {@code docs/console.md} lists. Every wait is for a condition the page itself signals ({@code
 * body[data-loaded]}, {@code #message[data-kind]}, a row appearing), bounded by {@link
 * Chromium#WAIT}; nothing waits for time to pass.
 */
final class ConsolePage {
  private final WebDriver browser;

  ConsolePage(WebDriver browser) {
    this.browser = browser;
  }

  WebElement body() {
    return browser.findElement(By.tagName("body"));
  }

  WebElement find(String css) {
    return browser.findElement(By.cssSelector(css));
  }

  List<WebElement> findAll(String css) {
    return browser.findElements(By.cssSelector(css));
  }

  String text(String css) {
    return find(css).getText();
  }

  void waitFor(By locator) {
    Chromium.waitFor(browser).until(ExpectedConditions.presenceOfElementLocated(locator));
  }

  void waitText(String css, String text) {
    Chromium.waitFor(browser)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  /** Waits until {@code condition} holds; a row replaced while it is read is read again. */
  void waitUntil(BooleanSupplier condition) {
    Chromium.waitFor(browser)
        .ignoring(StaleElementReferenceException.class)
        .until(driver -> condition.getAsBoolean());
  }

  /** Waits until the pane's data has loaded ({@code body[data-loaded]}). */
  void waitLoaded(String pane) {
    Chromium.waitFor(browser)
        .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", pane));
  }

  /** Shows {@code pane} through the navigation and waits for its data. */
  void show(String pane) {
    forgetLoaded();
    if (pane.equals(body().getAttribute("data-pane"))) {
      // The link to the pane shown fires no hashchange: ask the page's own show() to reload it.
      script("show(arguments[0]);", pane);
    } else {
      find("#nav-" + pane).click();
    }
    waitLoaded(pane);
  }

  /**
   * Clicks {@code css} (a filter's Apply, a Show) and waits until the rows of {@code table} have
   * been replaced: the rows there now are marked first, and the page's loader puts new ones in.
   */
  void reloadWith(String css, String table) {
    List<WebElement> before = findAll(table + " tbody tr");
    if (before.isEmpty()) {
      throw new IllegalStateException(table + " has no rows whose replacement could be seen");
    }
    script(
        "for (const r of document.querySelectorAll(arguments[0] + ' tbody tr'))"
            + " r.dataset.stale = 'yes';",
        table);
    find(css).click();
    waitUntil(() -> findAll(table + " tbody tr[data-stale]").isEmpty());
  }

  void click(String css) {
    find(css).click();
  }

  /** Clicks a button that changes something and waits for the page's answer in {@code #message}. */
  void clickChange(String css) {
    script(
        "const m = document.getElementById('message'); m.hidden = true;"
            + " delete m.dataset.kind; m.textContent = '';");
    find(css).click();
    Chromium.waitFor(browser)
        .until(
            ExpectedConditions.attributeToBeNotEmpty(
                browser.findElement(By.id("message")), "data-kind"));
  }

  String messageKind() {
    return find("#message").getAttribute("data-kind");
  }

  void type(String css, String text) {
    WebElement input = find(css);
    input.clear();
    input.sendKeys(text);
  }

  void select(String css, String visibleText) {
    new Select(find(css)).selectByVisibleText(visibleText);
  }

  /** The status badge's text of the plug-in's current row, or null without such a row. */
  String pluginStatus(String id) {
    List<WebElement> badges =
        findAll(
            "#plugins-table tr[data-plugin='"
                + id
                + "'][data-state=CURRENT] span[data-test=status]");
    return badges.isEmpty() ? null : badges.get(0).getText();
  }

  /** The first row of {@code table} whose text contains {@code text}. */
  WebElement rowContaining(String table, String text) {
    return findAll(table + " tbody tr").stream()
        .filter(row -> row.getText().contains(text))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row of " + table + " contains " + text));
  }

  private Object script(String js, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(js, args);
  }

  private void forgetLoaded() {
    script("delete document.body.dataset.loaded;");
  }
}
