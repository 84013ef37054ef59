package org.featureatlas.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.FeatureMap;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Identity;
import org.featureatlas.data.Manifest;
import org.featureatlas.progress.Progress;
import org.featureatlas.render.explain.Explanations;
import org.featureatlas.render.view.ExplanationView;

/**
 * The templating stage: load (manifest, vocab, notes, templates), build every page, write through one
 * {@link SiteSink}. Feature records stream from the data directory; feature pages render on a pool of
 * threads while only a small summary of each feature is kept for the index and search. Every page
 * depends only on its inputs, and every list is built from a sorted sequence, so the output is
 * byte-identical from run to run whatever the thread count.
 *
 * <p>Site layout: {@code index.html}, {@code pages/N.html}, {@code features/N.html},
 * {@code search.html}, {@code search.json}, {@code search/N.js}, {@code vocab.js},
 * {@code 404.html}, {@code .nojekyll}, {@code static/*}.
 */
public final class SiteRenderer {
  private SiteRenderer() {}

  /** Warnings (bad explanation rows) on standard error: {@code atlas: warning: ...}. */
  public static final Consumer<String> STDERR_WARNINGS = m -> System.err.println("atlas: warning: " + m);

  /** Renders the site with one thread per processor. */
  public static void render(RenderOptions opts, SiteSink sink) {
    render(opts, sink, Runtime.getRuntime().availableProcessors(), false);
  }

  /**
   * Renders the site with {@code threads} page workers; {@code progress} shows a bar on standard error, and so do
   * warnings.
   */
  public static void render(RenderOptions opts, SiteSink sink, int threads, boolean progress) {
    render(opts, sink, threads, progress, STDERR_WARNINGS);
  }

