package io.leadbridge.core.internal;

import io.leadbridge.core.mapping.FieldMapping;

/**
 * A source that can tell before reading whether it can hold every value a mapping reads, and say so
 * once rather than once per user. Internal: the exporter calls it before its first read.
 */
public interface MappingAware {
  /**
   * Checks the mapping's path columns and required paths against what the source can hold.
   *
   * @param mapping the mapping an export is about to apply
   * @throws io.leadbridge.core.source.SourceException if the source cannot hold a value the mapping
   *     reads; the message names every such path once
   */
  void checkMapping(FieldMapping mapping);
}
