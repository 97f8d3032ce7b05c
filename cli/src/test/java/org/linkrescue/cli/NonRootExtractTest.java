package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linkrescue.testdata.Commands;

/**
 * extract as an ordinary user (nobody, umask 022), GNU tar the reference (issue 17.6, 17.7):
 * without -p the umask applies and setuid, setgid and sticky bits are dropped, exactly as GNU
 * tar leaves them; with -p every bit is kept as tar -p keeps it. Devices a non-root user cannot
 * make are FAILED, the exit is 3, and the summary counts what was made.
 */
class NonRootExtractTest {
    static Path dir;

    @BeforeAll
    static void archive() throws Exception {
        assumeTrue(Commands.isRoot(), "needs root: builds devices and runs extract as nobody (CI runs as root)");
        dir = CliTestSupport.scratch();
        Commands.bash(dir, """
                mkdir -p src/d2777 src/d1777 src/d0700 && touch src/f6755 src/f0666 src/f4711 src/f0600 src/f1755 src/f2750 src/d2777/x
                chmod 6755 src/f6755; chmod 0666 src/f0666; chmod 4711 src/f4711; chmod 600 src/f0600; chmod 1755 src/f1755
                chmod 2750 src/f2750; chmod 2777 src/d2777; chmod 1777 src/d1777; chmod 700 src/d0700
                mknod src/null c 1 3 && mknod src/loop b 7 250 && mkfifo src/fifo
                tar -cf m.tar -C src . && chmod 755 . && chmod 644 m.tar
                for d in gnu gnu-p lr lr-p; do mkdir $d && chown nobody $d; done
                setpriv --reuid nobody --regid nogroup --clear-groups sh -c 'umask 022; tar -xf m.tar -C gnu; tar -xpf m.tar -C gnu-p' || true
                """);
    }

    @AfterAll static void remove() throws Exception { CliTestSupport.remove(dir); }

    /** find's "%m %y %p" of everything but the devices (GNU tar could not make those either). */
    static String modes(String tree) {
        return new String(Commands.bash(dir.resolve(tree), "find . ! -type c ! -type b -printf '%m %y %p\\n' | sort -k3"));
    }

    ChildRun.Result extract(String tree, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("extract", "-f", dir.resolve("m.tar").toString(),
                "-C", dir.resolve(tree).toString(), "--allow-existing"));
        args.addAll(List.of(more));
        return new ChildRun().asNobody().run(dir, args.toArray(String[]::new));
    }

    @Test
    void t01_asAnOrdinaryUserTheUmaskAppliesAndSetIdAndStickyBitsGoAsGnuTarDoes() throws Exception {
        ChildRun.Result r = extract("lr");
        assertEquals(modes("gnu"), modes("lr"));
        assertTrue(modes("lr").contains("755 f ./f6755"), modes("lr"));
        assertTrue(modes("lr").contains("644 f ./f0666"), modes("lr"));
        assertTrue(modes("lr").contains("755 d ./d2777"), modes("lr"));
        assertEquals(3, r.code(), "two devices not made: " + r.err());
        assertEquals(2, r.err().lines().filter(l -> l.startsWith("linkrescue: FAILED ") && l.endsWith(": device not created: not root")).count(), r.err());
        assertTrue(r.err().contains(" 11 paths (11 inodes, 0 hard links): 7 files, 3 directories, 1 special file, 0 B; 2 FAILED"), "what was made: " + r.err());
    }

    @Test
    void t02_withSamePermissionsEveryBitIsKeptAsTarP() throws Exception {
        ChildRun.Result r = extract("lr-p", "-p");
        assertEquals(modes("gnu-p"), modes("lr-p"));
        assertTrue(modes("lr-p").contains("6755 f ./f6755"), modes("lr-p"));
        assertTrue(modes("lr-p").contains("1777 d ./d1777"), modes("lr-p"));
        assertEquals(3, r.code(), r.err());
    }
}
