package io.leadbridge.core.sync;

/** {@link RemovalGuardTest} on the embedded store. */
class EmbeddedRemovalGuardTest extends RemovalGuardTest {
  @Override
  SyncState openState(String name) {
    return SyncState.open(dir.resolve(name));
  }
}
