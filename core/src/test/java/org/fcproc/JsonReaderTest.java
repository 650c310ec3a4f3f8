package org.fcproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict reader of the privileged helper's one JSON object. */
class JsonReaderTest {
  @Test
  void readsWhatTheCommandLinePrints() throws Exception {
    Map<String, Object> m = JsonReader.object(
        " {\"command\":\"jail cleanup\",\"ok\":false,\"exit\":3,\"error\":{\"kind\":\"refused\",\"path\":\"/a b\\n\\u00e9\","
            + "\"reason\":\"q\\\"\\\\/\\t\",\"n\":null,\"x\":-1.5e2,\"l\":[1,[],{}]}}\n");
    assertThat(m).containsEntry("command", "jail cleanup").containsEntry("ok", false).containsEntry("exit", 3L);
    @SuppressWarnings("unchecked")
    Map<String, Object> e = (Map<String, Object>) m.get("error");
    assertThat(e).containsEntry("path", "/a b\n\u00e9").containsEntry("reason", "q\"\\/\t").containsEntry("n", null)
        .containsEntry("x", -150.0).containsEntry("l", List.of(1L, List.of(), Map.of()));
  }

  @Test
  void refusesAnythingButOneWellFormedObject() {
    for (String bad : List.of("", "[]", "\"x\"", "{", "{}}", "{} {}", "{\"a\":1,}", "{'a':1}", "{\"a\":01}",
        "{\"a\":1,\"a\":2}", "{\"a\":\"\u0001\"}", "{\"a\":\"\\x\"}", "{\"a\":tru}", "{\"a\":1} x", "{\"a\":-}",
        "{\"a\":1.}", "{\"a\":\"\\u12\"}", "[".repeat(1) + "{}", "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}")) {
      assertThatThrownBy(() -> JsonReader.object(bad)).as(bad).isInstanceOf(JsonReader.Malformed.class);
    }
  }
}
