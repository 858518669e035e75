package io.leadbridge.core.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.internal.csv.CsvRows;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFormatTest {
  @TempDir Path dir;

  @Test
  void presetsDifferOnlyByDelimiter() {
    assertThat(CsvFormat.CSV.delimiter()).isEqualTo(',');
    assertThat(CsvFormat.TSV.delimiter()).isEqualTo('\t');
    assertThat(CsvFormat.SSV.delimiter()).isEqualTo(';');
    for (CsvFormat f : List.of(CsvFormat.CSV, CsvFormat.TSV, CsvFormat.SSV)) {
      assertThat(f.quote()).isEqualTo('"');
      assertThat(f.header()).isTrue();
      assertThat(f.charset()).isEqualTo(StandardCharsets.UTF_8);
      assertThat(f.byteOrderMark()).isFalse();
      assertThat(f.formulaGuard()).isFalse();
      assertThat(f.quoteMode()).isEqualTo(CsvFormat.QuoteMode.MINIMAL);
    }
    assertThat(CsvFormat.TSV.fileExtension()).isEqualTo("tsv");
    assertThat(CsvFormat.TSV.toString()).contains("TSV");
    assertThat(CsvFormat.TSV.toBuilder().build()).isEqualTo(CsvFormat.TSV);
  }

  @Test
  void contradictorySettingsAreRefusedSayingWhich() {
    assertThatThrownBy(() -> CsvFormat.builder().delimiter('"').build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both");
    assertThatThrownBy(() -> CsvFormat.builder().delimiter('\n').build())
        .hasMessageContaining("line break");
    assertThatThrownBy(() -> CsvFormat.builder().recordSeparator(";").build())
        .hasMessageContaining("record separator");
    assertThatThrownBy(
            () ->
                CsvFormat.builder()
                    .charset(Charset.forName("windows-1252"))
                    .byteOrderMark(true)
                    .build())
        .hasMessageContaining("byte-order mark");
    assertThatThrownBy(
            () -> CsvFormat.builder().charset(StandardCharsets.US_ASCII).delimiter('§').build())
        .hasMessageContaining("cannot encode");
  }

  @Test
  void formulaGuardPrefixesRiskyValuesButNotNumbers() {
    CsvFormat guarded = CsvFormat.CSV.toBuilder().formulaGuard(true).build();
    assertThat(CsvRows.guard(guarded, "=HYPERLINK(\"x\")")).isEqualTo("'=HYPERLINK(\"x\")");
    assertThat(CsvRows.guard(guarded, "+cmd")).isEqualTo("'+cmd");
    assertThat(CsvRows.guard(guarded, "@SUM(1)")).isEqualTo("'@SUM(1)");
    assertThat(CsvRows.guard(guarded, "-2+3")).isEqualTo("'-2+3");
    assertThat(CsvRows.guard(guarded, "-5")).isEqualTo("-5");
    assertThat(CsvRows.guard(guarded, "+3.25")).isEqualTo("+3.25");
    assertThat(CsvRows.guard(guarded, "plain")).isEqualTo("plain");
    assertThat(CsvRows.guard(CsvFormat.CSV, "=1+1")).isEqualTo("=1+1");
  }

  @Test
  void writerAndReaderRoundTrip() throws IOException {
    StringWriter out = new StringWriter();
    try (CsvWriter w = CsvFormat.SSV.newWriter(out)) {
      w.writeRow("a", "b;c", null);
      w.writeRow(Arrays.asList("x\ny", "\"q\"", ""));
    }
    assertThat(out.toString()).isEqualTo("a;\"b;c\";\r\n\"x\ny\";\"\"\"q\"\"\";\r\n");
    try (CsvReader r = CsvFormat.SSV.newReader(new StringReader(out.toString()))) {
      assertThat(r.header()).containsExactly("a", "b;c", "");
      assertThat(r.next()).containsExactly("x\ny", "\"q\"", "");
      assertThat(r.next()).isNull();
      assertThat(r.rowsRead()).isEqualTo(1);
    }
  }

  @Test
  void openReaderSkipsTheBomAndRefusesBytesInvalidInTheCharset() throws IOException {
    Path bom = dir.resolve("bom.csv");
    Files.write(bom, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'i', 'd', '\n', '1', '\n'});
    try (CsvReader r = CsvFormat.CSV.openReader(bom)) {
      assertThat(r.header()).containsExactly("id");
      assertThat(r.next()).containsExactly("1");
    }
    Path bad = dir.resolve("bad.csv");
    Files.write(bad, new byte[] {'i', 'd', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
    assertThatThrownBy(
            () -> {
              try (CsvReader r = CsvFormat.CSV.openReader(bad)) {
                r.next();
              }
            })
        .hasRootCauseInstanceOf(java.nio.charset.MalformedInputException.class);
  }

  @Test
  void openWriterWritesTheBom() throws IOException {
    Path file = dir.resolve("bom.csv");
    try (CsvWriter w = CsvFormat.CSV.toBuilder().byteOrderMark(true).build().openWriter(file)) {
      w.writeRow("id");
    }
    assertThat(Files.readAllBytes(file))
        .containsExactly((byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'i', 'd', '\r', '\n');
  }
}
