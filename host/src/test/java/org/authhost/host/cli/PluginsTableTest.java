package org.authhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The {@code plugins} table: columns line up whatever the plug-ins' values are. */
class PluginsTableTest {

  @Test
  void columnsArePaddedByTheirWidestValue() throws Exception {
    String json =
        """
        [ { "id": "anonymous", "version": "0.1.0", "status": 6, "statusText": "LOADED|ENABLED",
            "protocol": "Anonymous", "errorText": "" },
          { "id": "a-plugin-with-a-long-identifier", "version": "12.0.1-SNAPSHOT", "status": 1,
            "statusText": "ERROR", "protocol": "X-Very-Long-Protocol-Name", "errorCode": "0x8007000B",
            "errorName": "E_BAD_FORMAT", "errorText": "the JAR has no descriptor" } ]
        """;
    String table = PluginsCommand.table(new ObjectMapper().readTree(json));
    // The widest id (31), version (15), status (20), protocol (25) and error code (23) set the
    // columns; a fixed width (16 for the id, as before) would push the rest of a row out of line.
    // The reload columns (hash, signer, state) are as wide as their headings here.
    String row = "%-31s %-15s %-7s %-6s %-5s %-20s %-25s %-23s %s";
    assertEquals(
        String.format(
                row,
                "ID",
                "VERSION",
                "SHA-256",
                "SIGNER",
                "STATE",
                "STATUS",
                "PROTOCOL",
                "ERROR CODE",
                "ERROR TEXT")
            + "\n"
            + String.format(
                    row,
                    "anonymous",
                    "0.1.0",
                    "",
                    "-",
                    "",
                    "LOADED|ENABLED (0x6)",
                    "Anonymous",
                    "",
                    "")
                .stripTrailing()
            + "\n"
            + String.format(
                row,
                "a-plugin-with-a-long-identifier",
                "12.0.1-SNAPSHOT",
                "",
                "-",
                "",
                "ERROR (0x1)",
                "X-Very-Long-Protocol-Name",
                "0x8007000B E_BAD_FORMAT",
                "the JAR has no descriptor")
            + "\n",
        table);
  }

  @Test
  void everyLineStartsEachColumnAtTheSamePlace() throws Exception {
    String json =
        """
        [ { "id": "p", "version": "1", "status": 6, "statusText": "LOADED|ENABLED",
            "protocol": "Basic", "errorText": "" },
          { "id": "a-plugin-with-a-long-identifier", "version": "1", "status": 2,
            "statusText": "LOADED", "protocol": "Negotiate", "errorText": "" } ]
        """;
    String[] lines = PluginsCommand.table(new ObjectMapper().readTree(json)).split("\n");
    int version = lines[0].indexOf("VERSION");
    int protocol = lines[0].indexOf("PROTOCOL");
    for (String line : lines) {
      assertEquals(' ', line.charAt(version - 1), line);
      assertEquals(' ', line.charAt(protocol - 1), line);
    }
    assertEquals("1", lines[1].substring(version, version + 1));
    assertEquals("1", lines[2].substring(version, version + 1));
    assertEquals("Basic", lines[1].substring(protocol, protocol + 5));
    assertEquals("Negotiate", lines[2].substring(protocol, protocol + 9));
  }

  @Test
  void aRowMustHaveACellPerColumn() {
    assertThrows(IllegalArgumentException.class, () -> new TextTable("A", "B").row("only one"));
  }

  @Test
  void theSignerColumnNamesWhoSignedEachJarOrADashWhereNoSignatureWasChecked() throws Exception {
    String listed =
        """
        [ { "id": "p", "version": "1", "status": 6, "statusText": "LOADED|ENABLED",
            "protocol": "Basic", "errorText": "", "signer": "CN=Author" },
          { "id": "q", "version": "1", "status": 6, "statusText": "LOADED|ENABLED",
            "protocol": "Basic", "errorText": "", "signer": "" } ]
        """;
    String[] lines = PluginsCommand.table(new ObjectMapper().readTree(listed)).split("\n");
    int column = lines[0].indexOf("SIGNER");
    assertTrue(column >= 0, lines[0]);
    assertEquals("CN=Author", lines[1].substring(column, column + "CN=Author".length()));
    assertEquals("- ", lines[2].substring(column, column + 2));
  }
}
