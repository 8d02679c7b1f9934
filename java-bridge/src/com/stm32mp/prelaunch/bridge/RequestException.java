package com.stm32mp.prelaunch.bridge;

/** The request was malformed (missing setting, bad value); {@link #code()} names the registry code. */
public final class RequestException extends BridgeException {
    private static final long serialVersionUID = 1L;

    /** Called from native code (constructor id cached in JNI_OnLoad). */
    public RequestException(String code, String message) {
        super(code, message);
    }
}
