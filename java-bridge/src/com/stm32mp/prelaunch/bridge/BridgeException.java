package com.stm32mp.prelaunch.bridge;

/**
 * Base of every exception the native side raises on purpose. {@link #code()} is a stable
 * diagnostic code (see docs/codes/) or {@link #INTERNAL} for bugs.
 */
public class BridgeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Code used for anything the engine did not expect (a bug: please report it). */
    public static final String INTERNAL = "INTERNAL";

    private final String code;

    public BridgeException(String code, String message) {
        super(message);
        this.code = code == null ? INTERNAL : code;
    }

    public BridgeException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code == null ? INTERNAL : code;
    }

    /** Stable code: a registry code for request errors, {@link #INTERNAL} otherwise. */
    public String code() {
        return code;
    }
}
