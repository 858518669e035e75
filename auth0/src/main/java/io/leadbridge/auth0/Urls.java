package io.leadbridge.auth0;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/** Checks endpoints: https everywhere, plain http only for loopback hosts. */
final class Urls {
  private Urls() {}

  /** The tenant's base URL, {@code https://host[:port]}, from a domain or a full URL. */
  static URI tenantBase(String domain) {
    String d = domain.trim();
    while (d.endsWith("/")) {
      d = d.substring(0, d.length() - 1);
    }
    String text = d.contains("://") ? d : "https://" + d;
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "The Auth0 domain is not a valid host name: give it as tenant.eu.auth0.com.");
    }
    if (uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
      throw new IllegalArgumentException(
          "The Auth0 domain must be a host name such as tenant.eu.auth0.com, without path or"
              + " query.");
    }
    checkScheme(uri, "The Auth0 domain");
    return URI.create(
        uri.getScheme().toLowerCase(Locale.ROOT)
            + "://"
            + uri.getRawAuthority().toLowerCase(Locale.ROOT));
  }

  /** Refuses anything but https, or http to a loopback host. */
  static void checkScheme(URI uri, String what) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return;
    }
    if (scheme.equals("http") && isLoopback(uri.getHost())) {
      return;
    }
    if (scheme.equals("http")) {
      throw new IllegalArgumentException(
          what + " uses plain http to a host that is not loopback; use https.");
    }
    throw new IllegalArgumentException(what + " must be an https URL.");
  }

  /** Whether the host names this machine, without a DNS lookup. */
  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    boolean ipv4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean ipv6 = h.contains(":") && h.matches("[0-9a-f:.%]+");
    if (!ipv4 && !ipv6) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Whether two URLs share scheme, host and port. */
  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
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
