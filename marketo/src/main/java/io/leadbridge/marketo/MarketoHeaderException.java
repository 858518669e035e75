package io.leadbridge.marketo;

import java.util.List;

/**
 * A file's header names columns Marketo would refuse: not the REST name of a lead field, or a field
 * the API may not write. The message lists each with the closest REST name. Immutable once thrown.
 */
public class MarketoHeaderException extends MarketoException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates the exception.
   *
   * @param problems one line per refused column
   */
  public MarketoHeaderException(List<String> problems) {
    this(problems, "lead fields' REST API names");
  }

  /**
   * Creates the exception for a header checked against other fields than leads'.
   *
   * @param problems one line per refused column
   * @param names what the columns must be, e.g. {@code the REST API names of the object's fields}
   */
  public MarketoHeaderException(List<String> problems, String names) {
    super(
        "Marketo would refuse "
            + (problems.size() == 1 ? "a column" : problems.size() + " columns")
            + " of the header; use "
            + names
            + ":\n  "
            + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * One line per refused column, e.g. {@code "Email Address" is not a lead field; did you mean
   * "email"?}.
   *
   * @return the problems
   */
  public List<String> problems() {
    return problems;
  }
}
