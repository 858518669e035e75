package io.leadbridge.core.internal.sync;

import java.sql.SQLException;

/**
 * What a failed database call means, in words that hold no data: drivers put row values (a {@code
 * user_id} in a duplicate-key message) and sometimes connection details in their messages, so
 * Leadbridge reports only the kind of failure and the SQL state, and passes on a cause stripped of
 * the driver's text.
 */
final class SqlErrors {
  private SqlErrors() {}

  static String reason(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String text = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (diskFull(e) || state.equals("53100")) {
      return "the disk is full (SQL state " + state + ")";
    }
    if (state.startsWith("08")
        || state.equals("57P01")
        || state.equals("57P02")
        || state.equals("57P03")
        || text.contains("connection")
            && (text.contains("closed") || text.contains("reset") || text.contains("refused"))) {
      return "the connection to the database was lost or refused (SQL state " + state + ")";
    }
    // H2: file corrupted, an I/O error reading the file, a file of an unknown format
    int code = e.getErrorCode();
    if (code == 90030 || code == 90028 || code == 90048 || text.contains("corrupt")) {
      return "the database file is damaged (SQL state " + state + ")";
    }
    if (state.equals("28000") || state.equals("28P01")) {
      return "the database refused the credentials (SQL state " + state + ")";
    }
    if (state.equals("42P01") || state.equals("42S02") || e.getErrorCode() == 42102) {
      return "its tables are missing (SQL state " + state + ")";
    }
    return "the database failed (SQL state " + state + ", error code " + e.getErrorCode() + ")";
  }

  /**
   * Whether the failure, or what caused it, is a full disk: H2 reports the file system's error as
   * the cause of a closed database.
   */
  private static boolean diskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String text = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (text.contains("no space left") || text.contains("disk full")) {
        return true;
      }
    }
    return false;
  }

  /** The exception with the driver's message withheld, keeping its class, state and stack. */
  static SQLException withheld(SQLException e) {
    SQLException copy =
        new SQLException(
            e.getClass().getName()
                + " (SQL state "
                + e.getSQLState()
                + ", error code "
                + e.getErrorCode()
                + "; the driver's message is withheld: it may hold user data)",
            e.getSQLState(),
            e.getErrorCode());
    copy.setStackTrace(e.getStackTrace());
    return copy;
  }
}
