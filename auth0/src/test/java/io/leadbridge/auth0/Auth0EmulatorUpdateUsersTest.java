package io.leadbridge.auth0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.testkit.Auth0Emulator;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.SyntheticUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Auth0EmulatorUpdateUsersTest {
  private static final List<String> FIELDS =
      List.of(
          "user_id",
          "email",
          "email_verified",
          "given_name",
          "family_name",
          "name",
          "created_at",
          "updated_at",
          "identities",
          "user_metadata",
          "app_metadata");
  private static final List<String> EDITED = List.of("given_name", "family_name", "updated_at");

  // later than every SyntheticUsers updated_at, as a sync looking for newer users needs
  private final ManualClock clock = ManualClock.at(Instant.parse("2027-01-01T00:00:00Z"));
  private final List<Auth0Emulator> started = new ArrayList<>();
  @TempDir Path tmp;

  @AfterEach
  void stop() {
    started.forEach(Auth0Emulator::close);
  }

  private Auth0Emulator emulator(SyntheticUsers users) {
    Auth0Emulator e =
        Auth0Emulator.builder()
            .users(users)
            .clock(clock)
            .sleeper(clock.sleeper())
            .jobDuration(Duration.ofSeconds(5))
            .start();
    started.add(e);
    return e;
  }

  private record Export(String jobId, List<Map<String, Object>> users) {}

  /** One whole export through the core client: token, job, polls and the HTTP download. */
  private Export export(Auth0Emulator auth0) {
    Auth0ExportJob job =
        Auth0ExportJob.builder()
            .domain(auth0.domain())
            .clientId(auth0.clientId())
            .clientSecret(auth0.clientSecret())
            .fields(FIELDS)
            .clock(clock)
            .sleeper(clock.sleeper())
            .tempDirectory(tmp)
            .build();
    List<Map<String, Object>> read = new ArrayList<>();
    try (Auth0ExportSource source = job.open()) {
      SourceEntry e;
      while ((e = source.next()) != null) {
        read.add(((UserRecord) e).asMap());
      }
      return new Export(source.jobId(), read);
    }
  }

  /** The one user with a user_id: a changed user's id must be its own. */
  private static Map<String, Object> only(List<Map<String, Object>> users, String id) {
    List<Map<String, Object>> found =
        users.stream().filter(u -> id.equals(u.get("user_id"))).collect(Collectors.toList());
    assertThat(found).as("users with the changed user_id").hasSize(1);
    return found.get(0);
  }

  /**
   * The user_ids of the users that differ between two exports of the same tenant, in export order,
   * compared position by position.
   */
  private static List<String> differing(
      List<Map<String, Object>> before, List<Map<String, Object>> after) {
    assertThat(after).hasSameSizeAs(before);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < before.size(); i++) {
      Object id = before.get(i).get("user_id");
      assertThat(after.get(i).get("user_id")).isEqualTo(id);
      if (!before.get(i).equals(after.get(i))) {
        out.add((String) id);
      }
    }
    return out;
  }

  /** How many users have a non-blank email and a user_id that no other user has. */
  private static long editable(Iterable<? extends Map<String, ?>> users) {
    Map<Object, Long> ids = new HashMap<>();
    users.forEach(u -> ids.merge(u.get("user_id"), 1L, Long::sum));
    long n = 0;
    for (Map<String, ?> u : users) {
      if (u.get("email") instanceof String
          && !((String) u.get("email")).isBlank()
          && ids.get(u.get("user_id")) == 1) {
        n++;
      }
    }
    return n;
  }

  private static Map<String, Object> user(String id, String email) {
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("user_id", id);
    if (email != null) {
      u.put("email", email);
    }
    u.put("given_name", "Anna");
    u.put("family_name", "Smith");
    u.put("updated_at", "2020-01-01T00:00:00Z");
    return u;
  }

  private static Map<String, Object> without(Map<String, Object> user, List<String> keys) {
    Map<String, Object> out = new LinkedHashMap<>(user);
    keys.forEach(out::remove);
    return out;
  }

  @Test
  void updateUsersChangesExactlyThoseUsersInTheNextExport() {
    SyntheticUsers users = SyntheticUsers.builder().count(2000).seed(11).build();
    Auth0Emulator auth0 = emulator(users);
    Export first = export(auth0);
    assertThat(first.users()).hasSize(2000);

    clock.advance(Duration.ofHours(1));
    Instant editedAt = clock.instant();
    List<String> changed = auth0.updateUsers(5);
    Export second = export(auth0);

    assertThat(changed).hasSize(5).doesNotHaveDuplicates();
    assertThat(differing(first.users(), second.users())).containsExactlyElementsOf(changed);
    for (String id : changed) {
      Map<String, Object> was = only(first.users(), id);
      Map<String, Object> is = only(second.users(), id);
      assertThat((String) was.get("email")).isNotBlank();
      assertThat(is.get("email")).isEqualTo(was.get("email"));
      assertThat(is.get("given_name")).isNotNull().isNotEqualTo(was.get("given_name"));
      assertThat(is.get("family_name")).isNotNull().isNotEqualTo(was.get("family_name"));
      assertThat(is.get("updated_at")).isEqualTo(auth0Time(editedAt));
      assertThat(Instant.parse((String) is.get("updated_at")))
          .isAfter(Instant.parse((String) was.get("updated_at")));
      assertThat(without(is, EDITED)).isEqualTo(without(was, EDITED));
    }

    // spread over the tenant, not bunched at its start
    List<Object> order = first.users().stream().map(u -> u.get("user_id")).toList();
    List<Integer> positions = changed.stream().map(order::indexOf).collect(Collectors.toList());
    assertThat(positions).isSorted();
    assertThat(positions.get(0)).isLessThan(500);
    assertThat(positions.get(4)).isGreaterThan(1500);

    // what each job's download served, over HTTP and as the emulator describes it
    assertThat(auth0.exportedUsers(second.jobId())).containsExactlyElementsOf(second.users());
    assertThat(auth0.exportedUsers(first.jobId()))
        .as("a job created before the update keeps serving what it served")
        .containsExactlyElementsOf(first.users());
  }

  @Test
  void aSecondUpdatePicksOtherUsersAndChangesOnlyThem() {
    Auth0Emulator auth0 = emulator(SyntheticUsers.builder().count(1000).seed(2).build());
    String firstEdit = auth0Time(clock.instant());
    List<String> firstPick = auth0.updateUsers(5);
    Export afterFirst = export(auth0);

    clock.advance(Duration.ofMinutes(10));
    String secondEdit = auth0Time(clock.instant());
    List<String> secondPick = auth0.updateUsers(3);
    Export afterSecond = export(auth0);

    assertThat(secondPick).hasSize(3).doesNotContainAnyElementsOf(firstPick);
    assertThat(differing(afterFirst.users(), afterSecond.users()))
        .containsExactlyElementsOf(secondPick);
    List<Map<String, Object>> now = afterSecond.users();
    assertThat(secondPick)
        .allSatisfy(id -> assertThat(only(now, id).get("updated_at")).isEqualTo(secondEdit));
    assertThat(firstPick)
        .allSatisfy(id -> assertThat(only(now, id).get("updated_at")).isEqualTo(firstEdit));
  }

  @Test
  void anExportBeingServedIsNotChangedByAnUpdateHalfWay() {
    Auth0Emulator auth0 = emulator(SyntheticUsers.builder().count(1000).seed(6).build());
    Export first = export(auth0);
    List<Map<String, Object>> served = new ArrayList<>();
    Iterator<Map<String, Object>> download = auth0.exportedUsers(first.jobId()).iterator();
    for (int i = 0; i < 100; i++) {
      served.add(download.next());
    }
    List<String> changed = auth0.updateUsers(50);
    download.forEachRemaining(served::add);
    assertThat(served).isEqualTo(first.users());
    assertThat(differing(served, export(auth0).users())).containsExactlyElementsOf(changed);
  }

  @Test
  void sameUsersAndSameCallsPickAndChangeTheSameUsers() {
    SyntheticUsers users = SyntheticUsers.builder().count(3000).seed(5).build();
    Auth0Emulator a = emulator(users);
    Auth0Emulator b = emulator(users);
    assertThat(a.updateUsers(7)).isEqualTo(b.updateUsers(7));
    assertThat(a.updateUsers(4)).isEqualTo(b.updateUsers(4));
    assertThat(export(a).users()).isEqualTo(export(b).users());
  }

  @Test
  void refusesToChangeMoreUsersThanHaveAnEmailAndThenPicksUsersAgain() {
    SyntheticUsers users = SyntheticUsers.builder().count(40).seed(3).build();
    int withEmail = (int) editable(users);
    assertThat(withEmail).isBetween(20, 39);
    Auth0Emulator auth0 = emulator(users);

    assertThatThrownBy(() -> auth0.updateUsers(withEmail + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot change " + (withEmail + 1) + " users")
        .hasMessageContaining("only " + withEmail + " users have an email and a user_id")
        .hasMessageContaining("Ask for at most " + withEmail)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("@"));
    assertThatThrownBy(() -> auth0.updateUsers(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
    assertThat(auth0.updateUsers(0)).isEmpty();

    List<String> all = auth0.updateUsers(withEmail - 2);
    Export before = export(auth0);
    // two users were never picked: both are taken, then one picked before changes again
    List<String> next = auth0.updateUsers(3);
    Export after = export(auth0);
    assertThat(next.stream().filter(all::contains)).hasSize(1);
    assertThat(differing(before.users(), after.users())).containsExactlyElementsOf(next);
    assertThat(next)
        .allSatisfy(
            id -> {
              Map<String, Object> was = only(before.users(), id);
              Map<String, Object> is = only(after.users(), id);
              assertThat(is.get("given_name")).isNotEqualTo(was.get("given_name"));
              assertThat(is.get("family_name")).isNotEqualTo(was.get("family_name"));
            });
  }

  @Test
  void neverPicksAUserIdThatAnotherUserHas() {
    List<Map<String, Object>> users =
        List.of(
            user("auth0|a", "a@example.com"),
            user("auth0|b", "b@example.com"),
            user("auth0|b", "b2@example.com"),
            user("auth0|c", "c@example.com"),
            user("auth0|d", "d@example.com"),
            user("auth0|d", "d@example.com"),
            user("auth0|e", null),
            user("auth0|e", "e@example.com"),
            user("auth0|f", " "),
            user("auth0|g", "g@example.com"));
    Auth0Emulator auth0 =
        Auth0Emulator.builder().users(users).clock(clock).sleeper(clock.sleeper()).start();
    started.add(auth0);

    assertThatThrownBy(() -> auth0.updateUsers(4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only 3 users have an email and a user_id that no other user has");
    assertThat(auth0.updateUsers(3)).containsExactly("auth0|a", "auth0|c", "auth0|g");

    // every synthetic user with an email can be picked, and only once
    SyntheticUsers synthetic = SyntheticUsers.builder().count(3000).seed(8).build();
    int unique = (int) editable(synthetic);
    Auth0Emulator tenant = emulator(synthetic);
    List<String> changed = tenant.updateUsers(unique);
    List<Map<String, Object>> exported = export(tenant).users();
    assertThat(changed).hasSize(unique).doesNotHaveDuplicates();
    assertThat(changed).allSatisfy(id -> only(exported, id));
    assertThatThrownBy(() -> tenant.updateUsers(unique + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A timestamp as Auth0 writes it: milliseconds, always three digits. */
  private static String auth0Time(Instant instant) {
    return java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(java.time.ZoneOffset.UTC)
        .format(instant);
  }
}
