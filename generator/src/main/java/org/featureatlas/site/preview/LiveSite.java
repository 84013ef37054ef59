package org.featureatlas.site.preview;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The site being served and its version. {@link #replace} swaps the whole site atomically and bumps
 * the version, which open pages poll to know when to reload.
 */
public final class LiveSite {
  private record State(SiteSource source, long version) {}

  private final AtomicReference<State> state;

  public LiveSite(SiteSource initial) {
    this.state = new AtomicReference<>(new State(initial, 0));
  }

  public SiteSource source() {
    return state.get().source();
  }

  public long version() {
    return state.get().version();
  }

  public void replace(SiteSource next) {
    state.updateAndGet(s -> new State(next, s.version() + 1));
  }
}
