package io.leadbridge.core.internal.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hashes a sync state stores: their values must never change. */
class Hash128Test {

  @Test
  void bytesHashAsMurmur3X64With128BitsDoes() {
    long[] out = new long[2];
    byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
    Hash128.hash(hello, 0, hello.length, 0, 0, out);
    // the reference digest 029bbd41b3a7d8cb191dae486a901e5b: h1 then h2, each little-endian
    assertThat(out).containsExactly(0xcbd8a7b341bd9b02L, 0x5b1e906a48ae1d19L);
  }

  @Test
  void theStoredValuesStayAsTheyWere() {
    long[] out = new long[2];
    Hash128.hash("auth0|1234567890abcdef", out);
    assertThat(out).containsExactly(-4447849387132251672L, -966608605662894176L);
    byte[] line =
        "{\"user_id\":\"auth0|1\",\"email\":\"a@example.com\"}".getBytes(StandardCharsets.UTF_8);
    Hash128.hash(line, 0, line.length, 1L, 2L, out);
    assertThat(out).containsExactly(302602001759001461L, -4962658229422121625L);
    Hash128.hash(line, 3, 17, 1L, 2L, out);
    assertThat(out).containsExactly(286874364877614090L, -8832873237523433107L);
  }

  @Test
  void anotherSeedIsAnotherHash() {
    long[] a = new long[2];
    long[] b = new long[2];
    byte[] line = "{\"user_id\":\"auth0|1\"}".getBytes(StandardCharsets.UTF_8);
    Hash128.hash(line, 0, line.length, 1L, 2L, a);
    Hash128.hash(line, 0, line.length, 1L, 3L, b);
    assertThat(a).isNotEqualTo(b);
  }
}
