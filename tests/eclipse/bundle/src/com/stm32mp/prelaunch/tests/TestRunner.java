package com.stm32mp.prelaunch.tests;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal test runner for the in-Equinox tests (JUnit's launcher is not an OSGi bundle in Debian):
 * runs named checks, prints PASS/FAIL with the reason, and the closing "N passed, N failed" line.
 */
final class TestRunner {
    interface Check {
        void run() throws Exception;
    }

    private final List<String> failures = new ArrayList<>();
    private int passed;

    void test(String name, Check check) {
        long t0 = System.nanoTime();
        try {
            check.run();
            passed++;
            System.out.printf("PASS %s (%d ms)%n", name, (System.nanoTime() - t0) / 1_000_000);
        } catch (Throwable t) {
            failures.add(name);
            System.out.printf("FAIL %s: %s%n", name, t);
            t.printStackTrace(System.out);
        }
        System.out.flush();
    }

    /** Prints the closing line; returns the exit code (0 only when every check passed). */
    int finish() {
        System.out.println(passed + " passed, " + failures.size() + " failed");
        System.out.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    static void equal(Object expected, Object actual, String what) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
        }
    }
}
