package io.leadbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.core.source.UserSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
  void everyUserHasAUserIdOfItsOwn() {
    SyntheticUsers users = SyntheticUsers.builder().count(50_000).seed(3).sharedEmails(50).build();
    assertThat(users.stream().map(u -> u.get("user_id")).distinct().count()).isEqualTo(50_000);
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

  @Test
  void sharedEmailsZeroLeavesEveryUserAsTheDefaultGeneratorMakesIt() {
    SyntheticUsers plain = SyntheticUsers.builder().count(3000).seed(4).build();
    SyntheticUsers zero = SyntheticUsers.builder().count(3000).seed(4).sharedEmails(0).build();
    assertThat(zero.stream().collect(Collectors.toList()))
        .isEqualTo(plain.stream().collect(Collectors.toList()));
    assertThat(zero.sharedEmails()).isZero();
    assertThat(zero.toString())
        .isEqualTo(plain.toString())
        .isEqualTo("SyntheticUsers[count=3000, seed=4]");
  }

  @Test
  void sharedEmailsGivesSomeSocialUsersTheEmailOfADatabaseUser() {
    SyntheticUsers plain = SyntheticUsers.builder().count(10_000).seed(8).build();
    SyntheticUsers shared = plain.toBuilder().sharedEmails(100).build();
    List<Map<String, Object>> before = plain.stream().collect(Collectors.toList());
    List<Map<String, Object>> users = shared.stream().collect(Collectors.toList());

    // without sharing every lower-cased email is a user's own
    assertThat(byEmail(before).values()).allSatisfy(group -> assertThat(group).hasSize(1));

    Map<String, List<Map<String, Object>>> groups = byEmail(users);
    List<List<Map<String, Object>>> sharing =
        groups.values().stream().filter(g -> g.size() > 1).collect(Collectors.toList());
    long sharers = sharing.stream().mapToLong(g -> g.size() - 1).sum();
    long social =
        users.stream()
            .filter(u -> ((String) u.get("user_id")).matches("(google-oauth2|github)\\|.*"))
            .count();
    // about 100 of every 1000 Google and GitHub users
    assertThat(social).isBetween(2500L, 3500L);
    assertThat(sharers).isBetween(social * 7 / 100, social * 13 / 100);
    for (List<Map<String, Object>> group : sharing) {
      List<String> ids = group.stream().map(u -> (String) u.get("user_id")).toList();
      assertThat(ids).doesNotHaveDuplicates();
      assertThat(ids).filteredOn(id -> id.startsWith("auth0|")).hasSize(1);
      assertThat(ids)
          .filteredOn(id -> !id.startsWith("auth0|"))
          .allSatisfy(id -> assertThat(id).matches("(google-oauth2|github)\\|.*"));
    }

    // only the email changes (and email_verified, for a social user that had no email)
    int changed = 0;
    for (int i = 0; i < users.size(); i++) {
      Map<String, Object> was = before.get(i);
      Map<String, Object> is = users.get(i);
      assertThat(is.get("user_id")).isEqualTo(was.get("user_id"));
      assertThat(is.get("updated_at")).isEqualTo(was.get("updated_at"));
      if (!is.equals(was)) {
        changed++;
        assertThat((String) is.get("user_id")).matches("(google-oauth2|github)\\|.*");
        assertThat(is.get("email")).isNotEqualTo(was.get("email"));
        assertThat(groups.get(((String) is.get("email")).toLowerCase(Locale.ROOT)))
            .hasSizeGreaterThan(1);
        assertThat(is.get("email_verified")).isEqualTo(true);
        Map<String, Object> rest = new LinkedHashMap<>(is);
        Map<String, Object> wasRest = new LinkedHashMap<>(was);
        for (String k : List.of("email", "email_verified")) {
          rest.remove(k);
          wasRest.remove(k);
        }
        assertThat(rest).isEqualTo(wasRest);
      }
    }
    assertThat((long) changed).isEqualTo(sharers);
    assertThat(users.stream().map(u -> u.get("user_id")).collect(Collectors.toSet()))
        .isEqualTo(before.stream().map(u -> u.get("user_id")).collect(Collectors.toSet()));
    // some database users have a mixed-case email: the social copy is in lower case
    assertThat(sharing)
        .anySatisfy(
            g ->
                assertThat(g.stream().map(u -> (String) u.get("email")).distinct().count())
                    .isEqualTo(2));
  }

  @Test
  void sharedEmailsAreDeterministicAndRandomAccess() {
    SyntheticUsers a = SyntheticUsers.builder().count(5000).seed(21).sharedEmails(250).build();
    SyntheticUsers b = SyntheticUsers.builder().seed(21).count(5000).sharedEmails(250).build();
    List<Map<String, Object>> iterated = new ArrayList<>();
    a.forEach(iterated::add);
    assertThat(b.stream().collect(Collectors.toList())).isEqualTo(iterated);
    for (int i = 4999; i >= 0; i -= 37) {
      assertThat(a.get(i)).isEqualTo(iterated.get(i));
    }
    SyntheticUsers copy = a.toBuilder().build();
    assertThat(copy.sharedEmails()).isEqualTo(250);
    assertThat(copy.stream().collect(Collectors.toList())).isEqualTo(iterated);
    assertThat(a.toString()).isEqualTo("SyntheticUsers[count=5000, seed=21, sharedEmails=250]");
    SyntheticUsers fewer = a.toBuilder().sharedEmails(100).build();
    assertThat(sharedGroups(iterated)).isGreaterThan(sharedGroups(fewer.stream().toList()));
  }

  @Test
  void sharedEmailsOutsideZeroToAThousandIsRefused() {
    for (int wrong : new int[] {-1, 1001}) {
      assertThatThrownBy(() -> SyntheticUsers.builder().sharedEmails(wrong))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("from 0 to 1000");
    }
    assertThat(SyntheticUsers.builder().sharedEmails(1000).build().sharedEmails()).isEqualTo(1000);
  }

  /** How many lower-cased emails more than one user has. */
  private static long sharedGroups(List<Map<String, Object>> users) {
    return byEmail(users).values().stream().filter(g -> g.size() > 1).count();
  }

  /** Users by lower-cased email; users without one are left out. */
  private static Map<String, List<Map<String, Object>>> byEmail(List<Map<String, Object>> users) {
    return users.stream()
        .filter(u -> u.get("email") != null)
        .collect(
            Collectors.groupingBy(
                u -> ((String) u.get("email")).toLowerCase(Locale.ROOT),
                LinkedHashMap::new,
                Collectors.toList()));
  }
}
