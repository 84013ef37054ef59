package org.featureatlas.site.links;

import java.util.List;

/**
 * The result of a link check: how many pages and stylesheets were read, how many internal
 * references were checked, and the broken ones sorted by page, then target, then reason.
 */
public record LinkReport(int documents, int checked, List<BrokenLink> broken) {
  public LinkReport {
    broken = List.copyOf(broken);
  }

  public boolean ok() {
    return broken.isEmpty();
  }

  /** One line: "N broken links: a; b; c; and K more". */
  public String summary(int shown) {
    StringBuilder sb = new StringBuilder();
    sb.append(broken.size()).append(broken.size() == 1 ? " broken link: " : " broken links: ");
    for (int i = 0; i < Math.min(shown, broken.size()); i++) {
      sb.append(i == 0 ? "" : "; ").append(broken.get(i));
    }
    if (broken.size() > shown) {
      sb.append("; and ").append(broken.size() - shown).append(" more");
    }
    return sb.toString();
  }
}
