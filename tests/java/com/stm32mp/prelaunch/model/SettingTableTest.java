package com.stm32mp.prelaunch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The generated {@link Setting} enum (native/core/settings.def) against what {@link CheckRequest} sends: every
 * setting the plug-in has an attribute for reaches the engine under its request key, by its kind; the
 * host-key policy only when it is set.
 */
class SettingTableTest {
    /** The attributes that may hold Eclipse variables: resolved before they are sent (today's behaviour). */
    static final Set<Setting> PATHS = EnumSet.of(Setting.ELF, Setting.SIGNED_IMAGE, Setting.IMAGE_KEY,
            Setting.SSH_CONFIG, Setting.IDENTITY, Setting.KNOWN_HOSTS);

    static JsonObject request(Attributes a) {
        return JsonParser.parseString(CheckRequest.toJson(a, v -> v.replace("${ws}", "/ws"), null, null)).getAsJsonObject();
    }

    @Test
    void everyAttributeSetIsSentUnderItsRequestKeyByItsKind() {
        MapAttributes a = new MapAttributes();
        Set<String> expectedKeys = new TreeSet<>();
        for (Setting s : Setting.values()) {
            if (s.key == null) {
                continue;
            }
            expectedKeys.add(s.requestKey);
            switch (s.kind) {
                case TEXT:
                    a.set(s.key, " ${ws}/" + s.name() + " ");
                    break;
                case INTEGER:
                    a.setInt(s.key, 7);
                    break;
                case STEPS:
                    a.set(s.key, "image, ssh,");
                    break;
                case FLAG:
                    a.set(s.key, Boolean.toString(!Boolean.parseBoolean(s.defaultValue)));
                    break;
            }
        }
        assertFalse(expectedKeys.isEmpty());
        JsonObject o = request(a);
        assertEquals(expectedKeys, new TreeSet<>(o.keySet()), "request keys of a configuration with every attribute set");
        for (Setting s : Setting.values()) {
            if (s.key == null) {
                continue;
            }
            switch (s.kind) {
                case TEXT:
                    // Trimmed; Eclipse variables resolved in paths only.
                    assertEquals((PATHS.contains(s) ? "/ws/" : "${ws}/") + s.name(), o.get(s.requestKey).getAsString(), s.name());
                    break;
                case INTEGER:
                    assertEquals(7, o.get(s.requestKey).getAsInt(), s.name());
                    break;
                case STEPS:
                    JsonArray steps = o.getAsJsonArray(s.requestKey);
                    assertEquals(List.of("image", "ssh"), List.of(steps.get(0).getAsString(), steps.get(1).getAsString()), s.name());
                    assertEquals(2, steps.size(), s.name());
                    break;
                case FLAG:
                    assertEquals(!Boolean.parseBoolean(s.defaultValue), o.get(s.requestKey).getAsBoolean(), s.name());
                    break;
            }
        }
    }

    @Test
    void anUnsetConfigurationStatesOnlyPortUserAndRemoteprocWithTheTablesDefaults() {
        JsonObject o = request(new MapAttributes());
        assertEquals(Set.of(Setting.PORT.requestKey, Setting.USER.requestKey, Setting.REMOTEPROC.requestKey), o.keySet());
        assertEquals(Setting.PORT.defaultInt(), o.get(Setting.PORT.requestKey).getAsInt());
        assertEquals(Setting.USER.defaultValue, o.get(Setting.USER.requestKey).getAsString());
        assertEquals(Setting.REMOTEPROC.defaultValue, o.get(Setting.REMOTEPROC.requestKey).getAsString());
    }

    @Test
    void theHostKeyPolicyIsSentOnlyWhenTheConfigurationSetsIt() {
        MapAttributes a = new MapAttributes();
        a.set(Setting.HOST.key, "board");
        assertFalse(request(a).has(Setting.HOST_KEY_POLICY.requestKey), "unset: the engine's default (strict) applies");
        a.set(Setting.SSH_CONFIG.key, "/ws/ssh_config");
        assertFalse(request(a).has(Setting.HOST_KEY_POLICY.requestKey),
                "unset with an SSH configuration: its StrictHostKeyChecking applies");
        a.set(Setting.HOST_KEY_POLICY.key, "accept-new");
        assertEquals("accept-new", request(a).get(Setting.HOST_KEY_POLICY.requestKey).getAsString());
        a.set(Setting.HOST_KEY_POLICY.key, "strict");
        assertEquals("strict", request(a).get(Setting.HOST_KEY_POLICY.requestKey).getAsString(),
                "strict chosen explicitly wins over the SSH configuration");
        a.set(Setting.HOST_KEY_POLICY.key, null);  // what the forms write for their default choice
        assertFalse(request(a).has(Setting.HOST_KEY_POLICY.requestKey));
    }

    @Test
    void theGeneratedKeysAreDistinctAndNoneIsAHandWrittenOne() {
        Set<String> keys = new HashSet<>();
        Set<String> requestKeys = new HashSet<>();
        for (Setting s : Setting.values()) {
            assertNotNull(s.requestKey, s.name());
            assertTrue(requestKeys.add(s.requestKey), "request key twice: " + s.requestKey);
            if (s.key != null) {
                assertTrue(s.key.startsWith("com.stm32mp.prelaunch."), s.key);
                assertTrue(keys.add(s.key), "attribute key twice: " + s.key);
            }
        }
        for (String own : List.of(LaunchKeys.AUTH, LaunchKeys.ST_CONFIG)) {
            assertFalse(keys.contains(own), own + " is both a setting and a hand-written key");
        }
    }
}
