package com.stm32mp.prelaunch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.stm32mp.prelaunch.bridge.Progress;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;

/** The monitor calls made from polled snapshots: every step once and in order, whatever the polls saw. */
class StepProgressTest {
    private static final List<Progress.Step> STEPS = List.of(new Progress.Step("config", "Configuration"),
            new Progress.Step("ssh", "SSH"), new Progress.Step("upload", "Upload"), new Progress.Step("verify", ""));

    static final class Calls extends NullProgressMonitor {
        final List<String> calls = new ArrayList<>();

        @Override
        public void subTask(String name) {
            calls.add(name);
        }

        @Override
        public void worked(int work) {
            calls.add("worked " + work);
        }
    }

    private static Progress snapshot(int started, int done, int percent, boolean finished) {
        return new Progress(STEPS.get(started - 1).id(), STEPS.get(started - 1).title(), done, STEPS.size(), percent,
                finished, STEPS.subList(0, started));
    }

    @Test
    void stepsThatRanBetweenTwoPollsAreStillAnnouncedInOrder() {
        Calls m = new Calls();
        StepProgress p = new StepProgress(m, 400);
        p.update(snapshot(1, 0, -1, false));
        p.update(snapshot(3, 2, 50, false));  // ssh began and ended between the polls; upload half done
        p.update(snapshot(4, 4, -1, true));   // upload's end and verify, after the last poll
        assertEquals(List.of("Step 1/4: Configuration", "Step 2/4: SSH", "Step 3/4: Upload", "Step 3/4: Upload (50%)",
                "worked 250", "Step 4/4: verify", "worked 150"), m.calls);
    }

    @Test
    void aRepeatedSnapshotAddsNothing() {
        Calls m = new Calls();
        StepProgress p = new StepProgress(m, 400);
        p.update(snapshot(2, 1, -1, false));
        p.update(snapshot(2, 1, -1, false));
        assertEquals(List.of("Step 1/4: Configuration", "Step 2/4: SSH", "worked 100"), m.calls);
    }
}
