package org.featureatlas.check;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Turns an {@link IOException} into a one-line {@link AtlasException} that names the file and the
 * problem ("No space left on device", "permission denied", "not valid JSON: ... at line 3, column 7").
 */
public final class IoErrors {
  private IoErrors() {}

  /** "{file}: cannot read ({reason})", or "{file}: not valid JSON: ..." for a JSON parse error. */
  public static AtlasException reading(Path file, IOException e) {
    if (e instanceof JsonProcessingException) {
      return new AtlasException(file + ": " + reason(e), e);
    }
    return new AtlasException(file + ": cannot read (" + where(file, e) + reason(e) + ")", e);
  }

  /** "{file}: cannot write ({reason})". */
  public static AtlasException writing(Path file, IOException e) {
    return new AtlasException(file + ": cannot write (" + where(file, e) + reason(e) + ")", e);
  }

  /** {@link #writing(Path, IOException)} for the {@link IOException} inside {@code e}. */
  public static AtlasException writing(Path file, UncheckedIOException e) {
    return writing(file, e.getCause());
  }

  /** "{other path}: " when the failure names a path other than {@code file} (a parent, say). */
  private static String where(Path file, IOException e) {
    if (e instanceof FileSystemException fs && fs.getFile() != null && !fs.getFile().equals(file.toString())
        && !fs.getFile().equals(file.toAbsolutePath().toString())) {
      return fs.getFile() + ": ";
    }
    return "";
  }

  /**
   * The first {@link IOException} in the cause chain of {@code t} (an {@link UncheckedIOException}'s
   * cause counts), or null when there is none.
   */
  public static IOException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof IOException io) {
        return io;
      }
    }
    return null;
  }

  /**
   * One line for an I/O failure that reached the command line unmapped: the file when the exception
   * knows it ({@link FileSystemException#getFile()}), and the reason.
   */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException fs && fs.getFile() != null) {
      String other = fs.getOtherFile() == null ? "" : " (with " + fs.getOtherFile() + ")";
      return fs.getFile() + other + ": " + reason(e);
    }
    return "I/O error: " + reason(e);
  }

  /** The reason part of an I/O failure, one line, never "null". */
  public static String reason(Throwable e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException fs) {
      return fs.getReason() == null ? e.getClass().getSimpleName() : oneLine(fs.getReason());
    }
    if (e instanceof JsonProcessingException json) {
      JsonLocation at = json.getLocation();
      String where = at == null || at.getLineNr() < 0 ? ""
          : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      return "not valid JSON: " + oneLine(String.valueOf(json.getOriginalMessage())) + where;
    }
    if (e instanceof EOFException && e.getMessage() == null) {
      return "unexpected end of file";
    }
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      return e.getClass().getSimpleName();
    }
    return oneLine(e.getMessage());
  }

  private static String oneLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).replace('\r', ' ').strip();
  }
}
