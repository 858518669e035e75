package io.leadbridge.core.internal;

import java.util.Set;

/**
 * A source that can skip the properties an export does not read, so it need not build their
 * subtrees. Internal: the exporter applies it when every column is a path.
 */
public interface Projectable {
  /**
   * Keeps only these top-level properties in the records read from now on.
   *
   * @param properties the properties to keep; {@code user_id} should be among them
   */
  void keepOnly(Set<String> properties);
}
