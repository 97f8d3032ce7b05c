/**
 * Silent damage without any map: SOURCE's files compared byte for byte with their copies in the
 * alternates ({@code --cross-check}).
 * <ol>
 *   <li>{@link org.linkrescue.migrate.crosscheck.CrossCheck} walks SOURCE; for each regular inode
 *       (at its first path) each alternate offers its first candidate, found as the rescue finds
 *       them, of the same size and mtime;</li>
 *   <li>{@link org.linkrescue.migrate.crosscheck.BlockComparison} compares them block by block as
 *       the chunks come and keeps only disagreements: the range, who holds zeros, who agrees;</li>
 *   <li>{@link org.linkrescue.migrate.crosscheck.CrossCheckReport} lists them with every path of the
 *       inode, and what it cost (bytes read from SOURCE and from the alternates);</li>
 *   <li>for migrate and archive, {@link org.linkrescue.migrate.crosscheck.ZeroedBlocks} makes the
 *       blocks where SOURCE holds only zeros and a copy does not read as bad blocks: the rescue
 *       splices them from a copy that agrees with every other byte, or reports them lost.</li>
 * </ol>
 * It does NOT:
 * <ul>
 *   <li>tell which side is right where neither holds zeros: with one copy it only says they
 *       differ, with two it says which two agree; SOURCE's bytes are kept;</li>
 *   <li>compare an inode with no copy of the same size and mtime (counted, not compared), nor
 *       compare link structure or metadata (verify's business);</li>
 *   <li>read SOURCE only once: it is a pass of its own before the copy, so a migrate with it reads
 *       SOURCE twice.</li>
 * </ul>
 */
package org.linkrescue.migrate.crosscheck;
