package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScanCommandTest {
    Path dir, src;

    @BeforeEach void tree() throws Exception {
        dir = CliTestSupport.scratch();
        src = dir.resolve("src");
        Path s1 = Files.createDirectories(src.resolve("2024-01-01"));
        Files.write(s1.resolve("shared"), new byte[1000]);
        CliTestSupport.sh(src, "sh", "-c", "cp -al 2024-01-01 2024-01-02 && echo new > 2024-01-02/new");
    }

    @AfterEach void clean() throws Exception { CliTestSupport.remove(dir); }

    @Test void t01_anInventoryOnStdoutAndInJson_exit0() throws Exception {
        Path json = dir.resolve("s.json");
        CliTestSupport.Result r = CliTestSupport.run("scan", src.toString(), "--read-test", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        String out = r.outText();
        assertTrue(out.startsWith("scan: 6 paths (5 inodes, 1 hard link): 2 files, 3 directories, "), out);
        assertTrue(out.contains("inodes by link count: 1:4  2:1"), out);
        assertTrue(out.contains("read test: 2 inodes read"), out);
        String j = Files.readString(json, StandardCharsets.UTF_8);
        assertTrue(j.contains("{\"name\":\"2024-01-02\",\"paths\":3,\"inodes\":3,\"newInodes\":2,\"newBytes\":4,\"bytes\":1004}"), j);
        assertTrue(j.contains("\"damaged\":[]") && j.contains("\"exitCode\":0"), j);
    }

    @Test void t02_usageErrorsExit2_missingSourceExit1() {
        assertEquals(2, CliTestSupport.run("scan").code());
        assertEquals(2, CliTestSupport.run("scan", src.toString(), "--snapshot-depth", "-1").code());
        CliTestSupport.Result r = CliTestSupport.run("scan", dir.resolve("none").toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
