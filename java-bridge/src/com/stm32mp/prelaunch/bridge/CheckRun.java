package com.stm32mp.prelaunch.bridge;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One pre-launch run running on a native worker thread. Poll {@link #progress()}, {@link #cancel()}
 * at will, read {@link #reportJson()}, and always {@link #close()} (idempotent; a Cleaner closes a
 * forgotten handle as a safety net only).
 */
public final class CheckRun implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** Shared with the cleaner action, which must not reference the CheckRun itself. */
    private static final class State implements Runnable {
        final AtomicLong handle;

        State(long handle) {
            this.handle = new AtomicLong(handle);
        }

        @Override
        public void run() {
            long h = handle.getAndSet(0);
            if (h != 0) {
                PreLaunchNative.close(h);
            }
        }
    }

    private final State state;
    private final Cleaner.Cleanable cleanable;

    CheckRun(long handle) {
        this.state = new State(handle);
        this.cleanable = CLEANER.register(this, state);
    }

    private long handle() {
        long h = state.handle.get();
        if (h == 0) {
            throw new IllegalStateException("this pre-launch run is already closed");
        }
        return h;
    }

    public Progress progress() {
        return Progress.parse(PreLaunchNative.progress(handle()));
    }

    /** Asks the run to stop; returns at once (the run ends within half a second). */
    public void cancel() {
        PreLaunchNative.cancel(handle());
    }

    /** True once the run has finished. */
    public boolean waitFor(Duration timeout) {
        return PreLaunchNative.waitFor(handle(), Math.max(0, timeout.toMillis()));
    }

    /** The report JSON (schema_version 1); blocks until the run finishes. */
    public String reportJson() {
        return PreLaunchNative.result(handle());
    }

    public boolean isClosed() {
        return state.handle.get() == 0;
    }

    @Override
    public void close() {
        cleanable.clean();
    }
}
