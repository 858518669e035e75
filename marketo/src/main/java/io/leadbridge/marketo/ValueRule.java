package io.leadbridge.marketo;

/**
 * A rule a value breaks for its lead field's type or length, as {@link
 * MarketoBulkLeadClient#checkValues} predicts it before the upload. Each rule is a {@link
 * Severity#REJECTION rejection} (Marketo would fail the row) or a {@link Severity#WARNING warning}
 * (Marketo would import the row with the value truncated or changed).
 *
 * <p>The rules follow Adobe's pages: the data types and their limits in <a
 * href="https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/field-types">Field
 * Types</a> (string up to 255 characters, text area up to 30,000 bytes, email, whole numbers for
 * integer, score and percent, real numbers for float and currency, true or false for boolean, URLs
 * with their protocol, dates and datetimes in the W3C profile of ISO 8601 with the time zone offset
 * as best practice, see <a href="https://www.w3.org/TR/NOTE-datetime">W3C Date and Time
 * Formats</a>), the lengths {@code describe2.json} gives per field (<a
 * href="https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads">Leads</a>),
 * and the lookup field every row needs (<a
 * href="https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-import/bulk-lead-import">Bulk
 * Lead Import</a>). Where Adobe documents a format but not what a bulk import does with a value
 * outside it, the rule says which way this library decides; the Marketo emulator of the testkit
 * implements the same rules on its own, and both are tested against one table of cases ({@code
 * marketo-value-rules.tsv} in the testkit).
 *
 * <table>
 *   <caption>Rules by data type</caption>
 *   <tr><th>data type</th><th>value</th><th>rule</th></tr>
 *   <tr><td>any, lookup field</td><td>empty</td><td>{@link #LOOKUP_EMPTY}</td></tr>
 *   <tr><td>any other</td><td>empty</td><td>none: nothing is checked</td></tr>
 *   <tr><td>string, phone, reference, others</td><td>more characters than the field's length
 *       (255 when not given)</td><td>{@link #TRUNCATED}</td></tr>
 *   <tr><td>text, textarea</td><td>over 30,000 UTF-8 bytes, or more characters than a given
 *       length</td><td>{@link #TRUNCATED}</td></tr>
 *   <tr><td>email</td><td>not {@code local@domain.tld}, or longer than the field</td><td>{@link
 *       #INVALID_EMAIL}</td></tr>
 *   <tr><td>integer, score, percent</td><td>not {@code [+-]digits}</td><td>{@link
 *       #NOT_AN_INTEGER}</td></tr>
 *   <tr><td>integer, score, percent</td><td>outside signed 64 bits</td><td>{@link
 *       #INTEGER_OUT_OF_RANGE}</td></tr>
 *   <tr><td>float, currency</td><td>not a plain decimal number (no symbol, no grouping)</td>
 *       <td>{@link #NOT_A_NUMBER}</td></tr>
 *   <tr><td>boolean</td><td>not {@code true}, {@code false}, {@code 1} or {@code 0}</td><td>{@link
 *       #NOT_A_BOOLEAN}</td></tr>
 *   <tr><td>date</td><td>{@code YYYY-MM-DD} with a time</td><td>{@link #DATE_TIME_DROPPED}</td></tr>
 *   <tr><td>date</td><td>anything else not {@code YYYY-MM-DD}</td><td>{@link #NOT_A_DATE}</td></tr>
 *   <tr><td>datetime</td><td>W3C date and time without an offset, or a date alone</td><td>{@link
 *       #DATETIME_WITHOUT_OFFSET}</td></tr>
 *   <tr><td>datetime</td><td>anything else not {@code YYYY-MM-DDThh:mm[:ss[.s]]TZD}</td><td>{@link
 *       #NOT_A_DATETIME}</td></tr>
 *   <tr><td>url</td><td>no protocol ({@code scheme:}, and {@code //host} for http and
 *       https)</td><td>{@link #NOT_A_URL}</td></tr>
 *   <tr><td>url</td><td>longer than the field</td><td>{@link #TRUNCATED}</td></tr>
 * </table>
 *
 * <p>Lengths count characters (Unicode code points), not UTF-16 units. Immutable and thread-safe.
 */
public enum ValueRule {
  /** The lookup field is empty: Marketo cannot tell which lead the row is. */
  LOOKUP_EMPTY(Severity.REJECTION, "the lookup field is empty"),
  /** Not an email address ({@code local@domain.tld}, no spaces), or longer than the field. */
  INVALID_EMAIL(Severity.REJECTION, "not an email address"),
  /** Not a whole number, in an integer, score or percent field. */
  NOT_AN_INTEGER(Severity.REJECTION, "not a whole number"),
  /** A whole number outside the signed 64-bit range Marketo stores. */
  INTEGER_OUT_OF_RANGE(Severity.REJECTION, "a whole number out of range"),
  /** Not a plain decimal number, in a float or currency field. */
  NOT_A_NUMBER(Severity.REJECTION, "not a number"),
  /** Not true or false. */
  NOT_A_BOOLEAN(Severity.REJECTION, "not true or false"),
  /** Not a date as {@code YYYY-MM-DD}. */
  NOT_A_DATE(Severity.REJECTION, "not a date (YYYY-MM-DD)"),
  /** Not a W3C datetime. */
  NOT_A_DATETIME(Severity.REJECTION, "not a date and time (YYYY-MM-DDThh:mm:ss+hh:mm)"),
  /** No protocol, in a URL field, which takes URLs with their protocol only. */
  NOT_A_URL(Severity.REJECTION, "not a URL with its protocol"),
  /** Longer than the field: Marketo keeps the beginning. */
  TRUNCATED(Severity.WARNING, "longer than the field: it would be truncated"),
  /** A date field given a date and time: Marketo keeps the date. */
  DATE_TIME_DROPPED(Severity.WARNING, "a date with a time: the time would be dropped"),
  /**
   * A datetime without its time zone offset, or a date alone: Marketo reads it in the instance's
   * time zone, which may not be what was meant.
   */
  DATETIME_WITHOUT_OFFSET(
      Severity.WARNING, "no time zone offset: it would be read in the instance's time zone");

  /** How a rule affects its row. Immutable and thread-safe. */
  public enum Severity {
    /** Marketo would fail the row. */
    REJECTION,
    /** Marketo would import the row with the value truncated or changed. */
    WARNING
  }

  private final Severity severity;
  private final String description;

  ValueRule(Severity severity, String description) {
    this.severity = severity;
    this.description = description;
  }

  /**
   * Whether the row would fail or be imported with a changed value.
   *
   * @return the severity
   */
  public Severity severity() {
    return severity;
  }

  /**
   * What the rule says, in a few words, without any value.
   *
   * @return e.g. {@code "longer than the field: it would be truncated"}
   */
  public String description() {
    return description;
  }
}
