#!/usr/bin/python3
"""FaultFs: a read-only pass-through FUSE file system over a real directory whose calls can be
made to fail or stall, by rules a test sets and changes while it is mounted.

Run by org.linkrescue.testdata.FaultFs (Debian python3-fusepy; /usr/bin/python3):

    faultfs.py BACKING MOUNTPOINT [direct_io]

Control: one JSON command per line on stdin, one reply line on stdout ("ok", "ok N" or
"error TEXT"). "ready" is printed once, when the kernel has initialised the mount. End of stdin
releases every stall and unmounts.

    {"cmd": "add", "ops": ["read"], "path": "s/f", "glob": null, "start": 0, "end": 4096,
     "errno": 5, "stall": -1, "times": -1}                      -> ok ID
        ops: getattr opendir readdir open read readlink listxattr getxattr statfs
        path: relative to the root ("" is the root), exact; or glob: an fnmatch pattern
        (its * also matches /); neither: every path.
        start/end: for read, the bytes [start, end) a request must overlap (-1: any).
        stall: seconds to hold the call first (0: none, -1: until released).
        errno: 0 lets the call through (after any stall); else it fails with that errno.
        times: how many calls the rule hits (-1: every one).
    {"cmd": "remove", "id": ID}            -> ok (its stalled calls are released)
    {"cmd": "release", "id": ID | null}    -> ok (stalled calls go on; the rule stalls no more)
    {"cmd": "clear"}                       -> ok (every rule removed, every stall released)
    {"cmd": "count", "op": OP, "path": P | null}  -> ok N   (calls seen, faulted or not)
    {"cmd": "bytes", "path": P | null}     -> ok N   (bytes served by read)
    {"cmd": "stalled"}                     -> ok N   (calls being held right now)
    {"cmd": "reset"}                       -> ok     (counts to zero)

A read rule with an errno that a request starts before (direct_io only) is served short, up to
the rule's start, as a failing drive does (btrfs: a read that spans a bad block ends where the
block starts; only the next read fails). Without direct_io the kernel would take a short read
for the end of the file, so the whole request fails instead.

Names are bytes: fusepy decodes them as Latin-1 (one char per byte) and they are encoded back
before every system call; the control channel's JSON strings are the same Latin-1 chars.
"""
import errno
import fnmatch
import json
import os
import subprocess
import sys
import threading

import fusepy
from fusepy import FUSE, FuseOSError, Operations

ENC = 'latin-1'
OPS = ('getattr', 'opendir', 'readdir', 'open', 'read', 'readlink', 'listxattr', 'getxattr',
       'statfs')


class Rule:
    def __init__(self, rule_id, spec):
        self.id = rule_id
        self.ops = set(spec['ops'])
        unknown = self.ops - set(OPS)
        if unknown:
            raise ValueError('unknown ops: %s' % sorted(unknown))
        self.path = spec.get('path')
        self.glob = spec.get('glob')
        self.start = spec.get('start', -1)
        self.end = spec.get('end', -1)
        self.errno = spec.get('errno', 0)
        self.stall = spec.get('stall', 0)
        self.times = spec.get('times', -1)
        self.released = threading.Event()

    def matches(self, op, path, offset, size):
        if op not in self.ops or self.times == 0:
            return False
        if self.path is not None and path != self.path:
            return False
        if self.glob is not None and not fnmatch.fnmatchcase(path, self.glob):
            return False
        if op == 'read' and self.start >= 0:
            end = self.end if self.end >= 0 else float('inf')
            if offset + size <= self.start or offset >= end:
                return False
        return True


