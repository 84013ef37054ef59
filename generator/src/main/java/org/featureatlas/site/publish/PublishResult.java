package org.featureatlas.site.publish;

/**
 * What {@code publish} did. {@code commit} is the branch's commit after publishing (the new one,
 * or the unchanged tip; null when a dry run would create the branch). {@code note} is a remark for
 * the user or null.
 */
public record PublishResult(Outcome outcome, String branch, String commit, int files, Changes changes,
    boolean pushed, String note) {

  public enum Outcome {
    /** A new commit was made (and pushed when a remote was given). */
    PUBLISHED,
    /** The branch already holds exactly this site: no commit. */
    UNCHANGED,
    /** Dry run: a commit would be made. */
    WOULD_PUBLISH
  }

  /** Files added, changed and removed relative to the branch tip. */
  public record Changes(int added, int changed, int removed) {
    public boolean none() {
      return added == 0 && changed == 0 && removed == 0;
    }

    @Override
    public String toString() {
      return "+" + added + " ~" + changed + " -" + removed;
    }
  }
}
