package org.featureatlas.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IoErrorsTest {
  private static final Path FILE = Path.of("/data/in/config.json");

  @Test
  void readingAndWritingNameTheFileAndTheReason() {
    assertEquals("/data/in/config.json: cannot read (no such file or directory)",
        IoErrors.reading(FILE, new NoSuchFileException(FILE.toString())).getMessage());
    assertEquals("/data/in/config.json: cannot read (permission denied)",
        IoErrors.reading(FILE, new AccessDeniedException(FILE.toString())).getMessage());
    assertEquals("/data/in/config.json: cannot write (No space left on device)",
        IoErrors.writing(FILE, new FileSystemException(FILE.toString(), null, "No space left on device")).getMessage());
    assertEquals("/data/in/config.json: cannot write (No space left on device)",
        IoErrors.writing(FILE, new IOException("No space left on device")).getMessage());
    // A failure about another path (a parent directory) names that path too.
    assertEquals("/data/in/config.json: cannot write (/data/in: permission denied)",
        IoErrors.writing(FILE, new AccessDeniedException("/data/in")).getMessage());
    // Never "(null)".
    assertEquals("/data/in/config.json: cannot read (unexpected end of file)",
        IoErrors.reading(FILE, new EOFException()).getMessage());
    assertEquals("/data/in/config.json: cannot read (IOException)",
        IoErrors.reading(FILE, new IOException()).getMessage());
  }

  @Test
  void jsonParseErrorsSayWhere() {
    JsonProcessingException e = assertThrows(JsonProcessingException.class,
        () -> new ObjectMapper().readTree("{\n  \"n_layer\": 12,\n  oops\n}"));
    String msg = IoErrors.reading(FILE, e).getMessage();
    assertEquals("/data/in/config.json: not valid JSON: ", msg.substring(0, msg.indexOf("JSON: ") + 6));
    assertEquals(" at line 3, column 3", msg.substring(msg.lastIndexOf(" at line")));
    assertEquals(-1, msg.indexOf('\n'));
  }

  @Test
  void findLooksThroughWrappersAndDescribeNamesTheFile() {
    FileSystemException full = new FileSystemException("/out/x.bin", null, "No space left on device");
    assertSame(full, IoErrors.find(new RuntimeException(new UncheckedIOException(full))));
    assertNull(IoErrors.find(new NullPointerException()));
    assertEquals("/out/x.bin: No space left on device", IoErrors.describe(full));
    assertEquals("I/O error: Broken pipe", IoErrors.describe(new IOException("Broken pipe")));
  }
}
