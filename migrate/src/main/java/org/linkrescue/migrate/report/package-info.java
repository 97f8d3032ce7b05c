/**
 * What a run tells its user: every problem as it happens, the totals, and a JSON report.
 * <ol>
 *   <li>{@link org.linkrescue.migrate.report.ProblemLog} is the run's one
 *       {@link org.linkrescue.migrate.stream.Problems}: a line on stderr per problem, counts by
 *       grade, and the list the report needs;</li>
 *   <li>{@link org.linkrescue.migrate.report.RunTotals} counts what went through the sink
 *       (written by the sink's thread, read by the progress display);</li>
 *   <li>{@link org.linkrescue.migrate.report.RunReport} writes the {@code --report} JSON and
 *       {@link org.linkrescue.migrate.report.Summary} the one closing line.</li>
 * </ol>
 * It does not decide exit codes (the cli does, from {@link org.linkrescue.migrate.report.Outcome})
 * and keeps at most {@link org.linkrescue.migrate.report.ProblemLog#KEPT} problems in memory for
 * the report; every one of them is printed and counted.
 */
package org.linkrescue.migrate.report;
