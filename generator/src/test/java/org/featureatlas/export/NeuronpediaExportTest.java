package org.featureatlas.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.featureatlas.cli.Atlas;
import org.featureatlas.data.DataDir;
import org.featureatlas.data.Example;
import org.featureatlas.data.FeatureRecord;
import org.featureatlas.data.Histogram;
import org.featureatlas.data.Interval;
import org.featureatlas.data.Manifest;
import org.featureatlas.data.TokenValue;
import org.featureatlas.data.UnitScore;
import org.featureatlas.render.synthetic.SyntheticData;
import org.featureatlas.render.synthetic.SyntheticSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code atlas export neuronpedia} on a synthetic data directory (10 features with encoder-B correlations
 * and hostile token strings, features 4 and 5 dead, 2 features a batch): every record matches the
 * schema of Neuronpedia's db_models ({@link NeuronpediaSchema}), and every value is the data directory's.
 */
class NeuronpediaExportTest {
  static final SyntheticSpec SPEC = new SyntheticSpec(10, 64, 11, true, true);
  static final Set<Integer> DEAD = Set.of(4, 5);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path data;
  List<FeatureRecord> records;
  List<String> vocab;

  @BeforeEach
  void data() {
    data = tmp.resolve("data");
    records = new ArrayList<>();
    for (Iterator<FeatureRecord> it = SyntheticData.features(SPEC); it.hasNext();) {
      FeatureRecord r = it.next();
      records.add(DEAD.contains(r.index()) ? SyntheticData.dead(r.index(), true) : r);
    }
    vocab = SyntheticData.vocab(SPEC);
    DataDir.write(data, SyntheticData.manifest(SPEC), vocab, records.iterator());
    records = DataDir.readFeatures(data, DataDir.readManifest(data)); // as stored: 6 significant digits
    long alive = records.stream().filter(r -> !r.isDead()).count();
    assertTrue(alive >= 6, "most features are alive: " + alive);
  }

  record Run(int rc, String out, String err) {}

  /** Runs the export into {@code out} with the test's options; {@code extra} holds option-value pairs that replace them. */
  Run export(Path out, String... extra) {
    java.util.LinkedHashMap<String, String> options = new java.util.LinkedHashMap<>();
    options.put("--data", data.toString());
    options.put("--out", out.toString());
    options.put("--model-id", "gpt2-small");
    options.put("--source-id", "8-atlas-mlp");
    options.put("--features-per-batch", "2");
    for (int i = 0; i < extra.length; i += 2) {
      options.put(extra[i], extra[i + 1]); // given pairs replace the defaults
    }
    List<String> args = new ArrayList<>(List.of("export", "neuronpedia"));
    options.forEach((k, v) -> {
      args.add(k);
      args.add(v);
    });
    StringWriter out1 = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Atlas.execute(new PrintWriter(out1, true), new PrintWriter(err, true), args.toArray(String[]::new));
    return new Run(rc, out1.toString(), err.toString().strip());
  }

