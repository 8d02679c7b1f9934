package com.stm32mp.prelaunch.bridge;

/**
 * The whole native surface of the bridge, in one place (conscrypt's "choke point" idea).
 *
 * <p>Every value crosses as one JSON string; handles are opaque ids from a table on the native side,
 * so a zero, stale or forged id is detected and reported as {@link IllegalStateException} instead
 * of being dereferenced. Nothing here holds logic: {@link PreLaunch} and {@link CheckRun} wrap it.
 * The C++ side includes the header {@code javac -h} generates from this class, so a signature
 * mismatch fails the build.
 */
final class PreLaunchNative {
    /** Version of the JNI contract itself (the set and meaning of these natives). */
    static final int ABI_VERSION = 1;

    private PreLaunchNative() {}

    /** The JNI contract version the library was built for; compared with {@link #ABI_VERSION} at load. */
    static native int abiVersion();

    /** The engine version, e.g. "0.1.0"; compared with {@link BuildInfo#VERSION} at load. */
    static native String libraryVersion();

    /** Serial devices as JSON {"devices":[…]}; the request may be "{}" or carry dev_root/sysfs_root. */
    static native String devices(String requestJson);

    /** Starts a run on a native worker thread and returns its handle (never 0). */
    static native long start(String requestJson);

    /** Progress snapshot as JSON {"step_id","step_title","steps_done","steps_total","percent","finished","started":[{"id","title"}]}. */
    static native String progress(long handle);

    /** Asks the run to stop; returns at once. */
    static native void cancel(long handle);

    /** Waits up to timeoutMs; true once the run has finished. */
    static native boolean waitFor(long handle, long timeoutMs);

    /** The report JSON (schema_version 1); blocks until the run has finished. */
    static native String result(long handle);

    /** Cancels, joins and forgets the run; the handle is invalid afterwards. */
    static native void close(long handle);
}
