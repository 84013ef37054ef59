package org.featureatlas.site.links;

/** A reference in {@code page} (a site-relative path) to {@code target} (as written) that does not resolve. */
public record BrokenLink(String page, String target, String reason) implements Comparable<BrokenLink> {
  @Override
  public int compareTo(BrokenLink o) {
    int c = page.compareTo(o.page);
    if (c == 0) {
      c = target.compareTo(o.target);
    }
    return c == 0 ? reason.compareTo(o.reason) : c;
  }

  @Override
  public String toString() {
    return page + " -> " + target + " (" + reason + ")";
  }
}
