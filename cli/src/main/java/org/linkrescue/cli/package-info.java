/**
 * The command line: picocli commands, each a few lines handing off to {@code migrate}.
 * <ol>
 *   <li>{@link org.linkrescue.cli.Main} checks the Latin-1 locale (or refuses to start), lists
 *       the commands (one registration line each) and maps every outcome and exception to an
 *       exit code through {@link org.linkrescue.cli.ExitCodes}: 0 complete, 3 something not
 *       saved, 1 fatal, 2 usage;</li>
 *   <li>a run command builds a {@link org.linkrescue.cli.Session} (problem log, totals,
 *       progress line on a terminal), the rescue content source ({@link org.linkrescue.cli.Sources},
 *       options from {@link org.linkrescue.cli.RescueMixin}) and the sinks, runs the pipeline,
 *       and ends with the summary line, the --report JSON and the exit code;</li>
 *   <li>{@code demo} builds a snapshot farm the way backups are made, migrates it, counts
 *       inodes before and after, and shows a rescue on simulated bad blocks.</li>
 * </ol>
 * Arguments are Latin-1 Strings standing for raw bytes ({@link org.linkrescue.cli.Args}); text
 * with real Unicode (display names) goes out through UTF-8 streams. With {@code -f -} the
 * archive owns stdout and nothing else is written there. SIGINT and SIGTERM stop a run at an
 * entry boundary ({@link org.linkrescue.cli.Signals}); --resume goes on from the rescue map
 * ({@link org.linkrescue.cli.MapRun}). It does NOT retry a fatal run by itself.
 */
package org.linkrescue.cli;
