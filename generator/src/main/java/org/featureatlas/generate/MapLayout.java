package org.featureatlas.generate;

import java.util.ArrayList;
import java.util.List;
import org.featureatlas.data.FeatureMap;
import org.featureatlas.data.MapPoint;
import org.featureatlas.io.HostTensor;

/**
 * The feature map (weights only, after the similar features): every live feature's place in 2-D, a UMAP-style
 * layout of the decoder directions. No UMAP library is served to this build, so the layout is UMAP's own
 * algorithm (McInnes, Healy and Melville 2018, as {@code umap-learn} implements it) written here, run on the
 * nearest-neighbour graph the similar-features step already found:
 *
 * <ol>
 *   <li>Graph: each live feature's {@link SimilarFeatures#K} most similar features (decoder cosine), dead ones
 *       left out; distance {@code 1 - cosine}.</li>
 *   <li>Fuzzy set: per feature {@code rho} (its nearest distance) and {@code sigma} (bisection, 64 steps, so
 *       that {@code sum exp(-(d - rho) / sigma) = log2(neighbours + 1)}), weights {@code exp(-(d - rho) / sigma)},
 *       symmetrised as {@code w_ij + w_ji - w_ij w_ji}; weights below {@code max / epochs} are dropped.</li>
 *   <li>Start: the normalised decoder rows projected on two seeded Gaussian directions, scaled to
 *       {@code [-10, 10]} (umap-learn starts from a spectral layout, or uniformly at random).</li>
 *   <li>Layout: umap-learn's stochastic gradient descent ({@code min_dist 0.1}, {@code spread 1}, so
 *       {@code a = 1.577}, {@code b = 0.8951}; 5 negative samples per positive one, gradients clipped to 4,
 *       learning rate falling linearly from 1), 500 epochs up to 10,000 features, 200 above, each edge sampled
 *       in both directions and both ends moved.</li>
 * </ol>
 *
 * <p>Deterministic: one thread, in edge order (feature ascending, then table order), negative samples from one
 * SplitMix64 stream seeded by the run's seed; everything in float64. It reads only the decoder and the tables,
 * so a merge of shards gives the same map as a single run. Memory: about {@link #bytesPerFeature} bytes a
 * feature ({@link MemoryBudget}).
 */
final class MapLayout {
  static final double A = 1.5769434603113077;
  static final double B = 0.8950608781227859;
  static final int NEGATIVE_SAMPLES = 5;
  static final double CLIP = 4.0;

  private MapLayout() {}

  /** Bytes a feature may take while the layout runs: two directed edges per table entry, and the per-node arrays. */
  static long bytesPerFeature(int tableSize) {
    return 2L * tableSize * 32 + 64;
  }

  /** The epochs for {@code n} points, as umap-learn chooses them. */
  static int epochs(int n) {
    return n <= 10_000 ? 500 : 200;
  }

  /**
   * The map of the features for which {@code live[i]} holds. {@code wDec} is [d_sae, d_in]; {@code similar}
   * holds the neighbour tables. Features in ascending order; an empty map when none is live.
   */
  static FeatureMap compute(HostTensor wDec, SimilarFeatures similar, boolean[] live, long seed) {
    int dSae = live.length;
    int[] local = new int[dSae];
    int n = 0;
    for (int i = 0; i < dSae; i++) local[i] = live[i] ? n++ : -1;
    int[] global = new int[n];
    for (int i = 0; i < dSae; i++) if (live[i]) global[local[i]] = i;
    double[] y = start(wDec, global, seed);
    if (n > 1) {
      Graph g = graph(similar, local, global, epochs(n));
      optimise(y, g, n, epochs(n), seed);
    }
    List<MapPoint> points = new ArrayList<>(n);
    for (int p = 0; p < n; p++) points.add(new MapPoint(global[p], y[2 * p], y[2 * p + 1]));
    return new FeatureMap(FeatureMap.METHOD, points);
  }

  /** Directed edges (both directions of every undirected one): head, tail and the epochs between samples. */
  record Graph(int[] head, int[] tail, double[] epochsPerSample) {}

