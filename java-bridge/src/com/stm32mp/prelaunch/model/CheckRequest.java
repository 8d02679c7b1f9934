package com.stm32mp.prelaunch.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Builds the engine's request JSON (the same settings as the CLI's options) from attributes.
 * The password is passed in separately (it comes from secure storage, never from the attributes)
 * and is never logged: {@link #describe} leaves it out.
 */
public final class CheckRequest {
    private CheckRequest() {}

    /**
     * @param resolve expands Eclipse variables in paths (identity for plain tests)
     * @param launchFile the ST .launch file the config step reads, or null
     * @param password the SSH password for auth "password", else null
     */
    public static String toJson(Attributes a, UnaryOperator<String> resolve, String launchFile, String password) {
        JsonObject o = new JsonObject();
        putIfSet(o, "launch", launchFile);
        putIfSet(o, "serial", a.get(LaunchKeys.SERIAL, ""));
        putIfSet(o, "probe_serial", a.get(LaunchKeys.PROBE_SERIAL, ""));
        putIfSet(o, "elf", resolve.apply(a.get(LaunchKeys.ELF, "")));
        putIfSet(o, "signed", resolve.apply(a.get(LaunchKeys.IMAGE, "")));
        putIfSet(o, "image_key", resolve.apply(a.get(LaunchKeys.IMAGE_KEY, "")));
        putIfSet(o, "host", a.get(LaunchKeys.HOST, ""));
        String sshConfig = resolve.apply(a.get(LaunchKeys.SSH_CONFIG, ""));
        putIfSet(o, "ssh_config", sshConfig);
        int port = a.getInt(LaunchKeys.PORT, LaunchKeys.DEFAULT_PORT);
        String user = a.get(LaunchKeys.USER, LaunchKeys.DEFAULT_USER);
        // With an SSH configuration, the defaults are left out so that its Port and User apply.
        boolean fromConfig = sshConfig != null && !sshConfig.isBlank();
        if (!fromConfig || port != LaunchKeys.DEFAULT_PORT) {
            o.addProperty("port", port);
        }
        if (!fromConfig || !LaunchKeys.DEFAULT_USER.equals(user)) {
            o.addProperty("user", user);
        }
        String auth = a.get(LaunchKeys.AUTH, LaunchKeys.DEFAULT_AUTH);
        if ("key".equals(auth)) {
            putIfSet(o, "identity", resolve.apply(a.get(LaunchKeys.IDENTITY, "")));
        } else if ("password".equals(auth) && password != null) {
            o.addProperty("password", password);
        }
        putIfSet(o, "known_hosts", resolve.apply(a.get(LaunchKeys.KNOWN_HOSTS, "")));
        o.addProperty("host_key_policy", a.get(LaunchKeys.HOST_KEY_POLICY, LaunchKeys.DEFAULT_HOST_KEY_POLICY));
        o.addProperty("remoteproc", a.get(LaunchKeys.REMOTEPROC, LaunchKeys.DEFAULT_REMOTEPROC));
        putIfSet(o, "sysfs_root", a.get(LaunchKeys.SYSFS_ROOT, ""));
        putIfSet(o, "dev_root", a.get(LaunchKeys.DEV_ROOT, ""));
        putList(o, "only", a.get(LaunchKeys.ONLY, ""));
        putList(o, "skip", a.get(LaunchKeys.SKIP, ""));
        if ("false".equalsIgnoreCase(a.get(LaunchKeys.EXEC_UPLOAD, "true").trim())) {
            o.addProperty("exec_upload", false);
        }
        int timeout = a.getInt(LaunchKeys.TIMEOUT_MS, 0);
        if (timeout > 0) {
            o.addProperty("timeout_ms", timeout);
        }
        return o.toString();
    }

    /**
     * The request with more steps skipped (added to the user's own skip list) and, when
     * {@code diagnoseSinceMs} is positive, the diagnosis of a launch that failed that many ms ago
     * (nothing changed on the board; the kernel log since then explained).
     */
    public static String adjusted(String requestJson, java.util.List<String> moreSkips, long diagnoseSinceMs) {
        JsonObject o = com.google.gson.JsonParser.parseString(requestJson).getAsJsonObject();
        if (!moreSkips.isEmpty()) {
            JsonArray skip = o.has("skip") ? o.getAsJsonArray("skip") : new JsonArray();
            for (String id : moreSkips) {
                if (!skip.contains(new com.google.gson.JsonPrimitive(id))) {
                    skip.add(id);
                }
            }
            o.add("skip", skip);
        }
        if (diagnoseSinceMs > 0) {
            o.addProperty("diagnose_since_ms", (int) Math.min(Integer.MAX_VALUE, diagnoseSinceMs));
        }
        return o.toString();
    }

    /** The request without secrets, for logs and the console. */
    public static String describe(String requestJson) {
        JsonObject o = com.google.gson.JsonParser.parseString(requestJson).getAsJsonObject();
        if (o.has("password")) {
            o.addProperty("password", "(hidden)");
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
