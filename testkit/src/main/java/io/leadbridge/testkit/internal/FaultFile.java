package io.leadbridge.testkit.internal;

import io.leadbridge.core.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Fault rules read from a JSON file: an array (or {@code {"faults": [...]}}) of objects, each
 * naming the emulator ({@code auth0} or {@code marketo}), the endpoint (a constant of the
 * emulator's {@code Endpoint} enum, any case), which call ({@code nth}, 1 for the first) and what
 * happens: {@code "status": 503}, {@code "code": "606"} (Marketo's error codes), {@code "drop":
 * true}, {@code "dropAfterAccept": true} (Marketo uploads) or {@code "delayMillis": 2000}.
 * Thread-safe: it keeps no state.
 */
public final class FaultFile {

  /**
   * One rule.
   *
   * @param emulator {@code auth0} or {@code marketo}
   * @param endpoint the endpoint's name, upper case
   * @param nth which call, 1 for the first
   * @param fault what happens; for {@code dropAfterAccept} a {@link Fault.Kind#DROP_AFTER_ACCEPT}
   * @param entry the rule's 1-based position in the file, for messages
   */
  public record Rule(String emulator, String endpoint, int nth, Fault fault, int entry) {}

  private static final Set<String> KEYS =
      Set.of(
          "emulator",
          "endpoint",
          "nth",
          "status",
          "code",
          "drop",
          "dropAfterAccept",
          "delayMillis");

  private FaultFile() {}

  /**
   * Reads the rules of a file.
   *
   * @param file the JSON file
   * @return the rules in file order
   * @throws IllegalArgumentException if the file cannot be read or a rule is wrong; the message
   *     names the entry
   */
  public static List<Rule> read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read the fault file " + file + ": " + e, e);
    }
    Object parsed = Json.parse(text);
    if (parsed instanceof Map && ((Map<?, ?>) parsed).containsKey("faults")) {
      parsed = ((Map<?, ?>) parsed).get("faults");
    }
    if (!(parsed instanceof List)) {
      throw new IllegalArgumentException(
          "The fault file "
              + file
              + " must hold a JSON array of rules such as"
              + " [{\"emulator\":\"marketo\",\"endpoint\":\"UPLOAD\",\"nth\":1,\"status\":503}].");
    }
    List<Rule> rules = new ArrayList<>();
    int n = 0;
    for (Object item : (List<?>) parsed) {
      n++;
      String where = "Fault rule " + n + " of " + file;
      if (!(item instanceof Map)) {
        throw new IllegalArgumentException(where + " is not a JSON object.");
      }
      Map<String, Object> m = Json.object(item);
      for (String key : m.keySet()) {
        if (!KEYS.contains(key)) {
          throw new IllegalArgumentException(
              where + " has an unknown key '" + key + "'; the keys are " + KEYS + ".");
        }
      }
      String emulator = lower(m.get("emulator"));
      if (!"auth0".equals(emulator) && !"marketo".equals(emulator)) {
        throw new IllegalArgumentException(where + ": \"emulator\" is \"auth0\" or \"marketo\".");
      }
      Object endpoint = m.get("endpoint");
      if (!(endpoint instanceof String) || ((String) endpoint).isBlank()) {
        throw new IllegalArgumentException(where + ": \"endpoint\" is missing.");
      }
      long nth = Json.number(m, "nth", 0);
      if (nth < 1 || nth > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(where + ": \"nth\" is a call number, 1 or more.");
      }
      List<Fault> faults = new ArrayList<>();
      if (m.containsKey("status")) {
        long status = Json.number(m, "status", 0);
        if (status < 100 || status > 599) {
          throw new IllegalArgumentException(where + ": \"status\" is an HTTP status, 100-599.");
        }
        faults.add(Fault.status((int) status));
      }
      if (m.containsKey("code")) {
        faults.add(Fault.serviceError(String.valueOf(m.get("code"))));
      }
      if (Boolean.TRUE.equals(m.get("drop"))) {
        faults.add(Fault.drop());
      }
      if (Boolean.TRUE.equals(m.get("dropAfterAccept"))) {
        faults.add(Fault.dropAfterAccept());
      }
      if (m.containsKey("delayMillis")) {
        long millis = Json.number(m, "delayMillis", -1);
        if (millis < 0) {
          throw new IllegalArgumentException(where + ": \"delayMillis\" is 0 or more.");
        }
        faults.add(Fault.delay(Duration.ofMillis(millis)));
      }
      if (faults.size() != 1) {
        throw new IllegalArgumentException(
            where
                + " must say one thing to do: status, code, drop, dropAfterAccept or delayMillis"
                + (faults.isEmpty() ? "." : ", not " + faults.size() + "."));
      }
      rules.add(
          new Rule(
              emulator,
              ((String) endpoint).strip().toUpperCase(Locale.ROOT),
              (int) nth,
              faults.get(0),
              n));
    }
    return rules;
  }

  private static String lower(Object value) {
    return value instanceof String ? ((String) value).strip().toLowerCase(Locale.ROOT) : null;
  }
}
