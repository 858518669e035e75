package io.leadbridge.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a request byte for byte as another client would write it, with no HTTP library between, and
 * reads the answer to the end of the connection. For replaying the exact request shapes of
 * third-party clients.
 */
final class RawHttp {
  /** An answer: status, headers (names in lower case) and body, de-chunked. */
  record Answer(int status, Map<String, String> headers, String body) {}

  private RawHttp() {}

  /**
   * Sends the request head (request line and headers, without the blank line) and body; adds {@code
   * Host}, {@code Content-Length} when there is a body, and {@code Connection: close}.
   */
  static Answer send(int port, String head, byte[] body) throws IOException {
    StringBuilder h = new StringBuilder(head.strip().replace("\n", "\r\n"));
    h.append("\r\nHost: 127.0.0.1:").append(port);
    if (body.length > 0) {
      h.append("\r\nContent-Length: ").append(body.length);
    }
    h.append("\r\nConnection: close\r\n\r\n");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(h.toString().getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      return read(socket.getInputStream());
    }
  }

  static Answer send(int port, String head) throws IOException {
    return send(port, head, new byte[0]);
  }

  private static Answer read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).strip());
    }
    byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < body.length) {
      int lineEnd = pos;
      while (body[lineEnd] != '\r') {
        lineEnd++;
      }
      String size = new String(body, pos, lineEnd - pos, StandardCharsets.US_ASCII);
      int n = Integer.parseInt(size.split(";")[0].strip(), 16);
      if (n == 0) {
        break;
      }
      out.write(body, lineEnd + 2, n);
      pos = lineEnd + 2 + n + 2;
    }
    return out.toByteArray();
  }
}
