package com.stm32mp.prelaunch.model;

/**
 * The small attribute interface the SWT forms and the request builder work on. Eclipse launch
 * configurations implement it through an adapter; tests use {@link MapAttributes}. Keys are
 * {@link Setting} keys (the settings) and {@link LaunchKeys} constants (the rest).
 */
public interface Attributes {
    String get(String key, String defaultValue);

    int getInt(String key, int defaultValue);

    void set(String key, String value);

    void setInt(String key, int value);
}
