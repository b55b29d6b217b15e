package io.heartguard.serve.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.starttls.StartTls;
import io.heartguard.serve.ServeOptions;
import io.heartguard.serve.WebChecker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web checker as a person uses it, in Debian's headless Chromium: the lab's vulnerable and patched servers on
 * 127.0.0.1 (opened with {@code --allow 127.0.0.0/8}), a private address that must be refused, the bulk page, the
 * keyboard, markup in a host name, the stable result link, recent checks and a host's history, a phone-sized
 * screen, and a form on another site that must not start a check. Every scenario leaves a PNG in
 * {@code serve/target/screenshots/}; with {@code HEARTGUARD_UPDATE_SCREENSHOTS=1} the README's two are refreshed in
 * {@code docs/img/}.
 */
class WebCheckerBrowserTest {
  /** Far above a lab check (well under a second on loopback), far below a hang that would stall the build. */
  private static final Duration VERDICT_WAIT = Duration.ofSeconds(30);
  private static final List<String> FINAL_VERDICTS =
      List.of("VULNERABLE", "NOT_VULNERABLE", "INCONCLUSIVE", "interrupted");

  @TempDir
  static Path workDir;

  private static LabServer vulnerable;
  private static LabServer patched;
  private static WebChecker checker;
  private static HeadlessChromium chromium;
  private static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    HeadlessChromium.assumeInstalled();
    vulnerable = LabServer.start(LabOptions.vulnerable().withoutLog());
    patched = LabServer.start(LabOptions.patched().withoutLog());
    checker = WebChecker.start(ServeOptions.defaults()
        .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .withDatabase(workDir.resolve("serve.db").toString())
        .withAllowed(List.of("127.0.0.0/8"))
        .withClientRate(10_000)
        .withTargetRate(10_000)
        .withScanOptions(ScanOptions.defaults().withTimeout(Duration.ofSeconds(10))));
    chromium = HeadlessChromium.start();
    driver = chromium.driver();
  }

  @AfterAll
  static void stop() throws Exception {
    try (LabServer v = vulnerable; LabServer p = patched; WebChecker c = checker; HeadlessChromium b = chromium) {
      // nothing to do: this closes them in reverse order (the browser first), skips nulls (a failed start), and
      // runs every close even if one throws
    }
  }

  @BeforeEach
  void desktopWindow() {
    chromium.resizeViewport(HeadlessChromium.DESKTOP);
    driver.manage().deleteAllCookies();
  }

  @Test
  void vulnerableLabAddressShowsVulnerable() throws IOException {
    String verdict = checkInPage(hostPort(vulnerable));

    assertThat(verdict).isEqualTo("VULNERABLE");
    assertThat(verdictText()).contains("VULNERABLE").doesNotContain("NOT VULNERABLE");
    publish(chromium.screenshot("vulnerable"), "serve-vulnerable.png");
  }

  @Test
  void patchedLabAddressShowsNotVulnerable() {
    String verdict = checkInPage(hostPort(patched));

    assertThat(verdict).isEqualTo("NOT_VULNERABLE");
    assertThat(verdictText()).contains("NOT VULNERABLE");
    chromium.screenshot("not-vulnerable");
  }

  @Test
  void privateAddressIsRefusedWithAnAlertAndNoVerdict() throws IOException {
    driver.get(checker.uri().toString());
    fill("10.0.0.1");
    driver.findElement(By.id("check")).click();

    WebElement error = waitForError();
    assertThat(error.getDomAttribute("role")).isEqualTo("alert");
    assertThat(error.getText()).contains("10.0.0.1").contains("refused").doesNotContain("\n");
    assertThat(driver.findElements(By.id("verdict")))
        .as("a refused target gets no check, so no verdict").allMatch(v -> !v.isDisplayed());
    publish(chromium.screenshot("refused"), "serve-refused.png");
  }

  @Test
  void labelIsTiedToTheInputAndAKeyboardAloneRunsACheck() {
    driver.get(checker.uri().toString());
    WebElement label = driver.findElement(By.cssSelector("label[for='target']"));
    WebElement input = driver.findElement(By.id("target"));
    assertThat(label.getText()).isNotBlank();
    // The label's for names the input's id, so clicking the label focuses the field (and screen readers name it).
    label.click();
    assertThat(activeElementId()).isEqualTo("target");

    driver.get(checker.uri().toString()); // a fresh load: keyboard focus starts at the top of the document
    input = driver.findElement(By.id("target"));
    int tabs = 0;
    while (!"target".equals(activeElementId()) && tabs < 20) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
      tabs++;
    }
    assertThat(activeElementId()).as("Tab reaches the target field within 20 presses").isEqualTo("target");
    assertThat(input.getDomAttribute("name")).isEqualTo("target");
    new Actions(driver).sendKeys(hostPort(vulnerable)).sendKeys(Keys.ENTER).perform();

    assertThat(waitForVerdict()).isEqualTo("VULNERABLE");
    chromium.screenshot("keyboard");
  }

  @Test
  void protocolChoiceOffersAutoTlsAndEveryStartTlsProtocol() {
    driver.get(checker.uri().toString());
    List<String> values = new Select(driver.findElement(By.id("protocol"))).getOptions().stream()
        .map(o -> o.getDomAttribute("value")).toList();

    assertThat(values).contains("auto", "tls");
    assertThat(values).containsAll(Arrays.stream(StartTls.values()).map(StartTls::protocolName).toList());
  }

  @Test
  void bulkCheckOfVulnerableAndPatchedLabsFillsTheTable() {
    driver.get(checker.uri().resolve("/bulk").toString());
    driver.findElement(By.id("targets")).sendKeys(hostPort(vulnerable) + "\n" + hostPort(patched));
    driver.findElement(By.id("check-all")).click();

    Map<String, String> rows = new WebDriverWait(driver, VERDICT_WAIT)
        .ignoring(StaleElementReferenceException.class)
        .until(d -> {
          Map<String, String> verdicts = new LinkedHashMap<>();
          for (WebElement row : d.findElements(By.cssSelector("#bulk-results tr[data-target]"))) {
            String verdict = row.findElement(By.cssSelector("td.verdict")).getDomAttribute("data-verdict");
            if (!FINAL_VERDICTS.contains(verdict)) {
              return null;
            }
            verdicts.put(row.getDomAttribute("data-target"), verdict);
          }
          return verdicts.size() == 2 ? verdicts : null;
        });

    assertThat(rows).hasSize(2);
    assertThat(verdictOfRowFor(rows, vulnerable)).isEqualTo("VULNERABLE");
    assertThat(verdictOfRowFor(rows, patched)).isEqualTo("NOT_VULNERABLE");
    chromium.screenshot("bulk");
  }

  @Test
  void aFormOnAnotherSiteCannotMakeTheBrowserStartACheck() throws IOException {
    // A page on http://localhost:PORT (another site than 127.0.0.1) that posts the check form to the checker.
    String form = "<!doctype html><form id=f method=post action=\"" + checker.uri().resolve("/checks") + "\">"
        + "<input name=target value=\"" + hostPort(vulnerable) + "\"><button id=go>go</button></form>";
    com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    other.createContext("/", exchange -> {
      byte[] page = form.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    other.start();
    try {
      driver.get("http://localhost:" + other.getAddress().getPort() + "/");
      driver.findElement(By.id("go")).click();

      WebElement error = waitForError();
      assertThat(error.getText()).startsWith("cross-site request refused");
      assertThat(driver.getCurrentUrl()).isEqualTo(checker.uri().resolve("/checks").toString());
      chromium.screenshot("cross-site-refused");
    } finally {
      other.stop(0);
    }
  }

  @Test
  void markupInAHostNameIsShownAsTextNeverAsElements() {
    String markup = "<img src=x onerror=window.heartguardInjected=1>";
    driver.get(checker.uri().toString());
    fill(markup);
    driver.findElement(By.id("check")).click();

    // Not a host name: the error repeats what was typed, as the characters typed, never as markup.
    WebElement error = waitForError();
    assertThat(error.getText()).contains("<img src=x onerror=");
    assertThat(driver.findElements(By.cssSelector("img[src='x']"))).as("an <img> built from the input").isEmpty();
    assertThat(driver.executeScript("return window.heartguardInjected === undefined")).isEqualTo(true);
    chromium.screenshot("markup-escaped");

    driver.get(checker.uri().resolve("/hosts/").toString() + "%3Cimg%20src%3Dx%20onerror%3Dwindow.heartguardInjected%3D1%3E");
    assertThat(driver.findElements(By.cssSelector("img[src='x']"))).as("an <img> built from the path").isEmpty();
    assertThat(driver.executeScript("return window.heartguardInjected === undefined")).isEqualTo(true);
  }

  @Test
  void resultLinkIsStableAcrossReloadAndWithoutJavaScript() throws Exception {
    assertThat(checkInPage(hostPort(vulnerable))).isEqualTo("VULNERABLE");
    String link = resultLink();
    assertThat(URI.create(link).getPath()).matches("/checks/[^/]+");

    driver.navigate().refresh();
    assertThat(waitForVerdict()).isEqualTo("VULNERABLE");
    driver.get(link);
    assertThat(waitForVerdict()).isEqualTo("VULNERABLE");
    chromium.screenshot("result-reloaded");

    // The same page as served, before any script runs: the verdict is in the HTML.
    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("data-verdict=\"VULNERABLE\"");
  }

  @Test
  void recentChecksListTheCheckAndLeadToTheHostsHistory() {
    assertThat(checkInPage(hostPort(vulnerable))).isEqualTo("VULNERABLE");
    String port = String.valueOf(vulnerable.address().getPort());

    driver.get(checker.uri().resolve("/recent").toString());
    WebElement row = rowMentioning(hostPort(vulnerable));
    assertThat(row.findElement(By.cssSelector("td[data-verdict]")).getDomAttribute("data-verdict")).isEqualTo("VULNERABLE");
    row.findElement(By.linkText(hostPort(vulnerable))).click();

    assertThat(URI.create(driver.getCurrentUrl()).getPath()).isEqualTo("/hosts/127.0.0.1");
    WebElement history = rowMentioning(port);
    assertThat(history.findElement(By.cssSelector("td[data-verdict]")).getDomAttribute("data-verdict"))
        .isEqualTo("VULNERABLE");
    chromium.screenshot("host-history");
  }

  @Test
  void phoneSizedScreenNeverScrollsSideways() {
    chromium.resizeViewport(HeadlessChromium.PHONE);
    assertThat(chromium.innerSize()).isEqualTo(HeadlessChromium.PHONE);

    driver.get(checker.uri().toString());
    assertNoHorizontalScroll("check page");
    chromium.screenshot("phone-check-page");

    assertThat(checkInPage(hostPort(patched))).isEqualTo("NOT_VULNERABLE");
    assertNoHorizontalScroll("result page");
    chromium.screenshot("phone-result");

    driver.get(checker.uri().resolve("/bulk").toString());
    assertNoHorizontalScroll("bulk page");
  }

  // --- the steps a person takes, and what they see

  /** Opens the check page, types the target, presses Check, and waits for a final verdict. */
  private static String checkInPage(String target) {
    driver.get(checker.uri().toString());
    fill(target);
    driver.findElement(By.id("check")).click();
    return waitForVerdict();
  }

  private static void fill(String target) {
    WebElement input = driver.findElement(By.id("target"));
    input.clear();
    input.sendKeys(target);
  }

  /** Waits until {@code #verdict} exists and its data-verdict has left {@code pending}; returns it. */
  private static String waitForVerdict() {
    return new WebDriverWait(driver, VERDICT_WAIT)
        .ignoring(StaleElementReferenceException.class)
        .until(WebCheckerBrowserTest::finalVerdict);
  }

  private static String finalVerdict(WebDriver d) {
    List<WebElement> verdicts = d.findElements(By.id("verdict"));
    if (verdicts.isEmpty()) {
      return null;
    }
    String verdict = verdicts.getFirst().getDomAttribute("data-verdict");
    return FINAL_VERDICTS.contains(verdict) ? verdict : null;
  }

  private static WebElement waitForError() {
    return new WebDriverWait(driver, VERDICT_WAIT)
        .ignoring(StaleElementReferenceException.class)
        .until(d -> isShown(d, By.id("error")) ? d.findElement(By.id("error")) : null);
  }

  private static boolean isShown(WebDriver d, By by) {
    List<WebElement> found = d.findElements(by);
    return !found.isEmpty() && found.getFirst().isDisplayed() && !found.getFirst().getText().isBlank();
  }

  /** The first table row whose text contains {@code text}, failing with the rows seen if none does. */
  private static WebElement rowMentioning(String text) {
    List<WebElement> rows = driver.findElements(By.cssSelector("table tbody tr"));
    return rows.stream().filter(r -> r.getText().contains(text)).findFirst()
        .orElseThrow(() -> new AssertionError("no row mentions " + text + " among "
            + rows.stream().map(WebElement::getText).toList()));
  }

  private static String verdictText() {
    return driver.findElement(By.id("verdict")).getText();
  }

  private static String activeElementId() {
    return (String) driver.executeScript("return document.activeElement && document.activeElement.id");
  }

  /** The page the browser is on if it is a result page, else the link to one that the check page shows. */
  private static String resultLink() {
    String current = driver.getCurrentUrl();
    if (URI.create(current).getPath().startsWith("/checks/")) {
      return current;
    }
    return driver.findElement(By.cssSelector("a[href*='/checks/']")).getDomProperty("href");
  }

  private static void assertNoHorizontalScroll(String page) {
    @SuppressWarnings("unchecked")
    List<Number> widths = (List<Number>) driver.executeScript(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
    assertThat(widths.get(0).intValue()).as("%s: scrollWidth against clientWidth %s", page, widths.get(1))
        .isLessThanOrEqualTo(widths.get(1).intValue());
  }

  private static String verdictOfRowFor(Map<String, String> rows, LabServer lab) {
    String port = ":" + lab.address().getPort();
    return rows.entrySet().stream().filter(e -> e.getKey().endsWith(port)).map(Map.Entry::getValue).findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + hostPort(lab) + " among " + rows.keySet()));
  }

  private static String hostPort(LabServer lab) {
    return lab.address().getAddress().getHostAddress() + ":" + lab.address().getPort();
  }

  /** With HEARTGUARD_UPDATE_SCREENSHOTS=1, copies a screenshot to docs/img/ for the README. */
  private static void publish(Path screenshot, String readmeName) throws IOException {
    if (!"1".equals(System.getenv("HEARTGUARD_UPDATE_SCREENSHOTS"))) {
      return;
    }
    Path docsImg = Path.of("").toAbsolutePath().getParent().resolve("docs").resolve("img");
    Files.createDirectories(docsImg);
    Files.write(docsImg.resolve(readmeName), Files.readAllBytes(screenshot));
  }
}
