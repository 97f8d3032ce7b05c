package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.scan.LinkTable;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.ContentSource;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Turns a scan into the entry stream: every path becomes an entry; a file's data is opened from
 * the content source at the first path of its inode only; every later path of an inode (file,
 * symlink, FIFO or device) becomes a hard link to the first. When the first path cannot be opened, the inode is marked failed
 * and each later path is reported instead of being linked to nothing.
 */
final class SourceStream implements TreeScanner.Visitor {
    private final EntryMaker maker = new EntryMaker();
    private final LinkTable links = new LinkTable();
    private final org.linkrescue.migrate.read.XattrReader xattrs;
    private final ContentSource source;
    private final ReadAhead out;
    private final Problems problems;

    SourceStream(ContentSource source, ReadAhead out, Problems problems) {
        this.source = source;
        this.out = out;
        this.problems = problems;
        this.xattrs = new org.linkrescue.migrate.read.XattrReader(problems);
    }

    @Override
    public void visit(ScannedPath p) throws IOException {
        Entry e = maker.make(p);
        if (e == null) {
            problems.report(Grade.WARN, p.path(), "socket ignored");
            return;
        }
        Stat st = p.stat();
        // Every non-directory may have links: cp -al links symlinks, FIFOs and devices as well.
        if (e.type() != EntryType.DIRECTORY && st.nlink() > 1) {
            byte[] first = links.link(st.devId(), st.ino(), st.nlink(), e.path());
            if (first == LinkTable.FAILED) {
                problems.report(Grade.FAILED, p.path(), "not archived: its inode could not be read");
                out.laterPathOfUnreadInode(st.devId(), st.ino(), e.path());
                return;
            }
            if (first != null) {
                out.acceptLaterPath(e.asHardLinkTo(first), st.devId(), st.ino());
                return;
            }
        }
        // Only the first path of an inode gets here: hard links share its attributes.
        e = xattrs.attach(e, p.parentFd(), p.name());
        if (e.type() != EntryType.FILE) {
            out.accept(e, null);
            return;
        }
        Content c;
        try {
            c = source.open(p.path(), p.parentFd(), p.name(), st);
        } catch (ContentSource.Reported ex) {
            failed(p, st, null); // the source said it already
            return;
        } catch (PosixException ex) {
            failed(p, st, ex.call() + ": " + ex.reason());
            return;
        } catch (IOException ex) {
            failed(p, st, ex.getMessage());
            return;
        }
        out.acceptFile(e, c, st.ino());
    }

    /** @param why the one line to report, or null when the content source reported it */
    private void failed(ScannedPath p, Stat st, String why) {
        if (why != null) problems.report(Grade.FAILED, p.path(), why);
        if (st.nlink() > 1) links.markFailed(st.devId(), st.ino());
    }

    long peakOpenInodes() { return links.peakOpenInodes(); }
}