  /** The symmetrised fuzzy graph of the live features' neighbour tables, weak edges dropped. */
  static Graph graph(SimilarFeatures similar, int[] local, int[] global, int epochs) {
    int n = global.length;
    int k = SimilarFeatures.K;
    int[] count = new int[n];
    int[] nb = new int[n * k];
    double[] w = new double[n * k];
    double[] d = new double[k];
    for (int p = 0; p < n; p++) {
      int i = global[p];
      int c = 0;
      for (int r = 0; r < similar.count(i); r++) {
        int j = similar.neighbour(i, r);
        if (local[j] < 0) continue;
        nb[p * k + c] = local[j];
        d[c] = Math.max(0.0, 1.0 - similar.cosine(i, r));
        c++;
      }
      count[p] = c;
      fuzzyWeights(d, c, w, p * k);
    }
    // Undirected edges in order: feature p ascending, then its table order; an edge both ends list is taken at its lower end.
    int[] eh = new int[2 * n * k];
    int[] et = new int[2 * n * k];
    double[] ew = new double[2 * n * k];
    int e = 0;
    double max = 0;
    for (int p = 0; p < n; p++) {
      for (int r = 0; r < count[p]; r++) {
        int q = nb[p * k + r];
        double back = weight(nb, w, count, k, q, p);
        if (back >= 0 && q < p) continue; // taken from q's side
        double wq = Math.max(0, back);
        double sym = w[p * k + r] + wq - w[p * k + r] * wq;
        eh[e] = p;
        et[e] = q;
        ew[e] = sym;
        max = Math.max(max, sym);
        e++;
      }
    }
    int kept = 0;
    for (int x = 0; x < e; x++) if (ew[x] >= max / epochs) kept++;
    int[] head = new int[2 * kept];
    int[] tail = new int[2 * kept];
    double[] eps = new double[2 * kept];
    int at = 0;
    for (int x = 0; x < e; x++) {
      if (ew[x] < max / epochs) continue;
      double s = max / ew[x];
      head[at] = eh[x];
      tail[at] = et[x];
      eps[at++] = s;
      head[at] = et[x];
      tail[at] = eh[x];
      eps[at++] = s;
    }
    return new Graph(head, tail, eps);
  }

  /** The weight of p's edge to q in p's own table, or -1 when q is not there. */
  private static double weight(int[] nb, double[] w, int[] count, int k, int p, int q) {
    for (int r = 0; r < count[p]; r++) if (nb[p * k + r] == q) return w[p * k + r];
    return -1;
  }

  /**
   * umap-learn's {@code smooth_knn_dist} and membership strengths for one point with {@code c} neighbour
   * distances {@code d}: weights into {@code w[at..at+c)}.
   */
  static void fuzzyWeights(double[] d, int c, double[] w, int at) {
    if (c == 0) return;
    double rho = 0;
    double mean = 0;
    for (int r = 0; r < c; r++) mean += d[r];
    mean /= c;
    double smallest = Double.POSITIVE_INFINITY;
    for (int r = 0; r < c; r++) if (d[r] > 0) smallest = Math.min(smallest, d[r]);
    if (smallest < Double.POSITIVE_INFINITY) rho = smallest;
    double target = Math.log(c + 1) / Math.log(2);
    double lo = 0;
    double hi = Double.POSITIVE_INFINITY;
    double mid = 1;
    for (int it = 0; it < 64; it++) {
      double sum = 0;
      for (int r = 0; r < c; r++) {
        double x = d[r] - rho;
        sum += x > 0 ? Math.exp(-x / mid) : 1.0;
      }
      if (Math.abs(sum - target) < 1e-5) break;
      if (sum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi == Double.POSITIVE_INFINITY ? mid * 2 : (lo + hi) / 2;
      }
    }
    double sigma = Math.max(mid, 1e-3 * mean);
    for (int r = 0; r < c; r++) {
      double x = d[r] - rho;
      w[at + r] = x <= 0 || sigma == 0 ? 1.0 : Math.exp(-x / sigma);
    }
  }

