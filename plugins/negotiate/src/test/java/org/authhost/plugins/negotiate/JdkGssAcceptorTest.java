package org.authhost.plugins.negotiate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.security.auth.kerberos.KerberosKey;
import javax.security.auth.kerberos.KeyTab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK acceptor's credential life cycle, with a keytab written here: an acceptor logs in and
 * acquires its credential without a KDC, so none is needed.
 */
class JdkGssAcceptorTest {
  static final String SERVICE = "HTTP/localhost@TEST.LOCAL";

  @TempDir Path dir;

  /** An MIT keytab (format 0x502) with one aes128-cts-hmac-sha1-96 key of {@code principal}. */
  static Path keytab(Path file, String principal) throws IOException {
    String realm = principal.substring(principal.indexOf('@') + 1);
    List<String> components = List.of(principal.substring(0, principal.indexOf('@')).split("/"));
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    DataOutputStream e = new DataOutputStream(entry);
    e.writeShort(components.size());
    counted(e, realm.getBytes(StandardCharsets.UTF_8));
    for (String c : components) {
      counted(e, c.getBytes(StandardCharsets.UTF_8));
    }
    e.writeInt(1); // KRB5_NT_PRINCIPAL
    e.writeInt(1_700_000_000);
    e.writeByte(1); // kvno
    e.writeShort(17); // aes128-cts-hmac-sha1-96
    counted(e, new byte[16]);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(all);
    out.writeShort(0x0502);
    out.writeInt(entry.size());
    out.write(entry.toByteArray());
    return Files.write(file, all.toByteArray());
  }

  private static void counted(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeShort(bytes.length);
    out.write(bytes);
  }

  @Test
  void disposeLogsTheServiceOutAndLaterLegsAreNotKeytabProblems() throws Exception {
    JdkGssAcceptor acceptor =
        JdkGssAcceptor.start(SERVICE, keytab(dir.resolve("http.keytab"), SERVICE), false);
    assertFalse(noKeys(acceptor), "logged in: the subject holds the service's keys");
    GssAcceptor.Handshake before = acceptor.newHandshake();
    byte[] garbage = Spnego.encodeInit(List.of(Spnego.KRB5_OID), new byte[] {1, 2, 3}, null);
    assertInstanceOf(Step.Refused.class, acceptor.newHandshake().accept(garbage));

    acceptor.dispose();
    assertTrue(
        noKeys(acceptor),
        "after dispose the keys have left the subject: "
            + acceptor.subject().getPrivateCredentials());
    assertInstanceOf(
        Step.Unavailable.class, before.accept(garbage), "a handshake begun before disable");
    assertInstanceOf(Step.Unavailable.class, acceptor.newHandshake().accept(garbage));
    acceptor.dispose(); // twice is harmless
  }

  /** Whether the subject holds no key material any more. */
  private static boolean noKeys(JdkGssAcceptor acceptor) {
    return acceptor.subject().getPrivateCredentials(KeyTab.class).isEmpty()
        && acceptor.subject().getPrivateCredentials(KerberosKey.class).isEmpty();
  }
}
