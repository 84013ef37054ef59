package org.featureatlas.site.publish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.featureatlas.check.AtlasException;
import org.featureatlas.check.Check;
import org.featureatlas.fs.AtomicDirectory;
import org.featureatlas.site.SiteFiles;
import org.featureatlas.site.SiteSize;
import org.featureatlas.site.links.LinkChecker;
import org.featureatlas.site.links.LinkReport;
import org.featureatlas.site.publish.PublishResult.Changes;
import org.featureatlas.site.publish.PublishResult.Outcome;

/**
 * Commits a built site as the whole tree of a GitHub Pages branch, with {@code .nojekyll}, using git
 * plumbing only: blobs are written with {@code hash-object}, the tree is built in a temporary index
 * file, the commit is made with {@code commit-tree} and the branch moved with a compare-and-swap
 * {@code update-ref}. The user's working tree, index and HEAD are never touched. A site whose tree
 * equals the branch tip's makes no commit. Before anything is written the site must have an
 * {@code index.html}, be within GitHub Pages' size limit ({@link SiteSize}) and pass the {@link LinkChecker}.
 */
public final class Publisher {
  static final String DEFAULT_NAME = "Feature Atlas";
  static final String DEFAULT_EMAIL = "atlas@localhost";
  static final String NOJEKYLL = ".nojekyll";
  private static final String FILE_MODE = "100644";

  private Publisher() {}

  public static PublishResult publish(PublishOptions o) {
    return publish(o, SiteSize.GITHUB_PAGES_LIMIT);
  }

