package org.featureatlas.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.render.DiskSink;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.render.SiteRenderer;
import org.featureatlas.render.SiteSink;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;

/**
 * Render benchmark: writes a synthetic data directory (default 24,576 features, GPT-2's 50,257-token
 * vocabulary size), renders it to disk, and prints pages per second, the median feature page size
 * raw and gzipped, and the whole site's size, each against its target.
 *
 * <p>Arguments: {@code [features] [work dir]}; the work dir (default: a temporary directory) is deleted
 * afterwards unless given.
 */
public final class RenderBench {
  static final long MEDIAN_RAW_TARGET = 60 * 1024;
  static final long MEDIAN_GZIP_TARGET = 16 * 1024;
  static final long SITE_TARGET = 1L << 30;

  private RenderBench() {}

  public static void main(String[] args) throws IOException {
    int features = args.length > 0 ? Integer.parseInt(args[0]) : 24_576;
    boolean keep = args.length > 1;
    Path work = keep ? Path.of(args[1]) : Files.createTempDirectory("atlas-render-bench");
    try {
      run(features, work);
    } finally {
      if (!keep) {
        AtomicDirectory.deleteTree(work);
      }
    }
  }

  private static void run(int features, Path work) {
    Path data = work.resolve("data");
    Path site = work.resolve("site");
    SyntheticSpec spec = new SyntheticSpec(features, 50_257, 7, true, false);
    long t0 = System.nanoTime();
    if (!Files.exists(data.resolve("manifest.json"))) {
      SyntheticData.write(data, spec);
    }
    long t1 = System.nanoTime();
    System.out.printf(Locale.ROOT, "render bench: %d synthetic features (data written in %.1f s)%n", features,
        (t1 - t0) / 1e9);

    List<long[]> pages = Collections.synchronizedList(new ArrayList<>());
    AtomicLong siteBytes = new AtomicLong();
    AtomicLong files = new AtomicLong();
    java.util.Map<String, AtomicLong> byKind = new java.util.concurrent.ConcurrentSkipListMap<>();
    int threads = Runtime.getRuntime().availableProcessors();
    long r0;
    long r1;
    try (DiskSink disk = DiskSink.open(site)) {
      SiteSink measuring = (path, content) -> {
        disk.put(path, content);
        siteBytes.addAndGet(content.length);
        files.incrementAndGet();
        byKind.computeIfAbsent(kind(path), k -> new AtomicLong()).addAndGet(content.length);
        if (path.startsWith("features/")) {
          pages.add(new long[] {content.length, gzipSize(content)});
        }
      };
      r0 = System.nanoTime();
      SiteRenderer.render(RenderOptions.defaults(data), measuring, threads, false);
      r1 = System.nanoTime();
      disk.commit();
    }
    double seconds = (r1 - r0) / 1e9;
    long[] raw = pages.stream().mapToLong(p -> p[0]).sorted().toArray();
    long[] gz = pages.stream().mapToLong(p -> p[1]).sorted().toArray();
    long medianRaw = raw[raw.length / 2];
    long medianGz = gz[gz.length / 2];
    System.out.printf(Locale.ROOT, "threads                  %d%n", threads);
    System.out.printf(Locale.ROOT, "render time              %.1f s (includes reading the data directory)%n", seconds);
    System.out.printf(Locale.ROOT, "pages per second         %.0f (feature pages)%n", raw.length / seconds);
    System.out.printf(Locale.ROOT, "median feature page raw  %.1f KB  (target <= 60 KB: %s)%n", medianRaw / 1024.0,
        verdict(medianRaw <= MEDIAN_RAW_TARGET));
    System.out.printf(Locale.ROOT, "median feature page gzip %.1f KB  (target <= 16 KB: %s)%n", medianGz / 1024.0,
        verdict(medianGz <= MEDIAN_GZIP_TARGET));
    System.out.printf(Locale.ROOT, "site size                %.1f MB in %d files (target <= 1 GB: %s)%n",
        siteBytes.get() / 1048576.0, files.get(), verdict(siteBytes.get() <= SITE_TARGET));
    long perFeature = siteBytes.get() / features;
    System.out.printf(Locale.ROOT, "per feature              %d bytes, all files included; at this rate 131,072 features"
        + " take %.2f GB, 1,048,576 features %.2f GB (extrapolated)%n", perFeature, perFeature * 131072 / 1e9,
        perFeature * 1048576 / 1e9);
    StringBuilder kinds = new StringBuilder();
    byKind.forEach((k, v) -> kinds.append(kinds.length() == 0 ? "" : ", ").append(k).append(' ')
        .append(String.format(Locale.ROOT, "%.0f", v.get() / (double) features)));
    System.out.printf(Locale.ROOT, "per feature, by kind      %s (bytes)%n", kinds);
    firstPaint(site, features);
  }

  /** Which kind of file a site path is, for the bytes-per-feature breakdown. */
  static String kind(String path) {
    if (path.startsWith("features/")) {
      return "feature pages";
    }
    if (path.startsWith("search/")) {
      return "search shards";
    }
    if (path.startsWith("pages/") || path.equals("index.html")) {
      return "index table";
    }
    return path.equals("vocab.js") ? "vocab.js" : "other";
  }

  /**
   * Loads a few feature pages from file:// in a fresh headless Chromium each (cold start, no cache) and
   * reads the time feature.js drew the panels (the {@code data-drawn} attribute: milliseconds after the
   * navigation started), printed as the median and the largest. Skipped when no Chromium is installed.
   */
  private static void firstPaint(Path site, int features) {
    String browser = null;
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
        if (browser == null && Files.isExecutable(Path.of(dir, name))) {
          browser = Path.of(dir, name).toString();
        }
      }
    }
    if (browser == null) {
      System.out.println("first paint              skipped: no chromium on PATH");
      return;
    }
    List<Double> drawn = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      int feature = (int) ((long) features * (2 * k + 1) / 10);
      Path page = site.resolve("features/" + feature + ".html").toAbsolutePath();
      try {
        Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--timeout=4000",
            "--dump-dom", page.toUri().toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("data-drawn=\"([0-9.]+)\"").matcher(dom);
        if (m.find()) {
          drawn.add(Double.parseDouble(m.group(1)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (drawn.isEmpty()) {
      System.out.println("first paint              not measured: no page drew its panels within 4 s");
      return;
    }
    Collections.sort(drawn);
    System.out.printf(Locale.ROOT, "first paint              panels drawn %.0f ms after navigation start (median of %d"
        + " pages, largest %.0f ms; headless Chromium, cold start, file://)%n", drawn.get(drawn.size() / 2),
        drawn.size(), drawn.get(drawn.size() - 1));
  }

  private static String verdict(boolean ok) {
    return ok ? "ok" : "OVER";
  }

  private static long gzipSize(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length / 3);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.size();
  }
}
