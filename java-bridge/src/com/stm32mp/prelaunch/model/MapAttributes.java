package com.stm32mp.prelaunch.model;

import java.util.Map;
import java.util.TreeMap;

/** {@link Attributes} in a plain map: for tests and for forms outside Eclipse. */
public final class MapAttributes implements Attributes {
    private final Map<String, Object> values = new TreeMap<>();

    @Override
    public String get(String key, String defaultValue) {
        Object v = values.get(key);
        return v instanceof String ? (String) v : defaultValue;
    }

    @Override
    public int getInt(String key, int defaultValue) {
        Object v = values.get(key);
        return v instanceof Integer ? (Integer) v : defaultValue;
    }

    @Override
    public void set(String key, String value) {
        // null unsets, as in a launch configuration (a form's "default" choice writes null).
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
    }

    @Override
    public void setInt(String key, int value) {
        values.put(key, value);
    }

    public Map<String, Object> asMap() {
        return Map.copyOf(values);
    }
}
