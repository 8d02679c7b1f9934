package com.stm32mp.prelaunch.bridge;

/**
 * The native library could not be loaded or does not match this Java code. Carries every load
 * attempt (as suppressed exceptions) so the user sees why, instead of an UnsatisfiedLinkError later.
 */
public final class BridgeUnavailableException extends BridgeException {
    private static final long serialVersionUID = 1L;

    public static final String CODE = "JNI_UNAVAILABLE";

    public BridgeUnavailableException(String message, Throwable cause) {
        super(CODE, message, cause);
    }
}
