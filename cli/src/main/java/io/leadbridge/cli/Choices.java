package io.leadbridge.cli;

import io.leadbridge.alterian.AlterianImportPackager;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.marketo.ImportOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/** The words options take, as the configuration file spells them too. */
final class Choices {
  private Choices() {}

  /**
   * Reads an enum constant by its word: the name in lower case with {@code -} for {@code _}, in any
   * case ({@code upload-again}, {@code UPLOAD_AGAIN}). Picocli's own would list both spellings in
   * its message.
   */
  static <E extends Enum<E>> CommandLine.ITypeConverter<E> converter(Class<E> type) {
    return value -> {
      String v = value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
      List<String> words = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        String word = word(e);
        if (word.equals(v)) {
          return e;
        }
        words.add(word);
      }
      throw new CommandLine.TypeConversionException(
          "expected one of " + String.join(", ", words) + ", not '" + value + "'");
    };
  }

  static String word(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** {@code --input-format}: the words, and {@code json-array} as before {@code json}. */
  private static CommandLine.ITypeConverter<InputFormat> inputFormats() {
    CommandLine.ITypeConverter<InputFormat> words = converter(InputFormat.class);
    return value ->
        value.strip().equalsIgnoreCase("json-array") ? InputFormat.JSON : words.convert(value);
  }

  /** Registers the converters of every choice an option takes. */
  static void register(CommandLine cl) {
    cl.registerConverter(CsvFormatName.class, converter(CsvFormatName.class));
    cl.registerConverter(Merge.class, converter(Merge.class));
    cl.registerConverter(Uncertain.class, converter(Uncertain.class));
    cl.registerConverter(InputFormat.class, inputFormats());
    cl.registerConverter(Rows.class, converter(Rows.class));
    cl.registerConverter(
        AlterianImportPackager.ImportMode.class,
        converter(AlterianImportPackager.ImportMode.class));
  }

  /** {@code --merge-policy}. */
  enum Merge {
    MOST_RECENTLY_UPDATED(MergePolicy.MOST_RECENTLY_UPDATED, "most-recently-updated"),
    FIRST(MergePolicy.FIRST, "first"),
    REFUSE(MergePolicy.REFUSE, "refuse");

    final MergePolicy policy;
    private final String word;

    Merge(MergePolicy policy, String word) {
      this.policy = policy;
      this.word = word;
    }

    @Override
    public String toString() {
      return word;
    }
  }

  /** {@code --uncertain-uploads}. */
  enum Uncertain {
    RESOLVE(ImportOptions.UncertainUploads.RESOLVE, "resolve"),
    REPORT(ImportOptions.UncertainUploads.REPORT, "report"),
    UPLOAD_AGAIN(ImportOptions.UncertainUploads.UPLOAD_AGAIN, "upload-again");

    final ImportOptions.UncertainUploads policy;
    private final String word;

    Uncertain(ImportOptions.UncertainUploads policy, String word) {
      this.policy = policy;
      this.word = word;
    }

    @Override
    public String toString() {
      return word;
    }
  }

  /** {@code --input-format}. */
  enum InputFormat {
    AUTO(io.leadbridge.core.source.InputFormat.AUTO, "auto"),
    NDJSON(io.leadbridge.core.source.InputFormat.NDJSON, "ndjson"),
    JSON(io.leadbridge.core.source.InputFormat.JSON_ARRAY, "json"),
    CSV(io.leadbridge.core.source.InputFormat.AUTH0_CSV, "csv"),
    TSV(io.leadbridge.core.source.InputFormat.AUTH0_TSV, "tsv");

    final io.leadbridge.core.source.InputFormat format;
    private final String word;

    InputFormat(io.leadbridge.core.source.InputFormat format, String word) {
      this.format = format;
      this.word = word;
    }

    @Override
    public String toString() {
      return word;
    }
  }

  /** {@code --rejected-rows} and {@code --warned-rows}. */
  enum Rows {
    SEND(ImportOptions.RowPolicy.SEND, "send"),
    LEAVE_OUT(ImportOptions.RowPolicy.LEAVE_OUT, "leave-out"),
    STOP(ImportOptions.RowPolicy.STOP, "stop");

    final ImportOptions.RowPolicy policy;
    private final String word;

    Rows(ImportOptions.RowPolicy policy, String word) {
      this.policy = policy;
      this.word = word;
    }

    @Override
    public String toString() {
      return word;
    }
  }
}
