package org.featureatlas.site.publish;

import java.nio.file.Path;

/**
 * What to publish where: the built {@code site}, the git repository {@code repo} (working or
 * bare), the Pages {@code branch}, an optional {@code remote} of that repository to push to (null:
 * no push), {@code dryRun} (report only) and the commit {@code message} (null: a default one).
 */
public record PublishOptions(Path site, Path repo, String branch, String remote, boolean dryRun, String message) {
  public static final String DEFAULT_BRANCH = "gh-pages";
}
