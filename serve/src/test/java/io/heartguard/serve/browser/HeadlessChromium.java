package io.heartguard.serve.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver. Both paths are given explicitly so that Selenium
 * Manager never looks anything up or downloads a driver; each instance gets a fresh profile directory.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Dimension DESKTOP = new Dimension(1280, 900);
  /** An iPhone 12-15 sized viewport. */
  static final Dimension PHONE = new Dimension(390, 844);
  /** Build artifacts: surefire runs in the module directory. */
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path profile;

  private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  /** CI installs chromium and chromium-driver, so there their absence is a failure; elsewhere the test is skipped. */
  static void assumeInstalled() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String why = "needs " + CHROMIUM + " and " + CHROMEDRIVER + " (Debian packages chromium, chromium-driver)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(installed).as(why).isTrue();
    } else {
      assumeTrue(installed, why);
    }
  }

  static HeadlessChromium start() throws IOException {
    Path profile = Files.createTempDirectory("heartguard-chromium-");
    ChromeOptions options = new ChromeOptions()
        .setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=" + DESKTOP.getWidth() + "," + DESKTOP.getHeight(), "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
      return new HeadlessChromium(service, driver, profile);
    } catch (RuntimeException e) {
      service.stop();
      deleteTree(profile);
      throw e;
    }
  }

  ChromeDriver driver() {
    return driver;
  }

  /**
   * Sizes the viewport (what a page sees as innerWidth x innerHeight): headless Chromium still counts some window
   * chrome in the outer size, so the window is grown by the difference once measured.
   */
  void resizeViewport(Dimension viewport) {
    driver.manage().window().setSize(viewport);
    Dimension inner = innerSize();
    driver.manage().window().setSize(new Dimension(
        2 * viewport.getWidth() - inner.getWidth(), 2 * viewport.getHeight() - inner.getHeight()));
  }

  Dimension innerSize() {
    @SuppressWarnings("unchecked")
    java.util.List<Number> size = (java.util.List<Number>) driver.executeScript("return [innerWidth, innerHeight]");
    return new Dimension(size.get(0).intValue(), size.get(1).intValue());
  }

  /** Saves what the page shows now as {@code target/screenshots/NAME.png} and returns that path. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp profile is harmless
    }
  }
}
