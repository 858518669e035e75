package io.leadbridge.core.internal.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The endpoint policy of every remote call: https everywhere; plain http only to a loopback host
 * (an emulator in tests), recognised without a DNS lookup, so that no name can be made to resolve
 * to this machine and no token or secret crosses a network in clear text.
 */
public final class Endpoints {
  private Endpoints() {}

  /**
   * Refuses a URL that is not https, or plain http to a loopback host.
   *
   * @param uri the URL
   * @param what what the URL is, for the message: {@code "The Marketo endpoint"}
   * @return the URL
   * @throws IllegalArgumentException if the URL has no host, or its scheme is not allowed
   */
  public static URI check(URI uri, String what) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException(
          what + " must be a URL with a host, such as https://host.");
    }
    if (scheme.equals("https")) {
      return uri;
    }
    if (scheme.equals("http")) {
      if (isLoopback(host)) {
        return uri;
      }
      throw new IllegalArgumentException(
          "Plain http:// is refused for "
              + host
              + " ("
              + what
              + "): use https://; plain http is only for a loopback host, such as an emulator in"
              + " tests.");
    }
    throw new IllegalArgumentException(
        what
            + " must use https://, not "
            + (scheme.isEmpty() ? "no scheme" : scheme + "://")
            + ".");
  }

  /**
   * Whether a host names this machine: {@code localhost}, an IPv4 literal in 127.0.0.0/8, or the
   * IPv6 literal {@code ::1} (with or without brackets). Decided from the text alone: never looks a
   * name up.
   *
   * @param host the host, as {@link URI#getHost()} gives it
   * @return true for a loopback host
   */
  public static boolean isLoopback(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.contains(":")) {
      if (!h.matches("[0-9a-f:.%]+")) {
        return false;
      }
      try {
        return InetAddress.getByName(h).isLoopbackAddress(); // an IPv6 literal: never looked up
      } catch (UnknownHostException e) {
        return false;
      }
    }
    String[] octets = h.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String o : octets) {
      if (!o.matches("\\d{1,3}") || Integer.parseInt(o) > 255) {
        return false;
      }
    }
    return Integer.parseInt(octets[0]) == 127;
  }

  /**
   * Whether two URLs share scheme, host and port; a token goes only to its own origin.
   *
   * @param a a URL
   * @param b another URL
   * @return true if both have the same origin
   */
  public static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null
        && a.getHost() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
