package org.featureatlas.render.explain;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a CSV file as RFC 4180 defines them: fields separated by commas; a field in double quotes may
 * hold commas, line breaks and doubled quotes ({@code ""} for one); an unquoted field may not hold a quote. Line
 * breaks are LF or CRLF (a line break inside a quoted field comes back as LF). Blank lines are skipped. A record
 * that breaks the rules comes back with {@code bad} saying how, numbered by the line it starts on; reading goes on
 * with the next record.
 */
final class CsvRows {
  /** A record starting on line {@code line}: its fields, or {@code bad} says why it cannot be read. */
  record Row(int line, List<String> fields, String bad) {}

  private enum State { START, UNQUOTED, QUOTED, AFTER_QUOTE }

  private final Lines lines;

  CsvRows(Lines lines) {
    this.lines = lines;
  }

  /** The next record, or null at the end of the file. */
  Row next() throws IOException {
    Lines.Line first;
    do {
      first = lines.next();
      if (first == null) {
        return null;
      }
    } while (first.bad() == null && first.text().isBlank());
    if (first.bad() != null) {
      return new Row(first.number(), null, first.bad());
    }
    List<String> fields = new ArrayList<>(2);
    StringBuilder field = new StringBuilder();
    State state = State.START;
    String bad = null;
    String text = first.text();
    int i = 0;
    while (true) {
      if (i == text.length()) {
        if (state != State.QUOTED) {
          fields.add(field.toString());
          return new Row(first.number(), bad == null ? fields : null, bad);
        }
        Lines.Line more = lines.next();
        if (more == null) {
          return new Row(first.number(), null, "a quoted field is not closed before the end of the file");
        }
        if (more.bad() != null) {
          return new Row(first.number(), null, "line " + more.number() + " of the row is " + more.bad());
        }
        field.append('\n');
        text = more.text();
        i = 0;
        continue;
      }
      char c = text.charAt(i++);
      switch (state) {
        case START -> {
          if (c == '"') {
            state = State.QUOTED;
          } else if (c == ',') {
            fields.add("");
          } else {
            field.append(c);
            state = State.UNQUOTED;
          }
        }
        case UNQUOTED -> {
          if (c == ',') {
            fields.add(field.toString());
            field.setLength(0);
            state = State.START;
          } else {
            if (c == '"' && bad == null) {
              bad = "a quote inside an unquoted field (quote the field and double the quote)";
            }
            field.append(c);
          }
        }
        case QUOTED -> {
          if (c != '"') {
            field.append(c);
          } else if (i < text.length() && text.charAt(i) == '"') {
            field.append('"');
            i++;
          } else {
            state = State.AFTER_QUOTE;
          }
        }
        case AFTER_QUOTE -> {
          if (c == ',') {
            fields.add(field.toString());
            field.setLength(0);
            state = State.START;
          } else {
            if (bad == null) {
              bad = "text after a closing quote";
            }
            field.append(c);
            state = State.UNQUOTED;
          }
        }
        default -> throw new IllegalStateException(state.toString());
      }
    }
  }
}
