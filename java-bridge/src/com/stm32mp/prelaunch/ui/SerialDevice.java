package com.stm32mp.prelaunch.ui;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;

/** One entry of the engine's device enumeration ({"devices":[…]}), as shown in the Serial tab. */
public final class SerialDevice {
    public final String node;
    public final String description;
    public final String vid;
    public final String pid;
    public final String probeSerial;
    public final boolean vcp;

    public SerialDevice(String node, String description, String vid, String pid, String probeSerial, boolean vcp) {
        this.node = node;
        this.description = description;
        this.vid = vid;
        this.pid = pid;
        this.probeSerial = probeSerial;
        this.vcp = vcp;
    }

    /** "node — description [vid:pid] probe serial" */
    public String label() {
        StringBuilder b = new StringBuilder(node);
        if (!description.isEmpty()) {
            b.append(" \u2014 ").append(description);
        }
        if (!vid.isEmpty()) {
            b.append(" [").append(vid).append(':').append(pid).append(']');
        }
        if (!probeSerial.isEmpty()) {
            b.append(" probe ").append(probeSerial);
        }
        return b.toString();
    }

    public static List<SerialDevice> parse(String json) {
        List<SerialDevice> out = new ArrayList<>();
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        for (JsonElement e : root.getAsJsonArray("devices")) {
            JsonObject d = e.getAsJsonObject();
            out.add(new SerialDevice(s(d, "node"), s(d, "description"), s(d, "vid"), s(d, "pid"), s(d, "serial"),
                    d.has("vcp") && d.get("vcp").isJsonPrimitive() && d.get("vcp").getAsBoolean()));
        }
        return out;
    }

    private static String s(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }
}
