package io.leadbridge.core.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" hints: the nearest known word to a misspelt one, for the mapping files' keys, the
 * command line's options and configuration keys, and Marketo's field names. Stateless.
 */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The known word within two edits of {@code word} (ignoring case), the closest first.
   *
   * @param word what was written
   * @param known the words that would have been understood
   * @return the suggestion, or empty when none is close
   */
  public static Optional<String> nearest(String word, Collection<String> known) {
    String best = null;
    int bestDistance = 3;
    String w = word.toLowerCase(Locale.ROOT);
    for (String k : known) {
      int d = distance(w, k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The edits between two words: insertions, deletions, substitutions, and a transposition of two
   * neighbours counted as one.
   *
   * @param a a word
   * @param b another
   * @return the number of edits, case counted
   */
  public static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
