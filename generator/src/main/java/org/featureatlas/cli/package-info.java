/** The picocli command line: one class per subcommand, no logic beyond wiring. */
package org.featureatlas.cli;
