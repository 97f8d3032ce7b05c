package org.linkrescue.testdata;

/** How big the generated regular files are (the script's --sizes). */
public enum SizeDistribution {
    /** 0..1 KiB: many paths, little data (the 1,000,000-path memory run). */
    TINY("tiny"),
    /** 0..8 KiB, mean 4 KiB: a link farm of small files only, all metadata work (bench/run's metadata tree). */
    META("meta"),
    /** 70 % up to 4 KiB, 20 % up to 64 KiB, 10 % from 64 KiB + 1 to 256 KiB (btrfs does not inline those). */
    SMALL("small"),
    /** Mean about 148 KB: 20 snapshots x 10,000 files hold about 2.4 GB of unique data (issue 6). */
    BENCH("bench");

    final String scriptName;

    SizeDistribution(String scriptName) {
        this.scriptName = scriptName;
    }
}
