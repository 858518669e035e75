package io.leadbridge.core.sync;

import io.leadbridge.core.testing.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.condition.EnabledIf;

/** {@link RemovalGuardTest} on a real PostgreSQL server. */
@EnabledIf("io.leadbridge.core.testing.EmbeddedPostgres#available")
class PostgresRemovalGuardTest extends RemovalGuardTest {
  private final String run = PostgresSyncStateTest.newRun();

  @Override
  SyncState openState(String name) {
    try {
      return SyncState.open(
          EmbeddedPostgres.shared().dataSource(), PostgresSyncStateTest.prefix(run, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
