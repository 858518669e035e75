package io.leadbridge.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldPathTest {
  private final Map<String, Object> user =
      Map.of(
          "email",
          "a@example.com",
          "user_metadata",
          Map.of("plan", "pro", "a.b", "dotted", "nested", Map.of("deep", List.of(1L, 2L))),
          "identities",
          List.of(Map.of("connection", "google-oauth2"), Map.of("connection", "db")));

  @Test
  void resolvesTopLevelNestedAndArrayPaths() {
    assertThat(FieldPath.parse("email").resolve(user)).isEqualTo("a@example.com");
    assertThat(FieldPath.parse("user_metadata.plan").resolve(user)).isEqualTo("pro");
    assertThat(FieldPath.parse("identities[0].connection").resolve(user))
        .isEqualTo("google-oauth2");
    assertThat(FieldPath.parse("identities[1].connection").resolve(user)).isEqualTo("db");
    assertThat(FieldPath.parse("user_metadata.nested.deep[1]").resolve(user)).isEqualTo(2L);
  }

  @Test
  void quotedKeysMayContainDots() {
    assertThat(FieldPath.parse("user_metadata[\"a.b\"]").resolve(user)).isEqualTo("dotted");
    assertThat(FieldPath.parse("user_metadata['a.b']").resolve(user)).isEqualTo("dotted");
    assertThat(FieldPath.parse("[\"user_metadata\"].plan").resolve(user)).isEqualTo("pro");
  }

  @Test
  void missingParentsIndexesPastTheEndAndWrongKindsResolveToNull() {
    assertThat(FieldPath.parse("app_metadata.plan").resolve(user)).isNull();
    assertThat(FieldPath.parse("identities[5].connection").resolve(user)).isNull();
    assertThat(FieldPath.parse("email.domain").resolve(user)).isNull();
    assertThat(FieldPath.parse("user_metadata[0]").resolve(user)).isNull();
    assertThat(FieldPath.parse("identities.connection").resolve(user)).isNull();
  }

  @Test
  void rootIsTheFirstProperty() {
    assertThat(FieldPath.parse("identities[0].connection").root()).isEqualTo("identities");
    assertThat(FieldPath.parse("user_metadata[\"a.b\"]").root()).isEqualTo("user_metadata");
    assertThat(FieldPath.parse("email").isTopLevel()).isTrue();
  }

  @Test
  void malformedPathsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> FieldPath.parse("")).isInstanceOf(MappingException.class);
    assertThatThrownBy(() -> FieldPath.parse("a..b"))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("empty name");
    assertThatThrownBy(() -> FieldPath.parse("a[x]"))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> FieldPath.parse("a[0"))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("closing");
    assertThatThrownBy(() -> FieldPath.parse("a[\"b]"))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("quoted key");
    assertThatThrownBy(() -> FieldPath.parse("[0].a"))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("property name");
    assertThatThrownBy(() -> FieldPath.parse("a."))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("ends with");
  }
}
