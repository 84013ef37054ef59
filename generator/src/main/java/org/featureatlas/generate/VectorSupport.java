package org.featureatlas.generate;

/**
 * Whether this JVM can run {@link VectorAblation}: the incubating {@code jdk.incubator.vector} module
 * must be resolved ({@code --add-modules jdk.incubator.vector}, as {@code ./atlas} and the tests do),
 * and {@code -Datlas.simd=false} must not be set.
 */
final class VectorSupport {
  private VectorSupport() {}

  static boolean available() {
    return !"false".equals(System.getProperty("atlas.simd"))
        && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }
}
