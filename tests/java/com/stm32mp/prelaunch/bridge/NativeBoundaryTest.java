package com.stm32mp.prelaunch.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every native of the choke-point class, given null, zero, closed and forged handles, must raise a
 * Java exception (never crash the JVM, never return garbage). Runs under -Xcheck:jni (see
 * tests/java/CMakeLists.txt), so JNI misuse on these paths aborts the test run loudly.
 */
class NativeBoundaryTest {
    @BeforeAll
    static void libraryLoads() {
        assertTrue(PreLaunch.isAvailable(), () -> "native library not loaded: " + PreLaunch.loadError());
    }

    private static List<Method> natives() {
        List<Method> out = new ArrayList<>();
        for (Method m : PreLaunchNative.class.getDeclaredMethods()) {
            if (Modifier.isNative(m.getModifiers())) {
                m.setAccessible(true);
                out.add(m);
            }
        }
        return out;
    }

    /** Invokes m with one "bad" value per parameter type; returns the Java exception it raised. */
    private static Throwable invokeExpectingThrow(Method m, Object handleValue, Object stringValue) {
        Object[] args = Arrays.stream(m.getParameterTypes())
                .map(t -> t == long.class ? handleValue : t == String.class ? stringValue : null)
                .toArray();
        // waitFor(handle, timeout): the second long is a valid timeout so only the handle is bad.
        if (m.getName().equals("waitFor")) {
            args[1] = 10L;
        }
        try {
            Object result = m.invoke(null, args);
            fail(m.getName() + Arrays.toString(args) + " returned " + result + " instead of throwing");
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyNativeIsCovered() {
        List<String> names = natives().stream().map(Method::getName).sorted().toList();
        assertEquals(List.of("abiVersion", "cancel", "close", "devices", "libraryVersion", "progress", "result",
                "start", "waitFor"), names, "a native was added or removed: extend this test");
    }

    @Test
    void handshakeValues() {
        assertEquals(PreLaunchNative.ABI_VERSION, PreLaunchNative.abiVersion());
        assertEquals(BuildInfo.VERSION, PreLaunchNative.libraryVersion());
        assertEquals(BuildInfo.VERSION, PreLaunch.version());
    }

    @Test
    void nullStringsThrowNullPointerException() {
        for (Method m : natives()) {
            if (Arrays.asList(m.getParameterTypes()).contains(String.class)) {
                Throwable t = invokeExpectingThrow(m, 0L, null);
                assertInstanceOf(NullPointerException.class, t, m.getName());
            }
        }
    }

    @Test
    void zeroForgedAndClosedHandlesThrowIllegalState() {
        long closed;
        try (CheckRun run = PreLaunch.start("{\"only\":[\"config\"]}")) {
            closed = handleOf(run);
            run.reportJson();
        }
        for (long bad : new long[] {0L, -1L, Long.MAX_VALUE, closed}) {
            for (Method m : natives()) {
                if (Arrays.asList(m.getParameterTypes()).contains(long.class)) {
                    Throwable t = invokeExpectingThrow(m, bad, "{}");
                    assertInstanceOf(IllegalStateException.class, t, m.getName() + "(" + bad + "): " + t);
                }
            }
        }
    }

    @Test
    void negativeTimeoutIsRefused() {
        try (CheckRun run = PreLaunch.start("{\"only\":[\"config\"]}")) {
            assertThrows(IllegalArgumentException.class, () -> PreLaunchNative.waitFor(handleOf(run), -5));
        }
    }

    @Test
    void malformedRequestsThrowRequestExceptionWithCode() {
        for (String bad : new String[] {"", "not json", "[1,2]", "{\"port\":\"twenty-two\"}", "{\"no_such_option\":1}"}) {
            RequestException e = assertThrows(RequestException.class, () -> PreLaunch.start(bad).close(), bad);
            // Request codes are the registry's REQ ids (native/core/codes/request.def), distinct from an internal error.
            assertTrue(e.code().matches("REQ[0-9]{3}"), bad + " gave code " + e.code());
        }
    }

    @Test
    void javaHandleCloseIsIdempotentAndLaterCallsThrow() {
        CheckRun run = PreLaunch.start("{\"only\":[\"config\"]}");
        run.close();
        run.close();
        assertTrue(run.isClosed());
        assertThrows(IllegalStateException.class, run::progress);
        assertThrows(IllegalStateException.class, run::cancel);
        assertThrows(IllegalStateException.class, run::reportJson);
        assertThrows(IllegalStateException.class, () -> run.waitFor(Duration.ofMillis(1)));
    }

    @Test
    void unicodeSurvivesTheBoundary() {
        // A path outside the BMP must not break the JNI string conversion (modified UTF-8 pitfall).
        String path = "/tmp/\uD83D\uDE80-firmware-\u00e9.bin";
        try (CheckRun run = PreLaunch.start("{\"signed\":\"" + path + "\",\"only\":[\"config\",\"image\"]}")) {
            String report = run.reportJson();
            // Where the engine echoes the path, it must come back exactly (gson unescapes \\u sequences).
            String echoed = com.stm32mp.prelaunch.model.Report.parse(report).steps.stream()
                    .flatMap(s -> s.observed.values().stream()).filter(v -> v.contains("firmware-")).findFirst().orElse(path);
            assertTrue(echoed.contains(path), echoed);
        }
    }

    static long handleOf(CheckRun run) {
        try {
            java.lang.reflect.Field state = CheckRun.class.getDeclaredField("state");
            state.setAccessible(true);
            Object s = state.get(run);
            java.lang.reflect.Field handle = s.getClass().getDeclaredField("handle");
            handle.setAccessible(true);
            return ((java.util.concurrent.atomic.AtomicLong) handle.get(s)).get();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
