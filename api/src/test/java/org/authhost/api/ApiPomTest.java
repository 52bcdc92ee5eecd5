package org.authhost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The api module is what every plug-in compiles against: it must have no runtime dependency. */
class ApiPomTest {

  @Test
  void everyDependencyIsTestScoped() throws Exception {
    Path pom = Path.of("pom.xml");
    assertTrue(
        Files.isRegularFile(pom), "run from the api module directory: " + pom.toAbsolutePath());

    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document doc = factory.newDocumentBuilder().parse(pom.toFile());
    Element project = doc.getDocumentElement();
    assertEquals("authhost-api", childText(project, "artifactId"), "this is the api pom");

    NodeList dependencies = doc.getElementsByTagNameNS("*", "dependency");
    int checked = 0;
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      String name = childText(dependency, "groupId") + ":" + childText(dependency, "artifactId");
      assertEquals("test", childText(dependency, "scope"), name + " must be <scope>test</scope>");
      checked++;
    }
    assertTrue(checked > 0, "expected at least the test framework dependency");
  }

  private static String childText(Element parent, String localName) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && localName.equals(e.getLocalName())) {
        return e.getTextContent().strip();
      }
    }
    return null;
  }
}
