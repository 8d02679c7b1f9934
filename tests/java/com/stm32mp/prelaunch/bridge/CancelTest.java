package com.stm32mp.prelaunch.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.stm32mp.prelaunch.model.Report;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cancel stops a run within half a second. The run is held in the ssh step by a real loopback TCP
 * server that accepts and never sends an SSH banner, so the engine is genuinely blocked on I/O.
 */
class CancelTest {
    @Test
    void cancelStopsABlockedRunWithinHalfASecond() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // server closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();

            JsonObject request = new JsonObject();
            request.addProperty("host", "127.0.0.1");
            request.addProperty("port", silent.getLocalPort());
            request.addProperty("user", "root");
            request.addProperty("timeout_ms", 30000);
            try (CheckRun run = PreLaunch.start(request.toString())) {
                Progress p = waitForStep(run, "ssh", Duration.ofSeconds(15));
                assertFalse(p.finished, "the run finished before it blocked in the ssh step: " + p);
                Thread.sleep(200);  // let the engine sit in its blocking read
                assertFalse(run.waitFor(Duration.ZERO), "a silent server must keep the ssh step busy");

                long t0 = System.nanoTime();
                run.cancel();
                boolean finished = run.waitFor(Duration.ofMillis(500));
                long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(finished, "run still busy " + elapsedMs + " ms after cancel");
                System.out.println("[cancel] run ended " + elapsedMs + " ms after cancel");

                Report report = Report.parse(run.reportJson());
                assertFalse(report.ok, "a cancelled run is never ok");
                assertTrue(report.steps.stream().anyMatch(s -> "skipped".equals(s.status)),
                        "steps after the cancel point are reported as skipped");
                assertTrue(run.progress().finished);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void closeWithoutWaitingCancelsAndReturnsQuickly() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            JsonObject request = new JsonObject();
            request.addProperty("host", "127.0.0.1");
            request.addProperty("port", silent.getLocalPort());
            request.addProperty("timeout_ms", 30000);
            CheckRun run = PreLaunch.start(request.toString());
            Thread.sleep(100);
            long t0 = System.nanoTime();
            run.close();
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(elapsedMs < 1000, "close took " + elapsedMs + " ms");
            assertTrue(run.isClosed());
        }
    }

    @Test
    void closeFromAnotherThreadReleasesAThreadBlockedInResult() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            JsonObject request = new JsonObject();
            request.addProperty("host", "127.0.0.1");
            request.addProperty("port", silent.getLocalPort());
            request.addProperty("timeout_ms", 30000);
            CheckRun run = PreLaunch.start(request.toString());
            java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    outcome.set(run.reportJson());
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            reader.start();
            Thread.sleep(300);
            assertTrue(reader.isAlive(), "result() should block while the run is busy");
            run.close();  // removes the handle and cancels; the reader keeps its reference to the run
            reader.join(2000);
            assertFalse(reader.isAlive(), "reader still blocked after close");
            assertTrue(outcome.get() instanceof String, "reader got " + outcome.get());
            assertFalse(Report.parse((String) outcome.get()).ok, "a cancelled run is never ok");
        }
    }

    static Progress waitForStep(CheckRun run, String stepId, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Progress p = run.progress();
        while (System.nanoTime() < deadline && !p.finished && !stepId.equals(p.stepId)) {
            Thread.sleep(20);
            p = run.progress();
        }
        assertEquals(stepId, p.stepId, "never reached step " + stepId + ": " + p);
        return p;
    }
}
