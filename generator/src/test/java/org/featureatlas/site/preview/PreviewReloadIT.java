package org.featureatlas.site.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.featureatlas.site.FakeSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** In a real (headless) browser: a template edit re-renders the site and the open page reloads itself. */
class PreviewReloadIT {
  @TempDir
  Path tmp;

  @Test
  void openPageReloadsAfterATemplateEdit() throws Exception {
    Path templates = Files.createDirectories(tmp.resolve("templates"));
    Files.writeString(templates.resolve("title.txt"), "First title");
    LiveSite live = new LiveSite(new MemorySource(Map.of()));
    LiveRender render = new LiveRender(() -> {
      try {
        Map<String, byte[]> files = new TreeMap<>(FakeSite.files());
        String title = Files.readString(templates.resolve("title.txt")).strip();
        files.put("index.html", ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title
            + "</title><link rel=\"stylesheet\" href=\"css/site.css\"></head><body><h1 id=\"t\">" + title
            + "</h1></body></html>").getBytes(StandardCharsets.UTF_8));
        return files;
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, live);
    assertTrue(render.renderNow());
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).build();
    try (ChangeWatcher watcher = ChangeWatcher.start(List.of(templates), 100, render);
         PreviewServer server = PreviewServer.start(live, PreviewServer.DEFAULT_HOST, 0, true)) {
      ChromeDriver browser = new ChromeDriver(service, options);
      try {
        browser.get(server.uri().toString());
        assertEquals("First title", browser.findElement(By.id("t")).getText());
        JavascriptExecutor js = browser;
        js.executeScript("window.__beforeReload = 'yes';");
        Thread.sleep(1000); // let the reload script make its first poll
        Files.writeString(templates.resolve("title.txt"), "Second title");
        new WebDriverWait(browser, Duration.ofSeconds(20))
            .ignoring(org.openqa.selenium.StaleElementReferenceException.class) // the page may reload between find and read
            .until(d -> "Second title".equals(d.findElement(By.id("t")).getText()));
        assertNull(js.executeScript("return window.__beforeReload;"), "the page must have reloaded");
        assertEquals("Second title", browser.getTitle());
      } finally {
        browser.quit();
      }
    }
  }
}
