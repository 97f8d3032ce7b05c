/**
 * The tar format and compression; knows nothing of failing drives.
 *
 * <p>Writing: {@link org.linkrescue.archive.TarWriter} turns each {@link org.linkrescue.archive.Entry}
 * into a POSIX pax stream (ustar headers, a pax 'x' header only when a value does not fit),
 * wrapped by {@link org.linkrescue.archive.Compression#compress} when asked.
 * <ol>
 * <li>putEntry: names that fit go raw into the ustar fields; the rest, nanosecond mtimes, big
 *     sizes and ids, and {@code Entry.extra} go into pax records built as bytes
 *     ({@code hdrcharset=BINARY} when a pax name holds non-ASCII bytes).</li>
 * <li>write: exactly {@code size} data bytes; closeEntry pads to 512 and checks the count.</li>
 * <li>putLateRecords (only when needed): records of our namespace that became known while an
 *     entry's data streamed go into a pax global header right after that data
 *     ({@link org.linkrescue.archive.LateRecords}: why 'g', why "LINKRESCUE.late.*" keys).</li>
 * <li>finish: two zero blocks, padded to a 10240-byte record.</li>
 * </ol>
 * Reading: {@link org.linkrescue.archive.Compression#decompressDetected} (magic bytes, a pipe
 * is fine; read to the end of the compressed input, so a cut-short frame, stream or member is
 * a {@link org.linkrescue.archive.TarFormatException}), then
 * {@link org.linkrescue.archive.TarReader}: checksum of every header, pax (local and global),
 * GNU long names, ustar and v7, GNU sparse (old, pax 0.1 and 1.0) expanded with zeros in the
 * holes; late records go to the caller's listener, never into later entries. What one entry's
 * metadata may hold is bounded by {@link org.linkrescue.archive.ReadLimits}: an archive past
 * them is refused ({@link org.linkrescue.archive.LimitExceededException}) before the memory is
 * taken.
 *
 * <p>What this package does NOT guarantee:
 * <ul>
 * <li>Safety of names: the reader keeps absolute paths and ".." as the archive has them;
 *     refusing them is the extractor's job.</li>
 * <li>That other tools restore everything we write: GNU tar 1.34 warns about (and ignores)
 *     hdrcharset and our private keys, converts UTF-8 pax names to its locale's charset, and
 *     cannot extract paths over 4096 bytes; bsdtar 3.6.2 does not restore the mtime of "./".</li>
 * <li>atime, ctime, comment and charset records are read and dropped; GNU sparse pax 0.0,
 *     GNU dump directories, volume labels and multi-volume pieces are refused
 *     ({@link org.linkrescue.archive.UnsupportedEntryException}, recoverable).</li>
 * <li>That a reader keeps holes: {@code read} gives a sparse entry as the whole file, zeros in
 *     its holes; a caller that writes holes asks {@code skipHole} where the next data is.</li>
 * </ul>
 */
package org.linkrescue.archive;
