package org.featureatlas.generate;

import java.util.Objects;

/**
 * A large input held only until its last user has taken what it needs: {@link #release} drops the
 * reference so that the garbage collector can reclaim it (the Java copies of the model's and the
 * encoders' weights once their device copies exist). Using it after that is a bug in the caller.
 */
final class Held<T> {
  private final String what;
  private T value;

  Held(String what, T value) {
    this.what = what;
    this.value = Objects.requireNonNull(value, what);
  }

  /** The value; throws once it has been released. */
  synchronized T get() {
    if (value == null) throw new IllegalStateException(what + " was already released");
    return value;
  }

  /** Drops the value. */
  synchronized void release() {
    value = null;
  }

  synchronized boolean released() {
    return value == null;
  }
}
