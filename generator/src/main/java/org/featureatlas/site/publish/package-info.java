/**
 * {@code atlas publish}: commits a built site to a GitHub Pages branch with git plumbing (a
 * temporary index, never the user's working tree or index), after a link check; an unchanged
 * site makes no commit; optionally pushes the branch to a remote.
 */
package org.featureatlas.site.publish;