  /** {@link #publish(PublishOptions)} with another size limit (tests use a small one). */
  static PublishResult publish(PublishOptions o, long limitBytes) {
    Path site = Check.directory(o.site()).toAbsolutePath().normalize();
    Check.file(Files.isRegularFile(site.resolve("index.html")), site, "has no index.html; build the site before publishing");
    List<String> files = new ArrayList<>(SiteFiles.list(site));
    SiteSize size = SiteSize.of(site, files);
    Check.file(size.bytes() <= limitBytes, site, String.format(Locale.ROOT, "refusing to publish: the site is %s (%,d"
        + " bytes), over GitHub Pages' limit of %,d bytes; show fewer examples per page, split the atlas by feature"
        + " range into several sites (atlas render --features a:b), or publish it to another host",
        size.describe(), size.bytes(), limitBytes));
    LinkReport links = LinkChecker.check(site);
    Check.file(links.ok(), site, "refusing to publish an incomplete site: " + links.summary(3));
    for (String f : files) {
      for (String segment : f.split("/")) {
        Check.file(!segment.toLowerCase(Locale.ROOT).equals(".git"), site.resolve(f), "a site must not contain .git");
      }
    }

    Git git = new Git(Check.directory(o.repo()).toAbsolutePath().normalize());
    Check.file(git.probe("rev-parse", "--git-dir").isPresent(), git.repo(), "not a git repository");
    String branch = o.branch() == null ? PublishOptions.DEFAULT_BRANCH : o.branch();
    Check.that(git.probe("check-ref-format", "--branch", branch).isPresent(), "'" + branch + "' is not a valid branch name");
    String ref = "refs/heads/" + branch;
    if (o.remote() != null) {
      Check.file(git.probe("remote", "get-url", o.remote()).isPresent(), git.repo(), "has no remote named '" + o.remote() + "'");
    }
    for (String line : git.run("worktree", "list", "--porcelain").split("\n")) {
      Check.file(!line.equals("branch " + ref), git.repo(),
          "branch " + branch + " is checked out in a working tree; switch away from it before publishing");
    }

    // The tree to publish: path -> "mode hash", sorted by path.
    boolean write = !o.dryRun();
    Map<String, String> wanted = new TreeMap<>();
    List<String> hashes = hashFiles(git, site, files, write);
    for (int i = 0; i < files.size(); i++) {
      wanted.put(files.get(i), FILE_MODE + " " + hashes.get(i));
    }
    if (!wanted.containsKey(NOJEKYLL)) {
      List<String> args = new ArrayList<>(List.of("hash-object", "--stdin"));
      if (write) {
        args.add(1, "-w");
      }
      wanted.put(NOJEKYLL, FILE_MODE + " " + git.run(Map.of(), new byte[0], args.toArray(String[]::new)));
    }

    Optional<String> localTip = git.probe("rev-parse", "--verify", "-q", ref + "^{commit}");
    Optional<String> remoteTip = o.remote() == null ? Optional.empty() : fetchRemoteTip(git, o.remote(), branch, write);
    Optional<String> base = remoteTip.isPresent() ? remoteTip : localTip;
    Changes changes = diff(base.isPresent() ? listTree(git, base.get()) : Map.of(), wanted);

    if (changes.none()) {
      String tip = base.orElseThrow();
      boolean push = o.remote() != null && !remoteTip.equals(Optional.of(tip));
      if (push && write) {
        git.run("push", "-q", o.remote(), tip + ":" + ref);
      }
      if (write && !localTip.equals(Optional.of(tip))) {
        fastForwardLocal(git, ref, localTip, tip);
      }
      String note = push ? (write ? "pushed the existing commit to " + o.remote() : "would push the existing commit to " + o.remote()) : null;
      return new PublishResult(Outcome.UNCHANGED, branch, tip, wanted.size(), changes, push && write, note);
    }
    if (o.dryRun()) {
      String note = o.remote() == null ? null : "would push to " + o.remote();
      return new PublishResult(Outcome.WOULD_PUBLISH, branch, base.orElse(null), wanted.size(), changes, false, note);
    }

    String tree = writeTree(git, wanted);
    String message = o.message() != null ? o.message()
        : "Publish Feature Atlas site: " + wanted.size() + " files (" + changes + ")\n";
    List<String> args = new ArrayList<>(List.of("commit-tree", tree));
    base.ifPresent(b -> args.addAll(List.of("-p", b)));
    String commit = git.run(identity(git), message.getBytes(StandardCharsets.UTF_8), args.toArray(String[]::new));

    String note = null;
    if (localTip.isEmpty()) {
      git.run("update-ref", "-m", "atlas publish", ref, commit, "");
    } else if (localTip.equals(base) || git.probe("merge-base", "--is-ancestor", localTip.get(), commit).isPresent()) {
      git.run("update-ref", "-m", "atlas publish", ref, commit, localTip.get());
    } else {
      note = "local branch " + branch + " has diverged from " + o.remote() + "/" + branch + " and was left as it is";
    }
    boolean pushed = false;
    if (o.remote() != null) {
      git.run("push", "-q", o.remote(), commit + ":" + ref);
      pushed = true;
    }
    return new PublishResult(Outcome.PUBLISHED, branch, commit, wanted.size(), changes, pushed, note);
  }

  /** Moves the local branch to the remote's tip when it is missing or behind; leaves a diverged branch alone. */
  private static void fastForwardLocal(Git git, String ref, Optional<String> localTip, String tip) {
    if (localTip.isEmpty()) {
      git.run("update-ref", "-m", "atlas publish", ref, tip, "");
    } else if (git.probe("merge-base", "--is-ancestor", localTip.get(), tip).isPresent()) {
      git.run("update-ref", "-m", "atlas publish", ref, tip, localTip.get());
    }
  }

  /** Blob hashes of the site's files, in order, via one {@code git hash-object --stdin-paths}. */
  private static List<String> hashFiles(Git git, Path site, List<String> files, boolean write) {
    StringBuilder paths = new StringBuilder();
    for (String f : files) {
      paths.append(site.resolve(f)).append('\n');
    }
    List<String> args = new ArrayList<>(List.of("hash-object", "--no-filters", "--stdin-paths"));
    if (write) {
      args.add(1, "-w");
    }
    String out = git.run(Map.of(), paths.toString().getBytes(StandardCharsets.UTF_8), args.toArray(String[]::new));
    List<String> hashes = out.isEmpty() ? List.of() : List.of(out.split("\n"));
    if (hashes.size() != files.size()) {
      throw new AtlasException(git.repo() + ": git hash-object returned " + hashes.size() + " hashes for " + files.size() + " files");
    }
    return hashes;
  }