  /** The starting layout: normalised decoder rows on two seeded Gaussian directions, scaled into [-10, 10]. */
  static double[] start(HostTensor wDec, int[] global, long seed) {
    int dIn = wDec.cols();
    float[] x = wDec.data();
    SplitMix rng = new SplitMix(seed ^ 0x6D61704C61796F75L);
    double[] dir = new double[2 * dIn];
    for (int c = 0; c < dir.length; c++) dir[c] = rng.gaussian();
    int n = global.length;
    double[] y = new double[2 * n];
    for (int p = 0; p < n; p++) {
      int row = global[p] * dIn;
      double ss = 0;
      double a = 0;
      double b = 0;
      for (int c = 0; c < dIn; c++) {
        double v = x[row + c];
        ss += v * v;
        a += v * dir[c];
        b += v * dir[dIn + c];
      }
      double norm = Math.sqrt(ss);
      y[2 * p] = norm == 0 ? 0 : a / norm;
      y[2 * p + 1] = norm == 0 ? 0 : b / norm;
    }
    for (int axis = 0; axis < 2; axis++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (int p = 0; p < n; p++) {
        lo = Math.min(lo, y[2 * p + axis]);
        hi = Math.max(hi, y[2 * p + axis]);
      }
      double span = hi - lo;
      for (int p = 0; p < n; p++) y[2 * p + axis] = span > 0 ? 20 * (y[2 * p + axis] - lo) / span - 10 : 0;
    }
    return y;
  }

  /** umap-learn's {@code optimize_layout_euclidean} with both ends moved, in place on {@code y}. */
  static void optimise(double[] y, Graph g, int n, int epochs, long seed) {
    int edges = g.head().length;
    double[] eps = g.epochsPerSample();
    double[] next = eps.clone();
    double[] nextNeg = new double[edges];
    for (int e = 0; e < edges; e++) nextNeg[e] = eps[e] / NEGATIVE_SAMPLES;
    SplitMix rng = new SplitMix(seed);
    for (int epoch = 0; epoch < epochs; epoch++) {
      double alpha = 1.0 - (double) epoch / epochs;
      for (int e = 0; e < edges; e++) {
        if (next[e] > epoch) continue;
        int j = g.head()[e];
        int k = g.tail()[e];
        double dx = y[2 * j] - y[2 * k];
        double dy = y[2 * j + 1] - y[2 * k + 1];
        double d2 = dx * dx + dy * dy;
        double coeff = 0;
        if (d2 > 0) {
          double pb = Math.pow(d2, B);
          coeff = -2.0 * A * B * (pb / d2) / (A * pb + 1.0);
        }
        double gx = clip(coeff * dx) * alpha;
        double gy = clip(coeff * dy) * alpha;
        y[2 * j] += gx;
        y[2 * j + 1] += gy;
        y[2 * k] -= gx;
        y[2 * k + 1] -= gy;
        next[e] += eps[e];
        double epsNeg = eps[e] / NEGATIVE_SAMPLES;
        int negatives = Math.max(0, (int) ((epoch - nextNeg[e]) / epsNeg));
        for (int s = 0; s < negatives; s++) {
          int o = rng.below(n);
          double ox = y[2 * j] - y[2 * o];
          double oy = y[2 * j + 1] - y[2 * o + 1];
          double o2 = ox * ox + oy * oy;
          double c;
          if (o2 > 0) {
            c = 2.0 * B / ((0.001 + o2) * (A * Math.pow(o2, B) + 1));
          } else if (j == o) {
            continue;
          } else {
            c = 0;
          }
          y[2 * j] += (c > 0 ? clip(c * ox) : CLIP) * alpha;
          y[2 * j + 1] += (c > 0 ? clip(c * oy) : CLIP) * alpha;
        }
        nextNeg[e] += negatives * epsNeg;
      }
    }
  }

  private static double clip(double v) {
    return v > CLIP ? CLIP : v < -CLIP ? -CLIP : v;
  }

  /** SplitMix64: the map's one random stream. */
  static final class SplitMix {
    private long state;

    SplitMix(long seed) {
      state = seed;
    }

    long next() {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    /** Uniform in [0, n) for 0 < n < 2^31. */
    int below(int n) {
      return (int) (((next() >>> 33) * n) >>> 31);
    }

    /** Uniform in (0, 1). */
    double uniform() {
      return ((next() >>> 11) + 0.5) / (1L << 53);
    }

    /** Standard normal (Box-Muller, StrictMath so that it is the same on every JVM). */
    double gaussian() {
      return StrictMath.sqrt(-2 * StrictMath.log(uniform())) * StrictMath.cos(2 * Math.PI * uniform());
    }
  }
}
