package io.leadbridge.core.internal.csv;

/** A fast UTF-8 encoder for the export's hot path that refuses unpaired surrogates. */
final class Utf8 {
  private Utf8() {}

  /** The most bytes {@code chars} characters can take. */
  static int maxBytes(int chars) {
    return chars * 3;
  }

  /**
   * Encodes {@code s} into {@code dst} from 0; returns the length, or -1 if {@code s} holds an
   * unpaired surrogate (which UTF-8 cannot represent). {@code dst} must hold {@link #maxBytes}.
   */
  static int encode(CharSequence s, byte[] dst) {
    int n = s.length();
    int j = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        dst[j++] = (byte) c;
      } else if (c < 0x800) {
        dst[j++] = (byte) (0xC0 | (c >> 6));
        dst[j++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c)
            || i + 1 >= n
            || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return -1;
        }
        int cp = Character.toCodePoint(c, s.charAt(++i));
        dst[j++] = (byte) (0xF0 | (cp >> 18));
        dst[j++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        dst[j++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        dst[j++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        dst[j++] = (byte) (0xE0 | (c >> 12));
        dst[j++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        dst[j++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return j;
  }
}
