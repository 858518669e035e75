package io.leadbridge.testkit.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Decodes {@code application/x-www-form-urlencoded} text: queries and form bodies. */
public final class Forms {
  private Forms() {}

  /**
   * Every {@code &}-separated item of a query: a name without {@code =} has the value {@code ""}.
   * The last of repeated names wins.
   *
   * @param raw the raw query, or {@code null}
   * @return the decoded parameters, in order
   * @throws IllegalArgumentException if an escape is malformed
   */
  public static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(decode(k), decode(v));
    }
    return out;
  }

  /**
   * Only the {@code name=value} items with a name: items without {@code =} are left out. The last
   * of repeated names wins.
   *
   * @param raw the raw text, or {@code null}
   * @return the decoded pairs, in order
   * @throws IllegalArgumentException if an escape is malformed
   */
  public static Map<String, String> pairs(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
      }
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
