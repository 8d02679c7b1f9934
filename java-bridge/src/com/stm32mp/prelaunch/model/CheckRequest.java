package com.stm32mp.prelaunch.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Builds the engine's request JSON (the same settings as the CLI's options) from attributes, by the
 * settings table ({@link Setting}, generated from native/core/settings.def): each setting the plug-in
 * has an attribute for is sent under its request key, by its kind, only when the attribute holds a
 * value, so that the engine's default (the same table's) applies otherwise.
 * The password is passed in separately (it comes from secure storage, never from the attributes)
 * and is never logged: {@link #describe} leaves it out.
 */
public final class CheckRequest {
    /** Attributes that may hold Eclipse variables (${workspace_loc} …): resolved before they are sent. */
    private static final Set<Setting> PATHS = EnumSet.of(Setting.ELF, Setting.SIGNED_IMAGE, Setting.IMAGE_KEY,
            Setting.SSH_CONFIG, Setting.IDENTITY, Setting.KNOWN_HOSTS);
    /** Sent even when unset, with the table's default: what the plug-in's forms show as the value in use. */
    private static final Set<Setting> STATED = EnumSet.of(Setting.PORT, Setting.USER, Setting.REMOTEPROC);
    /**
     * Left out with an SSH configuration while at their default, so that its Port and User apply. The
     * host-key policy needs no such rule: it is sent only when set, so StrictHostKeyChecking accept-new
     * applies from the IDE as from the CLI, and without an SSH configuration the engine's default is strict.
     */
    private static final Set<Setting> FROM_SSH_CONFIG = EnumSet.of(Setting.PORT, Setting.USER);

    private CheckRequest() {}

    /**
     * @param resolve expands Eclipse variables in paths (identity for plain tests)
     * @param launchFile the ST .launch file the config step reads, or null
     * @param password the SSH password for password authentication, else null
     */
    public static String toJson(Attributes a, UnaryOperator<String> resolve, String launchFile, String password) {
        JsonObject o = new JsonObject();
        putIfSet(o, Setting.LAUNCH_FILE.requestKey, launchFile);
        boolean fromConfig = !text(a, Setting.SSH_CONFIG, resolve).isEmpty();
        String auth = a.get(LaunchKeys.AUTH, LaunchKeys.DEFAULT_AUTH);
        for (Setting s : Setting.values()) {
            if (s.key == null || (s == Setting.IDENTITY && !LaunchKeys.AUTH_KEY.equals(auth))) {
                continue;  // not a plug-in attribute; the identity is only sent for key authentication
            }
            boolean leftToConfig = fromConfig && FROM_SSH_CONFIG.contains(s);
            switch (s.kind) {
                case TEXT: {
                    String v = text(a, s, resolve);
                    if (v.isEmpty() && STATED.contains(s)) {
                        v = s.defaultValue;
                    }
                    if (!v.isEmpty() && !(leftToConfig && v.equals(s.defaultValue))) {
                        o.addProperty(s.requestKey, v);
                    }
                    break;
                }
                case INTEGER: {
                    int v = a.getInt(s.key, STATED.contains(s) ? s.defaultInt() : 0);
                    if ((STATED.contains(s) || v > 0) && !(leftToConfig && v == s.defaultInt())) {
                        o.addProperty(s.requestKey, v);
                    }
                    break;
                }
                case STEPS:
                    putList(o, s.requestKey, a.get(s.key, ""));
                    break;
                case FLAG: {
                    // Sent only when it differs from the default (exec_upload: only "false" is sent).
                    String v = a.get(s.key, "").trim();
                    boolean isFlag = "true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v);
                    if (isFlag && !v.equalsIgnoreCase(s.defaultValue)) {
                        o.addProperty(s.requestKey, Boolean.parseBoolean(v));
                    }
                    break;
                }
            }
        }
        if (LaunchKeys.AUTH_PASSWORD.equals(auth) && password != null) {
            o.addProperty(Setting.PASSWORD.requestKey, password);
        }
        return o.toString();
    }

    /** A text attribute, trimmed, with Eclipse variables resolved in paths; "" when unset. */
    private static String text(Attributes a, Setting s, UnaryOperator<String> resolve) {
        String v = a.get(s.key, "");
        if (PATHS.contains(s)) {
            v = resolve.apply(v);
        }
        return v == null ? "" : v.trim();
    }

    /**
     * The request with more steps skipped (added to the user's own skip list) and, when
     * {@code diagnoseSinceMs} is positive, the diagnosis of a launch that failed that many ms ago
     * (nothing changed on the board; the kernel log since then explained).
     */
    public static String adjusted(String requestJson, java.util.List<String> moreSkips, long diagnoseSinceMs) {
        JsonObject o = com.google.gson.JsonParser.parseString(requestJson).getAsJsonObject();
        if (!moreSkips.isEmpty()) {
            JsonArray skip = o.has(Setting.SKIP.requestKey) ? o.getAsJsonArray(Setting.SKIP.requestKey) : new JsonArray();
            for (String id : moreSkips) {
                if (!skip.contains(new com.google.gson.JsonPrimitive(id))) {
                    skip.add(id);
                }
            }
            o.add(Setting.SKIP.requestKey, skip);
        }
        if (diagnoseSinceMs > 0) {
            o.addProperty(Setting.DIAGNOSE_SINCE_MS.requestKey, (int) Math.min(Integer.MAX_VALUE, diagnoseSinceMs));
        }
        return o.toString();
    }

    /** The request without secrets, for logs and the console. */
    public static String describe(String requestJson) {
        JsonObject o = com.google.gson.JsonParser.parseString(requestJson).getAsJsonObject();
        if (o.has(Setting.PASSWORD.requestKey)) {
            o.addProperty(Setting.PASSWORD.requestKey, "(hidden)");
        }
        return o.toString();
    }

    private static void putIfSet(JsonObject o, String key, String value) {
        if (value != null && !value.isBlank()) {
            o.addProperty(key, value.trim());
        }
    }

    private static void putList(JsonObject o, String key, String csv) {
        if (csv == null || csv.isBlank()) {
            return;
        }
        JsonArray array = new JsonArray();
        Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(array::add);
        o.add(key, array);
    }
}
