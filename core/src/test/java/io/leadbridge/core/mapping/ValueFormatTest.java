package io.leadbridge.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueFormatTest {
  @Test
  void defaultsFollowTheDocumentedRules() {
    ValueFormat f = ValueFormat.defaults();
    assertThat(f.format(null)).isEmpty();
    assertThat(f.format("text")).isEqualTo("text");
    assertThat(f.format(new BigDecimal("1.5E-7"))).isEqualTo("0.00000015");
    assertThat(f.format(true)).isEqualTo("true");
    assertThat(f.format(Arrays.asList("a", null, 1L))).isEqualTo("[\"a\",null,1]");
    assertThat(f.format(Map.of("k", "v\"q"))).isEqualTo("{\"k\":\"v\\\"q\"}");
  }

  @Test
  void isoInstantNormalisesOffsetsAndEpochMillis() {
    ValueFormat f = ValueFormat.isoInstant();
    assertThat(f.format("2024-03-01T10:30:00+01:00")).isEqualTo("2024-03-01T09:30:00Z");
    assertThat(f.format("2024-03-01T09:30:00.125Z")).isEqualTo("2024-03-01T09:30:00.125Z");
    assertThat(f.format(0L)).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(f.format("")).isEmpty();
    assertThat(f.format(null)).isEmpty();
    assertThatThrownBy(() -> f.format("01/03/2024"))
        .isInstanceOf(ValueFormatException.class)
        .hasMessageNotContaining("01/03");
    assertThatThrownBy(() -> f.format(List.of())).hasMessageContaining("array");
  }

  @Test
  void datePatternAndEpochMillis() {
    assertThat(
            ValueFormat.datePattern("yyyy-MM-dd HH:mm", ZoneId.of("America/New_York"))
                .format("2024-01-01T03:00:00Z"))
        .isEqualTo("2023-12-31 22:00");
    assertThat(ValueFormat.epochMillis().format("2024-03-01T09:30:00.125Z"))
        .isEqualTo("1709285400125");
  }

  @Test
  void joinFormatsEachElement() {
    assertThat(ValueFormat.join(", ").format(List.of("a", 2L, true))).isEqualTo("a, 2, true");
    assertThat(ValueFormat.join(",").format("single")).isEqualTo("single");
    assertThat(ValueFormat.join(",").format(List.of())).isEmpty();
  }

  @Test
  void aNumberThatIsNoPlausibleDateIsRefusedNotWrittenAsAFarOffYear() {
    assertThatThrownBy(() -> ValueFormat.isoInstant().format(4_807_152_333_409_000L))
        .isInstanceOf(ValueFormatException.class)
        .hasMessageContaining("outside the years 1900 to 2200");
    assertThatThrownBy(() -> ValueFormat.epochMillis().format(-3_000_000_000_000L))
        .isInstanceOf(ValueFormatException.class);
    assertThat(ValueFormat.isoInstant().format(1_700_000_000_000L))
        .isEqualTo("2023-11-14T22:13:20Z");
  }
}