class Faults:
    """The rules and the counts, shared by the FUSE threads and the control thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.everyRule = []
        self.next_id = 1
        self.counts = {}
        self.bytes = {}
        self.held = 0

    def add(self, spec):
        with self.lock:
            rule = Rule(self.next_id, spec)
            self.next_id += 1
            self.rules.append(rule)
            self.everyRule.append(rule)
            return rule.id

    def remove(self, rule_id):
        with self.lock:
            for rule in self.rules:
                if rule.id == rule_id:
                    self.rules.remove(rule)
                    rule.released.set()
                    return
        raise ValueError('no rule %d' % rule_id)

    def release(self, rule_id):
        with self.lock:
            for rule in self.everyRule:
                if rule_id is None or rule.id == rule_id:
                    rule.released.set()

    def clear(self):
        with self.lock:
            self.rules = []
            for rule in self.everyRule:
                rule.released.set()

    def count(self, op, path):
        with self.lock:
            return sum(n for (o, p), n in self.counts.items()
                       if o == op and (path is None or p == path))

    def served(self, path):
        with self.lock:
            return sum(n for p, n in self.bytes.items() if path is None or p == path)

    def stalled(self):
        with self.lock:
            return self.held

    def reset(self):
        with self.lock:
            self.counts.clear()
            self.bytes.clear()

    def enter(self, op, path, offset=0, size=0):
        """Counts the call and applies the first rule that matches: returns that rule (its errno
        still to be raised by the caller, who may serve a short read first) or None."""
        with self.lock:
            key = (op, path)
            self.counts[key] = self.counts.get(key, 0) + 1
            rule = next((r for r in self.rules if r.matches(op, path, offset, size)), None)
            if rule is None:
                return None
            if rule.times > 0:
                rule.times -= 1
            stall = rule.stall and not rule.released.is_set()
            if stall:
                self.held += 1
        if stall:
            try:
                rule.released.wait(None if rule.stall < 0 else rule.stall)
            finally:
                with self.lock:
                    self.held -= 1
        return rule if rule.errno else None

    def served_bytes(self, path, n):
        with self.lock:
            self.bytes[path] = self.bytes.get(path, 0) + n


class FaultOps(Operations):
    use_ns = True

    def __init__(self, backing, faults, direct_io, ready):
        self.backing = os.fsencode(backing)
        self.faults = faults
        self.direct_io = direct_io
        self.ready = ready

    def init(self, path):
        self.ready()

    def _real(self, path):
        return self.backing + path.encode(ENC)

    def _check(self, op, path):
        rel = path[1:] if path.startswith('/') else path
        rule = self.faults.enter(op, rel)
        if rule is not None:
            raise FuseOSError(rule.errno)

    def getattr(self, path, fh=None):
        self._check('getattr', path)
        st = os.fstat(fh) if fh is not None else os.lstat(self._real(path))
        return {
            'st_mode': st.st_mode, 'st_ino': st.st_ino, 'st_nlink': st.st_nlink,
            'st_uid': st.st_uid, 'st_gid': st.st_gid, 'st_size': st.st_size,
            'st_rdev': st.st_rdev, 'st_blocks': st.st_blocks, 'st_blksize': st.st_blksize,
            'st_atime': st.st_atime_ns, 'st_mtime': st.st_mtime_ns, 'st_ctime': st.st_ctime_ns,
        }

    def opendir(self, path):
        self._check('opendir', path)
        if not os.path.isdir(self._real(path)):
            raise FuseOSError(errno.ENOTDIR)
        return 0

    def readdir(self, path, fh):
        self._check('readdir', path)
        names = os.listdir(self._real(path))
        return ['.', '..'] + [n.decode(ENC) for n in names]

    def open(self, path, flags):
        self._check('open', path)
        if flags & os.O_ACCMODE != os.O_RDONLY:
            raise FuseOSError(errno.EROFS)
        return os.open(self._real(path), os.O_RDONLY | os.O_NOFOLLOW)

    def read(self, path, size, offset, fh):
        rel = path[1:]
        rule = self.faults.enter('read', rel, offset, size)
        if rule is not None:
            if self.direct_io and offset < rule.start:
                data = os.pread(fh, rule.start - offset, offset)
                self.faults.served_bytes(rel, len(data))
                return data
            raise FuseOSError(rule.errno)
        data = os.pread(fh, size, offset)
        self.faults.served_bytes(rel, len(data))
        return data

    def release(self, path, fh):
        os.close(fh)
        return 0

    def readlink(self, path):
        self._check('readlink', path)
        return os.readlink(self._real(path)).decode(ENC)

    def listxattr(self, path):
        self._check('listxattr', path)
        names = os.listxattr(self._real(path), follow_symlinks=False)
        return [os.fsencode(n).decode(ENC) for n in names]

    def getxattr(self, path, name, position=0):
        self._check('getxattr', path)
        return os.getxattr(self._real(path), name.encode(ENC), follow_symlinks=False)

    def statfs(self, path):
        self._check('statfs', path)
        sv = os.statvfs(self._real(path))
        return {k: getattr(sv, k) for k in (
            'f_bsize', 'f_frsize', 'f_blocks', 'f_bfree', 'f_bavail', 'f_files', 'f_ffree',
            'f_favail', 'f_flag', 'f_namemax')}


class Control:
    """Reads commands from stdin and answers on stdout; unmounts at end of input."""

    def __init__(self, faults, mountpoint):
        self.faults = faults
        self.mountpoint = mountpoint
        self.out_lock = threading.Lock()

    def say(self, line):
        with self.out_lock:
            sys.stdout.write(line + '\n')
            sys.stdout.flush()

    def run(self):
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                self.say(self.answer(json.loads(line)))
            except Exception as e:  # the test gets the reason and the fs stays up
                self.say('error %s: %s' % (type(e).__name__, str(e).replace('\n', ' ')))
        self.faults.clear()
        subprocess.run(['fusermount', '-u', '-z', self.mountpoint], stderr=subprocess.DEVNULL)

    def answer(self, c):
        f = self.faults
        cmd = c['cmd']
        if cmd == 'add':
            return 'ok %d' % f.add(c)
        if cmd == 'remove':
            f.remove(c['id'])
            return 'ok'
        if cmd == 'release':
            f.release(c.get('id'))
            return 'ok'
        if cmd == 'clear':
            f.clear()
            return 'ok'
        if cmd == 'count':
            return 'ok %d' % f.count(c['op'], c.get('path'))
        if cmd == 'bytes':
            return 'ok %d' % f.served(c.get('path'))
        if cmd == 'stalled':
            return 'ok %d' % f.stalled()
        if cmd == 'reset':
            f.reset()
            return 'ok'
        raise ValueError('unknown command ' + cmd)


def main():
    backing, mountpoint = sys.argv[1], sys.argv[2]
    direct_io = 'direct_io' in sys.argv[3:]
    faults = Faults()
    control = Control(faults, mountpoint)
    threading.Thread(target=control.run, daemon=True, name='control').start()
    options = dict(foreground=True, ro=True, fsname='faultfs', use_ino=True,
                   attr_timeout=0, entry_timeout=0, negative_timeout=0)
    if direct_io:
        options['direct_io'] = True
    FUSE(FaultOps(backing, faults, direct_io, lambda: control.say('ready')), mountpoint,
         encoding=ENC, **options)


if __name__ == '__main__':
    main()
