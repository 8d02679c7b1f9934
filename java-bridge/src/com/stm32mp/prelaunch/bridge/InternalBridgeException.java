package com.stm32mp.prelaunch.bridge;

/** The native side failed in a way it did not expect (a bug); the message says what C++ reported. */
public final class InternalBridgeException extends BridgeException {
    private static final long serialVersionUID = 1L;

    /** Called from native code (constructor id cached in JNI_OnLoad). */
    public InternalBridgeException(String message) {
        super(INTERNAL, "internal error in the native pre-launch engine (please report): " + message);
    }
}
