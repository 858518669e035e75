package io.leadbridge.testkit.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The recorded requests as the server's own requests path shows them: JSON-ready maps without
 * bodies, with the values of credentials, tokens and signatures masked in headers and queries, so
 * that the list can be printed or stored. Thread-safe: it keeps no state.
 */
final class RecordedRequests {
  static final String MASK = "***";
  private static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "cookie", "proxy-authorization");
  private static final Set<String> SECRET_PARAMETERS =
      Set.of("client_secret", "access_token", "signature", "password");

  private RecordedRequests() {}

  static List<Object> describe(List<? extends RequestLog.Entry<?>> entries) {
    List<Object> out = new ArrayList<>();
    for (RequestLog.Entry<?> e : entries) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("endpoint", String.valueOf(e.endpoint()));
      m.put("method", e.method());
      m.put("path", e.path());
      if (e.query() != null) {
        m.put("query", maskQuery(e.query()));
      }
      Map<String, Object> headers = new LinkedHashMap<>();
      e.headers()
          .forEach(
              (k, v) ->
                  headers.put(
                      k, SECRET_HEADERS.contains(k) ? List.of(mask(v.get(0))) : List.copyOf(v)));
      m.put("headers", headers);
      m.put("bodyBytes", e.bodyBytes());
      m.put("status", (long) e.status());
      m.put("received", e.received().toString());
      out.add(m);
    }
    return out;
  }

  /** Keeps the scheme of an authorization header, such as {@code Bearer ***}. */
  private static String mask(String value) {
    int space = value == null ? -1 : value.indexOf(' ');
    return space > 0 ? value.substring(0, space) + " " + MASK : MASK;
  }

  static String maskQuery(String query) {
    StringBuilder b = new StringBuilder();
    for (String pair : query.split("&", -1)) {
      if (b.length() > 0) {
        b.append('&');
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (eq >= 0 && SECRET_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
        b.append(name).append('=').append(MASK);
      } else {
        b.append(pair);
      }
    }
    return b.toString();
  }
}
