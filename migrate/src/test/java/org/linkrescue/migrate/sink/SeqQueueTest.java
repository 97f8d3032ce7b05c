package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A lane's entry numbers, oldest first, however many are held and wherever the oldest sits. */
class SeqQueueTest {
    @Test
    void t01_numbersComeOutInTheOrderGivenAcrossGrowing() {
        SeqQueue q = new SeqQueue();
        long in = 0, out = 0;
        for (int round = 0; round < 4; round++) {
            for (int k = 0; k < 700; k++) q.addLast(in++);
            for (int k = 0; k < 450; k++, out++) {
                assertEquals(out, q.peekFirst());
                q.pollFirst();
            }
        }
        while (!q.isEmpty()) {
            assertEquals(out++, q.peekFirst());
            q.pollFirst();
        }
        assertEquals(in, out);
        assertTrue(q.isEmpty());
        assertThrows(IllegalStateException.class, q::peekFirst);
    }
}
