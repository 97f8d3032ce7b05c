package org.linkrescue.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A status line made of parts, each with a rank: on a narrow terminal the parts ranked last go
 * first, so what is shown always fits on one line (a line longer than the terminal wraps, and
 * the next redraw, which only clears its own line, leaves the wrapped part behind).
 */
final class StatusParts {
    private record Part(String text, int rank, int order) {}

    private final List<Part> parts = new ArrayList<>();

    /** Adds a part; rank 0 is kept longest. Parts show in the order added. */
    StatusParts add(int rank, String text) {
        if (text != null && !text.isEmpty()) parts.add(new Part(text, rank, parts.size()));
        return this;
    }

    /** The parts that fit in columns - 1 (the last column would wrap on some terminals), two spaces apart. */
    String fit(int columns) {
        int room = Math.max(1, columns - 1);
        List<Part> kept = new ArrayList<>(parts);
        while (true) {
            String line = join(kept);
            if (line.length() <= room || kept.size() <= 1) return line.length() <= room ? line : line.substring(0, room);
            Part worst = kept.get(0);
            for (Part p : kept) if (p.rank() >= worst.rank()) worst = p;
            kept.remove(worst);
        }
    }

    private static String join(List<Part> ps) {
        StringBuilder sb = new StringBuilder();
        for (Part p : ps) {
            if (sb.length() > 0) sb.append("  ");
            sb.append(p.text());
        }
        return sb.toString();
    }

    static String eta(long seconds) {
        return String.format(Locale.ROOT, "ETA %d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /**
     * "ETA 0:01:23"; while nothing has been done for a few seconds (the drive holds a read), how
     * long that has been instead, which is what a user watching a dying drive needs to see.
     */
    static String timeLeft(long idleSeconds, long etaSeconds) {
        if (idleSeconds >= 3) return String.format(Locale.ROOT, "waiting %d:%02d:%02d", idleSeconds / 3600, idleSeconds / 60 % 60, idleSeconds % 60);
        return etaSeconds >= 0 ? eta(etaSeconds) : null;
    }

    static String percent(double done) {
        return String.format(Locale.ROOT, "%d%%", (int) Math.min(99, Math.max(0, Math.floor(done * 100))));
    }
}
