package io.leadbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.SourceEntry;
import io.leadbridge.core.UserRecord;
import io.leadbridge.core.UserSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticUsersTest {
  @TempDir Path tmp;

  @Test
  void sameSeedGivesSameUsersAndOtherSeedOthers() {
    SyntheticUsers a = SyntheticUsers.builder().count(50).seed(9).build();
    SyntheticUsers b = SyntheticUsers.builder().count(50).seed(9).build();
    SyntheticUsers c = SyntheticUsers.builder().count(50).seed(10).build();
    assertThat(a.stream().collect(Collectors.toList()))
        .isEqualTo(b.stream().collect(Collectors.toList()));
    assertThat(a.get(17)).isEqualTo(b.get(17)).isNotEqualTo(c.get(17));
    List<Map<String, Object>> iterated = new ArrayList<>();
    a.forEach(iterated::add);
    assertThat(iterated).hasSize(50).isEqualTo(a.stream().collect(Collectors.toList()));
  }

  @Test
  void writesNdjsonThatReadsBackEqual() throws Exception {
    SyntheticUsers users = SyntheticUsers.builder().count(300).seed(5).build();
    for (boolean gzip : new boolean[] {true, false}) {
      Path file = tmp.resolve("users-" + gzip + ".json");
      users.writeNdjson(file, gzip);
      byte[] head = Files.readAllBytes(file);
      assertThat(head[0] == (byte) 0x1f && head[1] == (byte) 0x8b).isEqualTo(gzip);
      List<Map<String, Object>> read = new ArrayList<>();
      try (UserSource source = UserSource.ndjson(file)) {
        SourceEntry e;
        while ((e = source.next()) != null) {
          read.add(((UserRecord) e).asMap());
        }
      }
      assertThat(read).isEqualTo(users.stream().collect(Collectors.toList()));
    }
  }

  @Test
  void holdsTheAwkwardDataOfRealTenants() {
    List<Map<String, Object>> users =
        SyntheticUsers.builder().count(2000).seed(1).build().stream().collect(Collectors.toList());
    String all = users.toString();
    long withoutEmail = users.stream().filter(u -> !u.containsKey("email")).count();
    assertThat(withoutEmail).isBetween(50L, 600L);
    assertThat(users)
        .filteredOn(u -> !u.containsKey("email"))
        .allSatisfy(
            u ->
                assertThat((String) u.get("user_id"))
                    .matches("(google-oauth2|github|twitter)\\|.*"));
    assertThat(users)
        .anySatisfy(u -> assertThat((String) u.get("email")).isNotNull().matches(".*[A-Z].*"));
    assertThat(all.codePoints().anyMatch(cp -> cp > 0xFFFF)).isTrue();
    for (String tricky : List.of(",", "\"", "\t", "\n", ";", "=HYPERLINK", "+49", "\r")) {
      assertThat(all).contains(tricky);
    }
    assertThat(users)
        .anySatisfy(
            u ->
                assertThat(((Map<?, ?>) u.get("app_metadata")).get("roles"))
                    .isInstanceOf(List.class)
                    .asList()
                    .hasSizeGreaterThan(1));
  }
}
