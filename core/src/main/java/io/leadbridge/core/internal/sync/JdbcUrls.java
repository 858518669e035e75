package io.leadbridge.core.internal.sync;

import java.util.regex.Pattern;

/** Shows a JDBC URL without its secrets. */
final class JdbcUrls {
  private static final Pattern PARAM =
      Pattern.compile("(?i)((?:password|passwd|pwd|sslpassword|secret|token)\\s*=)[^&;]*");
  private static final Pattern USERINFO = Pattern.compile("(//[^/:@]*:)[^@/]*@");

  private JdbcUrls() {}

  static String mask(String url) {
    if (url == null) {
      return "(no URL)";
    }
    String u = PARAM.matcher(url).replaceAll("$1***");
    u = USERINFO.matcher(u).replaceAll("$1***@");
    // the driver lists every connection property after '?': not useful in a message
    int query = u.indexOf('?');
    return query < 0 ? u : u.substring(0, query);
  }
}
