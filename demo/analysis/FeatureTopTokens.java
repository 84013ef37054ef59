// Prints, for SAE features of the demo, the contexts where they fire most on the held-out tokens.
// A small analysis behind demo/README.md's feature list; not part of the atlas. Run from the repo root
// after `./atlas --help` has built target/:
//   java -cp "target/atlas.jar:target/lib/*" demo/analysis/FeatureTopTokens.java demo/model demo/sae demo/tokens.npy 40
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import org.featureatlas.dataset.TokenDataset;
import org.featureatlas.model.ForwardOptions;
import org.featureatlas.model.Gpt2Model;
import org.featureatlas.model.Gpt2Weights;
import org.featureatlas.model.HookPoint;
import org.featureatlas.sae.SaeEncoder;
import org.featureatlas.sae.SaeWeights;
import org.featureatlas.tokenize.AtlasTokenizer;

public class FeatureTopTokens {
  record Hit(float act, int seq, int pos) {}

  public static void main(String[] args) {
    Path modelDir = Path.of(args[0]);
    SaeWeights sae = SaeWeights.load(Path.of(args[1]));
    TokenDataset data = TokenDataset.fromNpy(Path.of(args[2]));
    int show = Integer.parseInt(args[3]);
    int dSae = sae.config().dSae();
    HookPoint hook = HookPoint.parse(sae.config().hookName());
    List<PriorityQueue<Hit>> top = new ArrayList<>();
    for (int f = 0; f < dSae; f++) {
      top.add(new PriorityQueue<>((a, b) -> Float.compare(a.act(), b.act())));
    }
    long[] active = new long[dSae];
    try (NDManager m = NDManager.newBaseManager();
        Gpt2Model model = new Gpt2Model(Gpt2Weights.load(modelDir), m);
        SaeEncoder enc = new SaeEncoder(sae, m);
        AtlasTokenizer tok = AtlasTokenizer.load(modelDir.resolve("tokenizer.json"))) {
      int b = 16;
      for (int s0 = 0; s0 < data.nSeq(); s0 += b) {
        int s1 = Math.min(data.nSeq(), s0 + b);
        try (NDManager step = m.newSubManager()) {
          NDArray tokens = step.create(data.rows(s0, s1), new Shape(s1 - s0, data.seqLen()));
          NDArray x = model.forward(tokens, ForwardOptions.upTo(hook)).hook(hook);
          float[] f = enc.encode(x.reshape(-1, x.getShape().get(2))).toFloatArray();
          for (int r = 0; r < (s1 - s0) * data.seqLen(); r++) {
            for (int i = 0; i < dSae; i++) {
              float a = f[r * dSae + i];
              if (a > 0) {
                active[i]++;
                PriorityQueue<Hit> q = top.get(i);
                if (q.size() < 12 || a > q.peek().act()) {
                  q.add(new Hit(a, s0 + r / data.seqLen(), r % data.seqLen()));
                  if (q.size() > 12) {
                    q.poll();
                  }
                }
              }
            }
          }
        }
      }
      List<String> vocab = tok.displayVocab();
      // Features sorted by density; show those firing on 0.05%..3% of positions, spread over that range.
      List<Integer> candidates = new ArrayList<>();
      long n = data.positions();
      for (int i = 0; i < dSae; i++) {
        double d = (double) active[i] / n;
        if (d >= 0.0005 && d <= 0.03) {
          candidates.add(i);
        }
      }
      int stride = Math.max(1, candidates.size() / show);
      for (int c = 0; c < candidates.size(); c += stride) {
        int i = candidates.get(c);
        List<Hit> hits = new ArrayList<>(top.get(i));
        hits.sort((a, b2) -> Float.compare(b2.act(), a.act()));
        Map<String, Integer> tokenCounts = new HashMap<>();
        StringBuilder sb = new StringBuilder();
        for (Hit h : hits) {
          String t = vocab.get(data.token(h.seq(), h.pos()));
          tokenCounts.merge(t, 1, Integer::sum);
          StringBuilder ctx = new StringBuilder();
          for (int p = Math.max(0, h.pos() - 6); p <= Math.min(data.seqLen() - 1, h.pos() + 1); p++) {
            String piece = vocab.get(data.token(h.seq(), p)).replace("\n", "\\n");
            ctx.append(p == h.pos() ? "[[" + piece + "]]" : piece);
          }
          sb.append(String.format(Locale.ROOT, "    %.2f  %s%n", h.act(), ctx));
        }
        System.out.printf(Locale.ROOT, "feature %d  density %.4f  top tokens %s%n%s", i, (double) active[i] / n,
            tokenCounts, sb);
      }
    }
  }
}
