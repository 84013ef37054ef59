package org.featureatlas.check;

import java.nio.file.Files;
import java.nio.file.Path;

/** The one place for argument and input checks. Each failure is an {@link AtlasException}. */
public final class Check {
  private Check() {}

  /** Fails with {@code message} unless {@code condition} holds. */
  public static void that(boolean condition, String message) {
    if (!condition) {
      throw new AtlasException(message);
    }
  }

  /** Fails with "{file}: {message}" unless {@code condition} holds. */
  public static void file(boolean condition, Path file, String message) {
    if (!condition) {
      throw new AtlasException(file + ": " + message);
    }
  }

  /** Fails unless {@code file} is a readable regular file. */
  public static Path readableFile(Path file) {
    file(Files.isRegularFile(file), file, "no such file");
    file(Files.isReadable(file), file, "not readable");
    return file;
  }

  /** Fails unless {@code dir} is a directory. */
  public static Path directory(Path dir) {
    file(Files.isDirectory(dir), dir, "no such directory");
    return dir;
  }

  /** Fails unless every value is finite, naming the tensor and file. */
  public static void finite(float[] values, Path file, String tensor) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new AtlasException(file + ": tensor " + tensor + " holds a non-finite value ("
            + values[i] + ") at flat index " + i);
      }
    }
  }

  public static int positive(int value, String name) {
    that(value > 0, name + " must be positive, got " + value);
    return value;
  }
}
