package io.leadbridge.core.source;

import java.util.Iterator;
import java.util.Map;

/** A source over maps in memory. */
final class IterableUserSource implements UserSource {
  private final Iterator<? extends Map<String, ?>> users;
  private long index;

  IterableUserSource(Iterable<? extends Map<String, ?>> users) {
    this.users = users.iterator();
  }

  @Override
  public SourceEntry next() {
    if (!users.hasNext()) {
      return null;
    }
    Map<String, ?> user = users.next();
    index++;
    if (user == null) {
      return new MalformedEntry(index, "the record is null");
    }
    try {
      return UserRecord.of(index, user);
    } catch (IllegalArgumentException e) {
      return new MalformedEntry(index, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "UserSource.of(…)";
  }
}
