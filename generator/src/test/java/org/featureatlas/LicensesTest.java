package org.featureatlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The project's licence (LICENSE, pom.xml) and docs/licenses.md: no listed runtime dependency or bundled
 * library is GPL without an exception that allows linking, and every non-test dependency of pom.xml is listed.
 */
class LicensesTest {
  private static final Path HOME = Path.of(System.getProperty("atlas.home", "."));

  /**
   * Why {@code text} (a row or note of docs/licenses.md) names an unacceptable licence, or null. GPL is
   * refused unless the same text names the classpath exception or GCC's runtime library exception; LGPL
   * ("LGPL", "Lesser General Public License") is allowed.
   */
  static String gplProblem(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    String rest = t.replace("lgpl", "").replace("lesser general public license", "")
        .replace("library general public license", "");
    boolean gpl = rest.contains("gpl") || rest.contains("general public license");
    if (!gpl) {
      return null;
    }
    boolean excepted = t.contains("classpath exception") || t.contains("classpath-exception")
        || t.contains("runtime library exception") || t.contains("gcc-exception");
    return excepted ? null : "names a GPL licence without a linking exception: " + text.strip();
  }

  @Test
  void theRuleRefusesGplAndAllowsLgplAndLinkingExceptions() {
    assertNotNull(gplProblem("| `x:y` | 1 | y | GPL-2.0 |"));
    assertNotNull(gplProblem("| `x:y` | 1 | y | GNU General Public License, version 3 |"));
    assertNotNull(gplProblem("| `x:y` | 1 | y | Apache-2.0 OR LGPL-2.1 OR GPL-3.0 |"));
    assertNotNull(gplProblem("- libfoo is AGPL-3.0"));
    assertNull(gplProblem("| `x:y` | 1 | y | GPL2 w/ CPE (GPL-2.0 with Classpath Exception) |"));
    assertNull(gplProblem("| `x:y` | 1 | y | Apache-2.0 OR LGPL-2.1-or-later |"));
    assertNull(gplProblem("| `x:y` | 1 | y | GNU Lesser General Public License |"));
    assertNull(gplProblem("- libgomp: GPL-3.0-or-later with the GCC Runtime Library Exception"));
    assertNull(gplProblem("| `x:y` | 1 | y | MIT |"));
  }

  @Test
  void theProjectIsApache2() throws Exception {
    String license = Files.readString(HOME.resolve("LICENSE"));
    assertTrue(license.strip().startsWith("Apache License\n                           Version 2.0, January 2004"), "LICENSE");
    assertTrue(license.contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"), "LICENSE");
    assertTrue(license.contains("END OF TERMS AND CONDITIONS"), "LICENSE is the whole text");
    Document pom = pom();
    NodeList licenses = pom.getElementsByTagName("license");
    assertEquals(1, licenses.getLength(), "one <license> in pom.xml");
    assertEquals("Apache-2.0", text((Element) licenses.item(0), "name"));
  }

  @Test
  void noRuntimeDependencyIsGplAndEveryOneIsListed() throws Exception {
    List<String> lines = Files.readAllLines(HOME.resolve("docs/licenses.md"));
    Map<String, String> rows = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("| `")) {
        String[] cells = line.split("\\|");
        assertEquals(5, cells.length, "a row has artifact, version, name and licence: " + line);
        String licence = cells[4].strip();
        assertTrue(!licence.isEmpty(), "a row without a licence: " + line);
        rows.put(cells[1].strip().replace("`", ""), licence);
      }
      if (line.startsWith("| `") || line.startsWith("- ")) {
        String problem = gplProblem(line);
        if (problem != null) {
          problems.add(problem);
        }
      }
    }
    assertTrue(rows.size() >= 20, "docs/licenses.md lists the runtime dependencies: " + rows.keySet());
    assertEquals(List.of(), problems);

    TreeSet<String> missing = new TreeSet<>();
    for (String dependency : runtimeDependencies()) {
      if (!rows.containsKey(dependency)) {
        missing.add(dependency);
      }
    }
    assertEquals(new TreeSet<>(), missing, "non-test dependencies of pom.xml without a row in docs/licenses.md");
  }

  /** groupId:artifactId of every dependency of pom.xml that is not test-scoped, ${properties} resolved. */
  private static List<String> runtimeDependencies() throws Exception {
    Document pom = pom();
    Map<String, String> properties = new TreeMap<>();
    Element props = (Element) pom.getDocumentElement().getElementsByTagName("properties").item(0);
    for (Node n = props.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        properties.put(e.getTagName(), e.getTextContent().strip());
      }
    }
    Element dependencies = null;
    for (Node n = pom.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals("dependencies")) {
        dependencies = e;
      }
    }
    assertNotNull(dependencies, "pom.xml has <dependencies>");
    List<String> out = new ArrayList<>();
    NodeList list = dependencies.getElementsByTagName("dependency");
    for (int i = 0; i < list.getLength(); i++) {
      Element d = (Element) list.item(i);
      String scope = text(d, "scope");
      if (scope != null && scope.equals("test")) {
        continue;
      }
      out.add(resolve(text(d, "groupId"), properties) + ":" + resolve(text(d, "artifactId"), properties));
    }
    assertTrue(out.size() >= 10, "found the dependencies of pom.xml: " + out);
    return out;
  }

  private static String resolve(String value, Map<String, String> properties) {
    if (value.startsWith("${") && value.endsWith("}")) {
      String v = properties.get(value.substring(2, value.length() - 1));
      assertNotNull(v, "pom.xml property " + value);
      return v;
    }
    return value;
  }

  private static String text(Element parent, String tag) {
    NodeList l = parent.getElementsByTagName(tag);
    return l.getLength() == 0 ? null : l.item(0).getTextContent().strip();
  }

  private static Document pom() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(HOME.resolve("pom.xml").toFile());
  }
}
