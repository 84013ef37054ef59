package org.featureatlas.render;

import java.io.File;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Nu Html Checker (nu.validator's EmbeddedValidator), loaded in a class loader of its own: it needs
 * Jetty 9.4, while the test classpath holds the preview server's Jetty 12. The loader sees the test
 * classpath without any Jetty jar, plus the Jetty 9.4 jars the build copies to target/checker-jetty.
 */
final class NuChecker {
  private final ClassLoader loader;
  private final Object validator;
  private final Method validate;

  NuChecker() throws Exception {
    List<URL> urls = new ArrayList<>();
    Path jetty = Path.of(System.getProperty("atlas.home", ".")).resolve("target/checker-jetty");
    try (Stream<Path> s = Files.list(jetty)) {
      for (Path p : s.sorted().toList()) urls.add(p.toUri().toURL());
    }
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : cp.split(File.pathSeparator)) {
      if (!entry.isEmpty() && !entry.replace('\\', '/').contains("/org/eclipse/jetty/")) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader); // the checker's log4j looks its config up here
    try {
      validator = create();
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
    validate = validator.getClass().getMethod("validate", InputStream.class);
  }

  private Object create() throws Exception {
    Class<?> type = loader.loadClass("nu.validator.client.EmbeddedValidator");
    Object validator = type.getConstructor().newInstance();
    Class<?> format = loader.loadClass("nu.validator.client.EmbeddedValidator$OutputFormat");
    type.getMethod("setOutputFormat", format).invoke(validator, format.getField("JSON").get(null));
    type.getMethod("setNoLangDetect", boolean.class).invoke(validator, true);
    type.getMethod("setLoadEntities", boolean.class).invoke(validator, false);
    return validator;
  }

  /** The checker's JSON report for one document. */
  String validate(InputStream html) throws Exception {
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      return (String) validate.invoke(validator, html);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }
}
