package org.featureatlas.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import java.util.stream.Stream;
import org.featureatlas.io.Npy;
import org.featureatlas.model.Gpt2Config;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.render.RenderOptions;
import org.featureatlas.sae.Architecture;
import org.featureatlas.sae.SaeConfig;
import org.featureatlas.sae.SaeWeights;
import org.featureatlas.site.FakeData;
import org.featureatlas.site.FakeSite;
import org.featureatlas.site.archive.ArchiveWriter;

/**
 * The valid inputs every mutant starts from, written once: a 1-layer GPT-2 ({@code model/}), a TopK SAE on
 * its MLP ({@code sae/}), a [6, 16] token array, the committed tiny data directory ({@code data/}) and an
 * archive of a small data directory and site in both formats.
 */
final class FuzzInputs {
  static final int VOCAB = 40;
  static final String HOOK = "blocks.0.mlp.hook_post";

  final Path model;
  final Path sae;
  final Path tokens;
  final Path data;
  final Path tarGz;
  final Path zip;

  FuzzInputs(Path dir) throws IOException {
    Gpt2Config cfg = new Gpt2Config(1, 2, 16, 16, VOCAB, 64, 1e-5, "gelu_new");
    model = dir.resolve("model");
    Gpt2Weights.random(cfg, 1).save(model, false);
    sae = dir.resolve("sae");
    SaeConfig sc = new SaeConfig(Architecture.TOPK, 64, 24, HOOK, true, 4, null, "tiny-gpt2");
    SaeWeights.random(sc, 2, 1.0).save(sae);
    tokens = dir.resolve("tokens.npy");
    int[] ids = new int[6 * 16];
    Random r = new Random(3);
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(VOCAB);
    Npy.writeInts(tokens, 6, 16, ids);
    data = copyTree(RenderOptions.atlasHome().resolve("generator/src/test/resources/fixture/tiny"), dir.resolve("data"));

    Path archiveData = FakeData.write(dir.resolve("archive-in/data"));
    // A small stand-in feature file, so that mutations land on archive structure more often than on content.
    Files.write(archiveData.resolve("features/features-00000.jsonl.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    Path site = FakeSite.write(dir.resolve("archive-in/site"));
    tarGz = dir.resolve("atlas.tar.gz");
    zip = dir.resolve("atlas.zip");
    ArchiveWriter.write(archiveData, site, tarGz);
    ArchiveWriter.write(archiveData, site, zip);
  }

  /** Copies a file or directory tree to {@code to} (which must not exist) and returns {@code to}. */
  static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else {
          Files.createDirectories(t.getParent());
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }
}