  /** The branch tip on the remote (fetched into refs/remotes/REMOTE/BRANCH when writing), or empty. */
  private static Optional<String> fetchRemoteTip(Git git, String remote, String branch, boolean write) {
    String ref = "refs/heads/" + branch;
    Git.Result ls = git.tryRun(Map.of(), null, "ls-remote", "--exit-code", remote, ref);
    if (ls.exitCode() == 2) {
      return Optional.empty();
    }
    if (!ls.ok()) {
      throw new AtlasException(git.repo() + ": cannot read remote '" + remote + "': " + ls.err().strip().split("\n")[0]);
    }
    String tracking = write ? "refs/remotes/" + remote + "/" + branch : "refs/atlas-publish/dry-run";
    git.run("fetch", "-q", "--no-tags", remote, "+" + ref + ":" + tracking);
    String tip = git.run("rev-parse", "--verify", tracking + "^{commit}");
    if (!write) {
      git.run("update-ref", "-d", tracking);
    }
    return Optional.of(tip);
  }

  /** Every blob of a commit's tree: path -> "mode hash". */
  private static Map<String, String> listTree(Git git, String commit) {
    Map<String, String> entries = new TreeMap<>();
    String out = git.run("ls-tree", "-r", "-z", "--full-tree", commit);
    for (String record : out.split("\0")) {
      if (record.isEmpty()) {
        continue;
      }
      int tab = record.indexOf('\t');
      String[] meta = record.substring(0, tab).split(" ");
      entries.put(record.substring(tab + 1), meta[0] + " " + meta[2]);
    }
    return entries;
  }

  static Changes diff(Map<String, String> before, Map<String, String> after) {
    int added = 0;
    int changed = 0;
    int removed = 0;
    for (Map.Entry<String, String> e : after.entrySet()) {
      String old = before.get(e.getKey());
      if (old == null) {
        added++;
      } else if (!old.equals(e.getValue())) {
        changed++;
      }
    }
    for (String path : before.keySet()) {
      if (!after.containsKey(path)) {
        removed++;
      }
    }
    return new Changes(added, changed, removed);
  }

  /** Builds the tree object in a temporary index file, outside the repository. */
  private static String writeTree(Git git, Map<String, String> wanted) {
    Path temp;
    try {
      temp = Files.createTempDirectory("atlas-publish-");
    } catch (IOException e) {
      throw new AtlasException("cannot create a temporary directory (" + e.getMessage() + ")", e);
    }
    try {
      Map<String, String> env = Map.of("GIT_INDEX_FILE", temp.resolve("index").toString());
      ByteArrayOutputStream info = new ByteArrayOutputStream();
      for (Map.Entry<String, String> e : wanted.entrySet()) {
        String[] modeHash = e.getValue().split(" ");
        info.writeBytes((modeHash[0] + " " + modeHash[1] + "\t" + e.getKey()).getBytes(StandardCharsets.UTF_8));
        info.write(0);
      }
      git.run(env, info.toByteArray(), "update-index", "--add", "-z", "--index-info");
      return git.run(env, null, "write-tree");
    } finally {
      AtomicDirectory.deleteTree(temp);
    }
  }

  /** Author and committer: the repository's user.name / user.email, or Feature Atlas &lt;atlas@localhost&gt;. */
  private static Map<String, String> identity(Git git) {
    String name = git.probe("config", "user.name").filter(s -> !s.isBlank()).orElse(DEFAULT_NAME);
    String email = git.probe("config", "user.email").filter(s -> !s.isBlank()).orElse(DEFAULT_EMAIL);
    return Map.of("GIT_AUTHOR_NAME", name, "GIT_AUTHOR_EMAIL", email,
        "GIT_COMMITTER_NAME", name, "GIT_COMMITTER_EMAIL", email);
  }
}
