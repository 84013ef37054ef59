package org.featureatlas.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featureatlas.site.publish.PublishOptions;
import org.featureatlas.site.publish.PublishResult;
import org.featureatlas.site.publish.Publisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atlas publish}: commits a built site to a GitHub Pages branch. */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {"Commits a built site as the whole content of a GitHub Pages branch (with .nojekyll), "
        + "without touching your working tree, index or current branch. Refuses a site with broken internal "
        + "links or assets. An unchanged site makes no new commit.",
        "With --remote it pushes the branch to that remote of the repository (never with --force)."})
public final class PublishCommand implements Callable<Integer> {
  @Option(names = "--site", paramLabel = "DIR", required = true, description = "Built site to publish.")
  Path site;

  @Option(names = "--branch", paramLabel = "NAME", defaultValue = PublishOptions.DEFAULT_BRANCH,
      description = "Pages branch (default: ${DEFAULT-VALUE}).")
  String branch;

  @Option(names = "--remote", paramLabel = "NAME", description = "Push the branch to this remote (e.g. origin).")
  String remote;

  @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".",
      description = "Git repository to commit into, working or bare (default: the current directory).")
  Path repo;

  @Option(names = "--message", paramLabel = "TEXT", description = "Commit message (default: file count and changes).")
  String message;

  @Option(names = "--dry-run", description = "Check the site and report what would be committed and pushed; write nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    PublishResult r = Publisher.publish(new PublishOptions(site, repo, branch, remote, dryRun, message));
    String where = branch + (remote != null ? " (" + remote + ")" : "");
    switch (r.outcome()) {
      case UNCHANGED -> System.out.printf("atlas: nothing to publish: %s already holds this site (%d files) at %s%n",
          where, r.files(), shortHash(r.commit()));
      case WOULD_PUBLISH -> System.out.printf("atlas: dry run: would commit %d files to %s (%s)%n",
          r.files(), where, r.changes());
      case PUBLISHED -> System.out.printf("atlas: published %d files to %s as %s (%s)%s%n", r.files(), where,
          shortHash(r.commit()), r.changes(), r.pushed() ? ", pushed" : "");
      default -> throw new IllegalStateException("unknown outcome " + r.outcome());
    }
    if (r.note() != null) {
      System.out.println("atlas: note: " + r.note());
    }
    return 0;
  }

  private static String shortHash(String hash) {
    return hash == null ? "(new branch)" : hash.substring(0, Math.min(12, hash.length()));
  }
}
