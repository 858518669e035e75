package io.leadbridge.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parses a multipart/form-data body into (headers, content) pairs, for the emulator. */
final class MultipartParser {
  private MultipartParser() {}

  static List<byte[][]> parse(byte[] body, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    List<byte[][]> parts = new ArrayList<>();
    int pos = indexOf(body, delimiter, 0);
    while (pos >= 0) {
      int start = pos + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break; // closing delimiter
      }
      start += 2; // CRLF after the delimiter
      int next = indexOf(body, delimiter, start);
      if (next < 0) {
        break;
      }
      int end = next - 2; // CRLF before the next delimiter
      int headerEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, start);
      if (headerEnd < 0 || headerEnd > end) {
        break;
      }
      byte[] headers = java.util.Arrays.copyOfRange(body, start, headerEnd);
      byte[] content =
          java.util.Arrays.copyOfRange(body, headerEnd + 4, Math.max(headerEnd + 4, end));
      parts.add(new byte[][] {headers, content});
      pos = next;
    }
    return parts;
  }

  static String attribute(String headers, String name) {
    String lower = headers.toLowerCase(Locale.ROOT);
    String key = name + "=\"";
    int i = 0;
    while ((i = lower.indexOf(key, i)) >= 0) {
      if (i == 0 || lower.charAt(i - 1) == ' ' || lower.charAt(i - 1) == ';') {
        int from = i + key.length();
        int to = headers.indexOf('"', from);
        return to < 0 ? null : headers.substring(from, to);
      }
      i += key.length();
    }
    return null;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
