package org.featureatlas.site.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.featureatlas.check.AtlasException;
import org.featureatlas.site.FakeSite;
import org.featureatlas.site.publish.PublishResult.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherTest {
  @TempDir
  Path tmp;

  private Path bare;
  private Path work;
  private Path site;

  /** A bare "GitHub" repository, a working clone-like repository with it as origin, and a built site. */
  @BeforeEach
  void repos() throws Exception {
    bare = tmp.resolve("remote.git");
    git(tmp, "init", "-q", "--bare", bare.toString());
    work = Files.createDirectories(tmp.resolve("work"));
    git(work, "init", "-q", "-b", "main");
    Files.writeString(work.resolve("README.md"), "project\n");
    git(work, "add", "README.md");
    git(work, "-c", "user.name=T", "-c", "user.email=t@t", "commit", "-q", "-m", "init");
    git(work, "remote", "add", "origin", bare.toString());
    Files.writeString(work.resolve("uncommitted.txt"), "work in progress\n");
    site = FakeSite.write(tmp.resolve("site"));
  }

  @Test
  void branchHoldsExactlyTheSiteAndAnUnchangedSiteMakesNoCommit() throws Exception {
    String statusBefore = git(work, "status", "--porcelain");
    String headBefore = git(work, "rev-parse", "HEAD");

    PublishResult first = Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", false, null));
    assertEquals(Outcome.PUBLISHED, first.outcome());
    assertTrue(first.pushed());
    assertEquals(git(bare, "rev-parse", "refs/heads/gh-pages"), first.commit());
    assertEquals(first.commit(), git(work, "rev-parse", "refs/heads/gh-pages"));
    assertBranchHoldsExactly(bare, "gh-pages", withNojekyll(FakeSite.files()));
    assertEquals("0", git(bare, "rev-list", "--count", "gh-pages", "^" + first.commit()));
    assertEquals("1", git(bare, "rev-list", "--count", "gh-pages"));

    PublishResult second = Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", false, null));
    assertEquals(Outcome.UNCHANGED, second.outcome());
    assertFalse(second.pushed());
    assertEquals(first.commit(), second.commit());
    assertEquals(first.commit(), git(bare, "rev-parse", "refs/heads/gh-pages"));
    assertEquals("1", git(bare, "rev-list", "--count", "gh-pages"));

    // The user's working tree, index and HEAD are untouched.
    assertEquals(statusBefore, git(work, "status", "--porcelain"));
    assertEquals(headBefore, git(work, "rev-parse", "HEAD"));
    assertEquals("refs/heads/main", git(work, "symbolic-ref", "HEAD"));
    assertEquals("", git(work, "diff", "--cached", "--name-only"));
  }

  @Test
  void aChangedSiteMakesOneCommitOnTopWithRemovedFilesGone() throws Exception {
    PublishResult first = Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", false, null));
    Files.delete(site.resolve("robots.txt"));
    Files.writeString(site.resolve("features/1.html"), "<!DOCTYPE html><html><body><a href=\"../index.html\">x</a></body></html>");
    Files.writeString(site.resolve("features/new.html"), "<!DOCTYPE html><html><body>new</body></html>");
    PublishResult second = Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", false, null));
    assertEquals(Outcome.PUBLISHED, second.outcome());
    assertEquals(new PublishResult.Changes(1, 1, 1), second.changes());
    assertNotEquals(first.commit(), second.commit());
    assertEquals(first.commit(), git(bare, "rev-parse", "gh-pages^"));
    assertBranchHoldsExactly(bare, "gh-pages", withNojekyll(FakeSite.read(site)));
  }

  @Test
  void publishesIntoABareRepositoryDirectlyAndKeepsAnExistingNojekyll() throws Exception {
    Files.writeString(site.resolve(".nojekyll"), "");
    PublishResult r = Publisher.publish(new PublishOptions(site, bare, "pages", null, false, "my message"));
    assertEquals(Outcome.PUBLISHED, r.outcome());
    assertFalse(r.pushed());
    assertBranchHoldsExactly(bare, "pages", FakeSite.read(site));
    assertEquals("my message", git(bare, "log", "-1", "--format=%B", "pages").strip());
    String author = git(bare, "log", "-1", "--format=%an <%ae>", "pages");
    String configured = tryGit(bare, "config", "user.name");
    if (configured.isEmpty()) {
      assertEquals("Feature Atlas <atlas@localhost>", author);
    }
    assertEquals(Outcome.UNCHANGED, Publisher.publish(new PublishOptions(site, bare, "pages", null, false, null)).outcome());
  }

  @Test
  void aSiteOverTheSizeLimitIsRefusedBeforeAnythingIsWritten() throws Exception {
    long bytes = org.featureatlas.site.SiteSize.of(site).bytes();
    String objectsBefore = git(work, "count-objects", "-v");
    AtlasException e = assertThrows(AtlasException.class,
        () -> Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", false, null), bytes - 1));
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.contains(String.format(java.util.Locale.ROOT, "%,d bytes", bytes)), m);
    assertTrue(m.contains("fewer examples per page") && m.contains("--features a:b") && m.contains("another host"), m);
    assertEquals("", tryGit(work, "rev-parse", "--verify", "-q", "refs/heads/gh-pages"));
    assertEquals("", tryGit(bare, "rev-parse", "--verify", "-q", "refs/heads/gh-pages"));
    assertEquals(objectsBefore, git(work, "count-objects", "-v"));
    assertEquals(Outcome.WOULD_PUBLISH,
        Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", true, null), bytes).outcome(),
        "a site of exactly the limit passes");
  }

  @Test
  void dryRunReportsAndWritesNothing() throws Exception {
    String objectsBefore = git(work, "count-objects", "-v");
    PublishResult r = Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", true, null));
    assertEquals(Outcome.WOULD_PUBLISH, r.outcome());
    assertEquals(new PublishResult.Changes(FakeSite.files().size() + 1, 0, 0), r.changes());
    assertEquals("", tryGit(work, "rev-parse", "--verify", "-q", "refs/heads/gh-pages"));
    assertEquals("", tryGit(bare, "rev-parse", "--verify", "-q", "refs/heads/gh-pages"));
    assertEquals(objectsBefore, git(work, "count-objects", "-v"));

    Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", false, null));
    PublishResult again = Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", true, null));
    assertEquals(Outcome.UNCHANGED, again.outcome());
  }

  @Test
  void anIncompleteSiteIsRefusedBeforeAnythingIsWritten() throws Exception {
    Files.delete(site.resolve("css/site.css"));
    Files.delete(site.resolve("features/1.html"));
    AtlasException e = assertThrows(AtlasException.class,
        () -> Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", false, null)));
    String msg = e.getMessage();
    assertTrue(msg.contains("refusing to publish an incomplete site"), msg);
    assertTrue(msg.contains("broken links"), msg);
    assertTrue(msg.contains("no such file: css/site.css"), msg);
    assertFalse(msg.contains("\n"));
    assertEquals("", tryGit(work, "rev-parse", "--verify", "-q", "refs/heads/gh-pages"));
    assertEquals("", tryGit(bare, "rev-parse", "--verify", "-q", "refs/heads/gh-pages"));

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    AtlasException noIndex = assertThrows(AtlasException.class,
        () -> Publisher.publish(new PublishOptions(empty, work, "gh-pages", null, false, null)));
    assertTrue(noIndex.getMessage().contains("no index.html"), noIndex.getMessage());
  }

  @Test
  void refusesACheckedOutBranchABadRemoteAndNonRepositories() throws Exception {
    git(work, "checkout", "-q", "-b", "gh-pages");
    AtlasException out = assertThrows(AtlasException.class,
        () -> Publisher.publish(new PublishOptions(site, work, "gh-pages", null, false, null)));
    assertTrue(out.getMessage().contains("checked out"), out.getMessage());
    git(work, "checkout", "-q", "main");
    AtlasException remote = assertThrows(AtlasException.class,
        () -> Publisher.publish(new PublishOptions(site, work, "gh-pages", "nope", false, null)));
    assertTrue(remote.getMessage().contains("no remote named 'nope'"), remote.getMessage());
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    AtlasException notRepo = assertThrows(AtlasException.class,
        () -> Publisher.publish(new PublishOptions(site, plain, "gh-pages", null, false, null)));
    assertTrue(notRepo.getMessage().contains("not a git repository"), notRepo.getMessage());
    AtlasException badName = assertThrows(AtlasException.class,
        () -> Publisher.publish(new PublishOptions(site, work, "bad..name", null, false, null)));
    assertTrue(badName.getMessage().contains("not a valid branch name"), badName.getMessage());
  }

  @Test
  void aRemoteBranchMadeElsewhereBecomesTheParent() throws Exception {
    // Someone else published from another clone: our next publish builds on their commit.
    Path other = tmp.resolve("other-site");
    FakeSite.write(other);
    Files.writeString(other.resolve("robots.txt"), "User-agent: other\n");
    PublishResult theirs = Publisher.publish(new PublishOptions(other, bare, "gh-pages", null, false, null));
    PublishResult ours = Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", false, null));
    assertEquals(Outcome.PUBLISHED, ours.outcome());
    assertEquals(new PublishResult.Changes(0, 1, 0), ours.changes());
    assertEquals(theirs.commit(), git(bare, "rev-parse", "gh-pages^"));
    assertBranchHoldsExactly(bare, "gh-pages", withNojekyll(FakeSite.files()));
  }

  @Test
  void anUnchangedRemoteBranchIsNotRecommittedAndTheLocalBranchCatchesUp() throws Exception {
    PublishResult theirs = Publisher.publish(new PublishOptions(site, bare, "gh-pages", null, false, null));
    assertEquals("", tryGit(work, "rev-parse", "--verify", "-q", "refs/heads/gh-pages"));
    PublishResult ours = Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", false, null));
    assertEquals(Outcome.UNCHANGED, ours.outcome());
    assertEquals(theirs.commit(), ours.commit());
    assertEquals(theirs.commit(), git(bare, "rev-parse", "gh-pages"));
    assertEquals(theirs.commit(), git(work, "rev-parse", "refs/heads/gh-pages"));
  }

  @Test
  void aLocalCommitWhosePushFailedIsPushedNextTime() throws Exception {
    PublishResult local = Publisher.publish(new PublishOptions(site, work, "gh-pages", null, false, null));
    assertEquals("", tryGit(bare, "rev-parse", "--verify", "-q", "refs/heads/gh-pages"));
    PublishResult again = Publisher.publish(new PublishOptions(site, work, "gh-pages", "origin", false, null));
    assertEquals(Outcome.UNCHANGED, again.outcome());
    assertTrue(again.pushed());
    assertEquals(local.commit(), git(bare, "rev-parse", "gh-pages"));
  }

  private static Map<String, byte[]> withNojekyll(Map<String, byte[]> files) {
    Map<String, byte[]> all = new TreeMap<>(files);
    all.put(".nojekyll", new byte[0]);
    return all;
  }

  private static void assertBranchHoldsExactly(Path repo, String branch, Map<String, byte[]> expected) throws Exception {
    List<String> paths = new ArrayList<>(List.of(git(repo, "ls-tree", "-r", "--name-only", "--full-tree", branch).split("\n")));
    assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(paths));
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      assertArrayEquals(e.getValue(), gitBytes(repo, "cat-file", "blob", branch + ":" + e.getKey()), e.getKey());
    }
  }

  private static String git(Path dir, String... args) throws IOException, InterruptedException {
    return new String(gitBytes(dir, args), StandardCharsets.UTF_8).strip();
  }

  private static String tryGit(Path dir, String... args) throws IOException, InterruptedException {
    Process p = start(dir, args);
    byte[] out = p.getInputStream().readAllBytes();
    return p.waitFor() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : "";
  }

  private static byte[] gitBytes(Path dir, String... args) throws IOException, InterruptedException {
    Process p = start(dir, args);
    byte[] out = p.getInputStream().readAllBytes();
    int code = p.waitFor();
    if (code != 0) {
      throw new AssertionError("git " + String.join(" ", args) + " failed with " + code);
    }
    return out;
  }

  private static Process start(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("LC_ALL", "C");
    return pb.start();
  }
}