  /** Renders the site; warnings (one line each, naming the file and line) go to {@code warn}. */
  public static void render(RenderOptions opts, SiteSink sink, int threads, boolean progress, Consumer<String> warn) {
    Check.positive(threads, "threads");
    Check.directory(opts.dataDir());
    String base = opts.baseUrl();
    Check.that(base.isEmpty() || base.matches("(https?://[^\\s\"'<>]+|/[^\\s\"'<>]*)"),
        "--base-url must be a path starting with '/' or an http(s) URL, got: " + base);
    Manifest manifest = DataDir.readManifest(opts.dataDir());
    TokenText text = new TokenText(DataDir.readVocab(opts.dataDir()));
    Notes notes = Notes.load(opts.notesDir(), manifest.dSae());
    Explanations explanations = Explanations.load(opts.explanationPaths(), opts.explanations().isEmpty(), manifest.dSae(),
        opts.explanationsSource(), warn);
    Templates templates = new Templates(opts.templatesDir());
    Check.directory(opts.staticDir());
    int first = opts.featureFrom();
    int end = (int) Math.min(opts.featureTo(), (long) manifest.dSae());
    Check.that(first >= 0 && first < end, "--features " + first + ":" + (opts.featureTo() == RenderOptions.ALL ? ""
        : opts.featureTo()) + " selects no feature of the " + manifest.dSae() + " (d_sae)");
    SiteInfo site = new SiteInfo(name(manifest.model()), name(manifest.sae()), name(manifest.saeB()),
        name(manifest.dataset()), manifest.hook() == null ? "" : manifest.hook(), manifest.dSae(),
        SearchIndex.shardCount(end - first), base, first, end, SiteInfo.bosLine(manifest.settings(), text::show));

    // Grown as records arrive (forEachFeature checks they come in index order), so a manifest's d_sae
    // alone never sizes an allocation.
    Check.that(opts.bSite().isEmpty() || RenderOptions.relativeSitePath(opts.bSite()),
        "--b-site must be a relative path from this site's root to encoder B's site (such as ../atlas-b/), got: " + opts.bSite());
    Check.that(opts.bSite().isEmpty() || manifest.saeB() != null,
        "--b-site " + opts.bSite() + ": the data directory has no second SAE (encoder B)");
    List<FeatureSummary> summaries = new ArrayList<>();
    FeaturePage pages = new FeaturePage(site, opts.bSite().isEmpty() ? null : opts.bSite());
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "atlas-render");
      t.setDaemon(true);
      return t;
    });
    Semaphore inFlight = new Semaphore(threads * 4);
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    try (ProgressBar bar = progress ? Progress.bar("render", end - first, "pages") : null) {
      try {
        DataDir.forEachFeature(opts.dataDir(), manifest, record -> {
          if (failure.get() != null) {
            throw failure.get();
          }
          if (record.index() < first || record.index() >= end) {
            return;
          }
          List<ExplanationView> explained = FeaturePage.explanations(explanations.of(record.index()));
          summaries.add(FeatureSummary.of(record, explained.stream().map(ExplanationView::text).toList()));
          inFlight.acquireUninterruptibly();
          pool.execute(() -> {
            try {
              renderFeature(record, explained, pages, templates, notes, sink);
              if (bar != null) {
                bar.step();
              }
            } catch (RuntimeException e) {
              failure.compareAndSet(null, e);
            } finally {
              inFlight.release();
            }
          });
        });
      } finally {
        pool.shutdown();
        awaitQuietly(pool);
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }

    FeatureMap map = FeatureMap.read(opts.dataDir(), manifest).orElse(null);
    writeSiteWide(site, summaries.toArray(new FeatureSummary[0]), text, notes, templates, sink, map);
    StaticAssets.copy(opts.staticDir(), sink);
  }

  /** {@link #writeSiteWide(SiteInfo, FeatureSummary[], TokenText, Notes, Templates, SiteSink, FeatureMap)} without a map. */
  static void writeSiteWide(SiteInfo site, FeatureSummary[] summaries, TokenText text, Notes notes, Templates templates,
      SiteSink sink) {
    writeSiteWide(site, summaries, text, notes, templates, sink, null);
  }

  /**
   * Everything but the feature pages and static assets: index pages, search data and page, the feature map's data
   * ({@code map} null for data without one: no map), the prompt page, 404, .nojekyll.
   */
  static void writeSiteWide(SiteInfo site, FeatureSummary[] summaries, TokenText text, Notes notes, Templates templates,
      SiteSink sink, FeatureMap map) {
    boolean explained = IndexPages.explained(summaries);
    for (int p = 1; p <= IndexPages.pageCount(summaries.length); p++) {
      Map<String, Object> context = IndexPages.context(p, site, summaries, text, notes, explained);
      context.put("hasMap", p == 1 && map != null);
      sink.put(IndexPages.path(p), templates.render(Templates.INDEX, context));
    }
    if (map != null) {
      sink.put(MapData.PATH, MapData.script(map, summaries));
    }
    sink.put(PROMPT_PAGE, templates.render(Templates.PROMPT, simple("", site, "Your own text")));
    sink.put("search.json", SearchIndex.manifest(summaries.length));
    for (int s = 0; s < SearchIndex.shardCount(summaries.length); s++) {
      sink.put("search/" + s + ".js", SearchIndex.script(s, SearchIndex.shard(s, summaries, text.size(), notes)));
    }
    sink.put(VOCAB_SCRIPT, vocabScript(text, site));
    sink.put("search.html", templates.render(Templates.SEARCH, simple("", site, "Search")));
    sink.put("404.html", templates.render(Templates.NOT_FOUND, simple(site.baseUrl(), site, "Page not found")));
    sink.put(".nojekyll", new byte[0]);
  }

  private static void renderFeature(FeatureRecord record, List<ExplanationView> explained, FeaturePage pages,
      Templates templates, Notes notes, SiteSink sink) {
    String html = templates.render(Templates.FEATURE, pages.context(record, notes.featureHtml(record.index()), explained));
    sink.put(featurePath(record.index()), html);
  }

  /**
   * The shown text of every vocabulary token, shared by the feature pages and the search data, and the
   * site's facts that feature pages leave to feature.js: {@code var atlasVocab = [...];} and, on the next line,
   * {@code var atlasSite = {"count": d_sae, "first": first feature, "end": end (exclusive), "footer": the footer's
   * text};}.
   */
  static final String VOCAB_SCRIPT = "vocab.js";

  /**
   * The prompt view's page: the preview server with a model answers its requests ({@code atlas preview --model DIR
   * --sae DIR}); anywhere else the page says that it needs one.
   */
  public static final String PROMPT_PAGE = "prompt.html";

  static String vocabScript(TokenText text, SiteInfo site) {
    List<String> shown = new ArrayList<>(text.size());
    for (int id = 0; id < text.size(); id++) {
      shown.add(text.show(id));
    }
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("count", site.dSae());
    facts.put("first", site.first());
    facts.put("end", site.end());
    facts.put("footer", site.footer());
    return "var atlasVocab = " + ScriptJson.write(shown) + ";\nvar atlasSite = " + ScriptJson.write(facts) + ";\n";
  }

  /** The site path of feature {@code index}'s page. */
  public static String featurePath(int index) {
    return "features/" + index + ".html";
  }

  private static Map<String, Object> simple(String root, SiteInfo site, String title) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("root", root);
    c.put("site", site);
    c.put("title", title);
    return c;
  }

  private static String name(Identity id) {
    return id == null || id.name() == null ? "" : id.name();
  }

  private static void awaitQuietly(ExecutorService pool) {
    try {
      while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
        // keep waiting: pages are still rendering
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AtlasException("rendering interrupted", e);
    }
  }
}