  static List<JsonNode> gzLines(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
        StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  static List<JsonNode> lines(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  /** Every record of {@code file} matches {@code schema}, and all have the same keys (the importer's columns). */
  static void conforms(NeuronpediaSchema schema, Path file, List<JsonNode> records) {
    assertFalse(records.isEmpty(), file + " is empty");
    Set<String> firstKeys = keys(records.get(0));
    for (int i = 0; i < records.size(); i++) {
      assertEquals(List.of(), schema.problems(records.get(i)), file + " line " + (i + 1));
      assertEquals(firstKeys, keys(records.get(i)), file + " line " + (i + 1) + " has other keys than line 1");
    }
  }

  static Set<String> keys(JsonNode node) {
    Set<String> out = new java.util.TreeSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void everyRecordMatchesNeuronpediasModels() throws Exception {
    Path out = tmp.resolve("np");
    Run run = export(out);
    assertEquals(0, run.rc, run.err);
    conforms(NeuronpediaSchema.SOURCE_RELEASE, out.resolve("release.jsonl"), lines(out.resolve("release.jsonl")));
    conforms(NeuronpediaSchema.MODEL, out.resolve("model.jsonl"), lines(out.resolve("model.jsonl")));
    conforms(NeuronpediaSchema.SOURCE_SET, out.resolve("sourceset.jsonl"), lines(out.resolve("sourceset.jsonl")));
    conforms(NeuronpediaSchema.SOURCE, out.resolve("source.jsonl"), lines(out.resolve("source.jsonl")));
    for (String meta : List.of("release.jsonl", "model.jsonl", "sourceset.jsonl", "source.jsonl")) {
      assertEquals(1, lines(out.resolve(meta)).size(), meta + " has one line");
    }
    try (Stream<Path> s = Files.list(out.resolve("features"))) {
      for (Path f : s.toList()) {
        conforms(NeuronpediaSchema.FEATURE, f, gzLines(f));
      }
    }
    try (Stream<Path> s = Files.list(out.resolve("activations"))) {
      for (Path f : s.toList()) {
        conforms(NeuronpediaSchema.ACTIVATION, f, gzLines(f));
      }
    }
  }

  @Test
  void theSchemaCatchesWrongNamesTypesAndMissingFields() throws Exception {
    JsonNode good = JSON.readTree("{\"modelId\":\"m\",\"layer\":\"0-x\",\"index\":\"3\",\"frac_nonzero\":0.5,"
        + "\"pos_str\":[\"a\"],\"neuron_alignment_indices\":[1,2]}");
    assertEquals(List.of(), NeuronpediaSchema.FEATURE.problems(good));
    assertEquals(1, NeuronpediaSchema.FEATURE.problems(JSON.readTree("{\"modelId\":\"m\",\"layer\":\"0-x\",\"index\":3}")).size(),
        "index is a string");
    assertEquals(1, NeuronpediaSchema.FEATURE.problems(JSON.readTree("{\"modelId\":\"m\",\"layer\":\"0-x\"}")).size(),
        "index is required");
    assertEquals(1, NeuronpediaSchema.FEATURE.problems(JSON.readTree(
        "{\"modelId\":\"m\",\"layer\":\"0-x\",\"index\":\"3\",\"fracNonzero\":0.5}")).size(), "unknown name");
    assertEquals(1, NeuronpediaSchema.FEATURE.problems(JSON.readTree(
        "{\"modelId\":\"m\",\"layer\":\"0-x\",\"index\":\"3\",\"neuron_alignment_indices\":[1.5]}")).size(), "int list");
    assertEquals(1, NeuronpediaSchema.ACTIVATION.problems(JSON.readTree(
        "{\"id\":\"a\",\"tokens\":[],\"index\":\"1\",\"layer\":\"0-x\",\"modelId\":\"m\",\"maxValue\":1,"
            + "\"maxValueTokenIndex\":0,\"minValue\":0,\"values\":[],\"creatorId\":\"c\",\"binMin\":\"x\"}")).size(),
        "binMin is a number or null");
  }

  @Test
  void featuresHoldTheDataDirectorysValues() throws Exception {
    Path out = tmp.resolve("np");
    assertEquals(0, export(out).rc);
    Manifest manifest = DataDir.readManifest(data);
    int batches = (manifest.dSae() + 1) / 2;
    List<JsonNode> features = new ArrayList<>();
    for (int n = 0; n < batches; n++) {
      List<JsonNode> batch = gzLines(out.resolve("features/batch-" + n + ".jsonl.gz"));
      assertEquals(2, batch.size(), "batch " + n);
      features.addAll(batch);
    }
    try (Stream<Path> s = Files.list(out.resolve("features"))) {
      assertEquals(batches, s.count(), "one features file per batch");
    }
    assertEquals(records.size(), features.size());
    for (int i = 0; i < records.size(); i++) {
      FeatureRecord r = records.get(i);
      JsonNode f = features.get(i);
      String at = "feature " + i;
      assertEquals(String.valueOf(i), f.get("index").textValue(), at);
      assertEquals("gpt2-small", f.get("modelId").textValue(), at);
      assertEquals("8-atlas-mlp", f.get("layer").textValue(), at);
      assertEquals("atlas-mlp", f.get("sourceSetName").textValue(), at);
      assertEquals(r.density(), f.get("frac_nonzero").doubleValue(), 0.0, at);
      assertEquals(r.maxAct(), f.get("maxActApprox").doubleValue(), 0.0, at);
      assertEquals(strings(r.logits().top()), texts(f.get("pos_str")), at);
      assertEquals(values(r.logits().top()), doubles(f.get("pos_values")), at);
      assertEquals(strings(r.logits().bottom()), texts(f.get("neg_str")), at);
      assertEquals(values(r.logits().bottom()), doubles(f.get("neg_values")), at);
      units(r.neuronAlignment(), f, "neuron_alignment_indices", "neuron_alignment_values", "neuron_alignment_l1", at);
      units(r.correlatedNeurons(), f, "correlated_neurons_indices", "correlated_neurons_pearson", "correlated_neurons_l1", at);
      units(r.correlatedFeaturesB(), f, "correlated_features_indices", "correlated_features_pearson",
          "correlated_features_l1", at);
      histogram(r.actHistogram(), f.get("freq_hist_data_bar_heights"), f.get("freq_hist_data_bar_values"), at);
      histogram(r.logits().histogram(), f.get("logits_hist_data_bar_heights"), f.get("logits_hist_data_bar_values"), at);
      List<Integer> simIds = new ArrayList<>();
      List<Double> simValues = new ArrayList<>();
      f.get("topkCosSimIndices").forEach(x -> simIds.add(x.intValue()));
      f.get("topkCosSimValues").forEach(x -> simValues.add(x.doubleValue()));
      assertEquals(r.similarFeatures().stream().map(c -> c.feature()).toList(), simIds, at + " topkCosSimIndices");
      assertEquals(r.similarFeatures().stream().map(c -> c.cosine()).toList(), simValues, at + " topkCosSimValues");
      if (!r.isDead()) assertFalse(simIds.isEmpty(), at + " a live feature has similar features");
    }
    JsonNode source = lines(out.resolve("source.jsonl")).get(0);
    assertEquals(SyntheticData.N_SEQUENCES, source.get("num_prompts").intValue());
    assertEquals(SyntheticData.SEQ_LEN, source.get("num_tokens_in_prompt").intValue());
    assertEquals("atlas-mlp", source.get("setName").textValue());
    assertEquals("atlas-mlp", lines(out.resolve("sourceset.jsonl")).get(0).get("name").textValue());
    assertEquals("atlas-mlp", lines(out.resolve("sourceset.jsonl")).get(0).get("releaseName").textValue());
    assertEquals("atlas-mlp", lines(out.resolve("release.jsonl")).get(0).get("name").textValue());
    assertEquals("gpt2-small", lines(out.resolve("model.jsonl")).get(0).get("id").textValue());
  }

  @Test
  void activationsAreTheTopAndIntervalExamples() throws Exception {
    Path out = tmp.resolve("np");
    assertEquals(0, export(out).rc);
    List<JsonNode> all = new ArrayList<>();
    for (int n = 0; n < 5; n++) {
      Path file = out.resolve("activations/batch-" + n + ".jsonl.gz");
      if (n == 2) {
        assertFalse(Files.exists(file), "features 4 and 5 are dead: no activations file for batch 2");
        continue;
      }
      all.addAll(gzLines(file));
    }
    Set<String> ids = new HashSet<>();
    int at = 0;
    for (FeatureRecord r : records) {
      List<Example> examples = new ArrayList<>(r.topExamples());
      List<double[]> bins = new ArrayList<>();
      r.topExamples().forEach(e -> bins.add(new double[] {-1, r.maxAct(), -1}));
      for (int i = r.intervals().size() - 1; i >= 0; i--) {
        Interval in = r.intervals().get(i);
        examples.addAll(in.examples());
        in.examples().forEach(e -> bins.add(new double[] {in.lo(), in.hi(), in.fraction()}));
      }
      int expected = r.topExamples().size() + r.intervals().stream().mapToInt(in -> in.examples().size()).sum();
      assertEquals(expected, examples.size());
      assertTrue(r.isDead() || expected > 0);
      for (int k = 0; k < examples.size(); k++) {
        Example e = examples.get(k);
        JsonNode a = all.get(at++);
        String where = "feature " + r.index() + " activation " + k;
        assertEquals(String.valueOf(r.index()), a.get("index").textValue(), where);
        assertTrue(ids.add(a.get("id").textValue()), "unique id " + a.get("id"));
        List<String> tokens = new ArrayList<>();
        e.tokens().forEach(t -> tokens.add(vocab.get(t)));
        assertEquals(tokens, texts(a.get("tokens")), where);
        assertEquals(e.acts(), doubles(a.get("values")), where);
        double max = e.acts().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double min = e.acts().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertEquals(max, a.get("maxValue").doubleValue(), 0.0, where);
        assertEquals(min, a.get("minValue").doubleValue(), 0.0, where);
        assertEquals(e.acts().indexOf(max), a.get("maxValueTokenIndex").intValue(), where);
        assertEquals(e.pos() - e.start(), a.get("qualifyingTokenIndex").intValue(), where);
        List<Double> loss = new ArrayList<>();
        e.lossEffect().forEach(l -> loss.add(l == null ? 0.0 : l));
        assertEquals(loss, doubles(a.get("lossValues")), where);
        assertArrayEquals(bins.get(k), new double[] {a.get("binMin").doubleValue(), a.get("binMax").doubleValue(),
            a.get("binContains").doubleValue()}, where);
      }
    }
    assertEquals(all.size(), at, "no other activations");
    assertTrue(vocab.contains("</script><script>alert(\"t1\")</script>") && all.stream().anyMatch(
        a -> texts(a.get("tokens")).stream().anyMatch(SyntheticData.HOSTILE::contains)), "hostile tokens round-trip");
  }

  @Test
  void sameInputsGiveTheSameBytesAndGzipHeadersCarryNoTime() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    assertEquals(0, export(a).rc);
    assertEquals(0, export(b).rc);
    TreeMap<String, byte[]> fa = files(a);
    TreeMap<String, byte[]> fb = files(b);
    assertEquals(fa.keySet(), fb.keySet());
    for (String name : fa.keySet()) {
      assertArrayEquals(fa.get(name), fb.get(name), name);
      if (name.endsWith(".gz")) {
        byte[] gz = fa.get(name);
        assertEquals(0x1f, gz[0] & 0xff, name);
        assertEquals(0x8b, gz[1] & 0xff, name);
        assertEquals(0, gz[3], name + ": no file name or comment (FLG 0)");
        assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(gz, 4, 8), name + ": MTIME 0");
      }
    }
  }

  static TreeMap<String, byte[]> files(Path root) throws Exception {
    TreeMap<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  @Test
  void replacesAPreviousExportButNothingElse() throws Exception {
    Path out = tmp.resolve("np");
    assertEquals(0, export(out).rc);
    Files.writeString(out.resolve("features/batch-99.jsonl.gz"), "stale");
    Run again = export(out, "--features-per-batch", "3");
    assertEquals(0, again.rc, again.err);
    assertFalse(Files.exists(out.resolve("features/batch-99.jsonl.gz")), "the old export is replaced as a whole");
    assertTrue(Files.exists(out.resolve("features/batch-3.jsonl.gz")));
    assertFalse(Files.exists(out.resolve("features/batch-4.jsonl.gz")));

    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("thesis.tex"), "mine");
    Run refused = export(other);
    assertEquals(2, refused.rc);
    assertTrue(refused.err.startsWith("atlas: error: " + other + ": exists and is not a Neuronpedia export"), refused.err);
    assertEquals(1, refused.err.lines().count(), refused.err);
    assertEquals("mine", Files.readString(other.resolve("thesis.tex")));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of("data", "np", "other"), s.map(p -> p.getFileName().toString()).sorted().toList(),
          "no working directories left behind");
    }
  }

  @Test
  void badIdsAreOneLineErrors() {
    Run run = export(tmp.resolve("np"), "--source-id", "res-jb");
    assertEquals(2, run.rc);
    assertTrue(run.err.startsWith("atlas: error: --source-id must be <layer>-<source set>"), run.err);
    run = export(tmp.resolve("np"), "--model-id", "gpt2 small");
    assertEquals(2, run.rc);
    assertTrue(run.err.startsWith("atlas: error: --model-id must be"), run.err);
    assertFalse(Files.exists(tmp.resolve("np")));
    assertEquals("res-jb", NeuronpediaOptions.of("m", "6-res-jb__l0-71").setName());
  }

  @Test
  void aTokenIdOutsideTheVocabularyIsAOneLineErrorAndLeavesNothing() throws Exception {
    Path vocabFile = data.resolve(DataDir.VOCAB);
    Files.writeString(vocabFile, JSON.writeValueAsString(vocab.subList(0, 20)));
    Run run = export(tmp.resolve("np"));
    assertEquals(2, run.rc, run.err);
    assertTrue(run.err.matches("atlas: error: " + java.util.regex.Pattern.quote(vocabFile.toString())
        + ": has 20 entries, but feature \\d+ uses token id \\d+"), run.err);
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of("data"), s.map(p -> p.getFileName().toString()).toList(), "nothing half-written is left");
    }
  }

  private List<String> strings(List<TokenValue> pairs) {
    List<String> out = new ArrayList<>();
    pairs.forEach(p -> out.add(vocab.get(p.token())));
    return out;
  }

  private static List<Double> values(List<TokenValue> pairs) {
    List<Double> out = new ArrayList<>();
    pairs.forEach(p -> out.add(p.value()));
    return out;
  }

  private static void units(List<UnitScore> units, JsonNode f, String indices, String a, String b, String at) {
    List<Integer> ids = new ArrayList<>();
    List<Double> as = new ArrayList<>();
    List<Double> bs = new ArrayList<>();
    units.forEach(u -> {
      ids.add(u.unit());
      as.add(u.a());
      bs.add(u.b());
    });
    List<Integer> got = new ArrayList<>();
    f.get(indices).forEach(n -> got.add(n.intValue()));
    assertEquals(ids, got, at + " " + indices);
    assertEquals(as, doubles(f.get(a)), at + " " + a);
    assertEquals(bs, doubles(f.get(b)), at + " " + b);
  }

  /** Heights are the counts; values are the bin midpoints (to the stored 6 significant digits). */
  private static void histogram(Histogram h, JsonNode heights, JsonNode values, String at) {
    assertEquals(h.counts().size(), heights.size(), at);
    assertEquals(h.counts().size(), values.size(), at);
    for (int k = 0; k < h.counts().size(); k++) {
      assertEquals(h.counts().get(k).doubleValue(), heights.get(k).doubleValue(), 0.0, at + " bar " + k);
      double mid = (h.edges().get(k) + h.edges().get(k + 1)) / 2;
      assertEquals(mid, values.get(k).doubleValue(), Math.abs(mid) * 1e-5 + 1e-12, at + " bar " + k);
      assertTrue(values.get(k).doubleValue() >= h.edges().get(k) && values.get(k).doubleValue() <= h.edges().get(k + 1),
          at + " bar " + k + " lies in its bin");
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.textValue()));
    return out;
  }

  private static List<Double> doubles(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(n -> out.add(n.doubleValue()));
    return out;
  }
}
