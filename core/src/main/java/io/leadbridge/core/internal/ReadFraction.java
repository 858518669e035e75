package io.leadbridge.core.internal;

/**
 * A source that can tell how much of its input it has read, so that what grows with the users read
 * (the off-heap tables of a sync) can be sized for the whole input early instead of doubling again
 * and again. Internal: a file source knows its size and the bytes it has read.
 */
public interface ReadFraction {
  /**
   * The share of the input read so far.
   *
   * @return from 0 to 1, or {@link Double#NaN} when the source cannot tell
   */
  double readFraction();
}
