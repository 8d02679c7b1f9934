package com.stm32mp.prelaunch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The requests made for STM32CubeIDE's own configurations: predictions only, and the diagnosis of a failed launch. */
class AdjustedRequestTest {
    @Test
    void boardChangingStepsAreAddedToTheUsersSkipListOnce() {
        String request = "{\"host\":\"192.168.7.1\",\"skip\":[\"devices\",\"verify\"]}";
        JsonObject o = JsonParser.parseString(CheckRequest.adjusted(request, List.of("upload", "remoteproc", "verify"), 0))
                .getAsJsonObject();
        assertEquals("[\"devices\",\"verify\",\"upload\",\"remoteproc\"]", o.get("skip").toString());
        assertFalse(o.has("diagnose_since_ms"));
        assertEquals("192.168.7.1", o.get("host").getAsString());
    }

    @Test
    void aDiagnosisCarriesTheTimeSinceTheFailedLaunchStarted() {
        JsonObject o = JsonParser.parseString(CheckRequest.adjusted("{}", List.of(), 12_345)).getAsJsonObject();
        assertEquals(12_345, o.get("diagnose_since_ms").getAsInt());
        assertFalse(o.has("skip"));
        // The engine takes an int: an absurd age is clamped, not wrapped to a negative refused value.
        assertEquals(Integer.MAX_VALUE,
                JsonParser.parseString(CheckRequest.adjusted("{}", List.of(), Long.MAX_VALUE)).getAsJsonObject()
                        .get("diagnose_since_ms").getAsInt());
    }
}
