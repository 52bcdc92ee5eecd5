package org.authhost.plugins.negotiate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.HashMap;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KeyTab;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

/**
 * Kerberos through the JDK's GSS-API only: the service logs in from its keytab with {@code
 * Krb5LoginModule} under a JAAS {@link Configuration} built here (no global JAAS file, no system
 * property), acquires one ACCEPT_ONLY credential for SPNEGO and Kerberos, and accepts each
 * connection's tokens with a context made from it.
 *
 * <p>The JDK keeps a replay cache of authenticators, so a replayed AP-REQ fails with "Request is a
 * replay (34)"; that, a defective token and a ticket for another key are all {@link Step.Refused}.
 */
final class JdkGssAcceptor implements GssAcceptor {
  static final String LOGIN_MODULE = "com.sun.security.auth.module.Krb5LoginModule";

  private final LoginContext login;
  private final Subject subject;
  private final GSSCredential credential;
  private final GSSManager manager;
  private volatile boolean disposed;

  private JdkGssAcceptor(
      LoginContext login, Subject subject, GSSCredential credential, GSSManager manager) {
    this.login = login;
    this.subject = subject;
    this.credential = credential;
    this.manager = manager;
  }

  /** For tests: the service's subject, which holds its keys until {@link #dispose()}. */
  Subject subject() {
    return subject;
  }

  /** Why the acceptor could not start, with what to do about it; for the enable failure. */
  static final class StartFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StartFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Logs the service principal in from its keytab and acquires the acceptor credential.
   *
   * @param refreshConfig make the JDK re-read {@code java.security.krb5.conf} (set just now by the
   *     plug-in), in case something read the Kerberos configuration before it was set
   */
  static JdkGssAcceptor start(String principal, Path keytab, boolean refreshConfig)
      throws StartFailure {
    if (!Files.isRegularFile(keytab) || !Files.isReadable(keytab)) {
      throw new StartFailure(
          "cannot read the keytab "
              + keytab
              + " for "
              + principal
              + "; export the key with kadmin: ktadd -k "
              + keytab
              + " "
              + principal
              + ", and make the file readable by the host's account",
          null);
    }
    // The login module checks no key at all when it does not initiate: look for one now, so that
    // a keytab for another principal fails here instead of refusing every client. NT_PRINCIPAL,
    // not NT_SRV_HST: the latter would canonicalise the host name through DNS.
    KerberosPrincipal kp;
    try {
      kp = new KerberosPrincipal(principal, KerberosPrincipal.KRB_NT_PRINCIPAL);
    } catch (IllegalArgumentException e) {
      throw new StartFailure(
          "the service principal "
              + principal
              + " is not usable: "
              + e.getMessage()
              + "; check servicePrincipal and the realm in the krb5.conf",
          e);
    }
    try {
      if (KeyTab.getInstance(kp, keytab.toFile()).getKeys(kp).length == 0) {
        throw new StartFailure(
            "the keytab "
                + keytab
                + " holds no key for "
                + principal
                + "; export it with kadmin: ktadd -k "
                + keytab
                + " "
                + principal
                + " (the principal must be written exactly as the clients ask for it)",
            null);
      }
    } catch (SecurityException | IllegalArgumentException e) {
      throw new StartFailure("cannot read the keytab " + keytab + ": " + e, e);
    }
    Map<String, String> options = new HashMap<>();
    options.put("useKeyTab", "true");
    options.put("keyTab", keytab.toString());
    options.put("principal", principal);
    options.put("storeKey", "true");
    options.put("isInitiator", "false");
    options.put("doNotPrompt", "true");
    if (refreshConfig) {
      options.put("refreshKrb5Config", "true");
    }
    Configuration jaas =
        new Configuration() {
          @Override
          public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            return new AppConfigurationEntry[] {
              new AppConfigurationEntry(
                  LOGIN_MODULE, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)
            };
          }
        };
    Subject subject = new Subject();
    LoginContext login;
    try {
      login = new LoginContext("authhost-negotiate", subject, null, jaas);
      login.login();
    } catch (LoginException e) {
      throw new StartFailure(
          "Kerberos login of "
              + principal
              + " from keytab "
              + keytab
              + " failed: "
              + e.getMessage()
              + "; check the keytab, servicePrincipal and krb5Config",
          e);
    }
    GSSManager manager = GSSManager.getInstance();
    try {
      GSSName name = manager.createName(principal, GSSName.NT_USER_NAME);
      GSSCredential credential =
          Subject.doAs(
              subject,
              (PrivilegedExceptionAction<GSSCredential>)
                  () ->
                      manager.createCredential(
                          name,
                          GSSCredential.INDEFINITE_LIFETIME,
                          new Oid[] {new Oid(Spnego.SPNEGO_OID), new Oid(Spnego.KRB5_OID)},
                          GSSCredential.ACCEPT_ONLY));
      return new JdkGssAcceptor(login, subject, credential, manager);
    } catch (GSSException | PrivilegedActionException e) {
      logout(login);
      Throwable cause = e instanceof PrivilegedActionException p ? p.getCause() : e;
      throw new StartFailure(
          "cannot acquire the acceptor credential of "
              + principal
              + " from keytab "
              + keytab
              + ": "
              + cause.getMessage()
              + "; check that the keytab holds that principal's current keys",
          cause);
    }
  }

  @Override
  public Handshake newHandshake() {
    return new JdkHandshake();
  }

  @Override
  public synchronized void dispose() {
    if (disposed) {
      return;
    }
    disposed = true;
    try {
      credential.dispose();
    } catch (GSSException ignored) {
      // The keys themselves go with the logout.
    }
    logout(login);
  }

  /** Krb5LoginModule's logout destroys the keys and the keytab object it put in the subject. */
  private static void logout(LoginContext login) {
    try {
      login.logout();
    } catch (LoginException ignored) {
      // Only thrown when the subject's credentials are read-only or cannot be destroyed; there is
      // nothing more to do with them here.
    }
  }

  private static final Step GONE =
      new Step.Unavailable(
          "the plug-in was disabled while this Kerberos handshake was " + "under way");

  /** One connection's {@link GSSContext}, made on its first token. */
  private final class JdkHandshake implements Handshake {
    private GSSContext context;

    @Override
    public Step accept(byte[] token) {
      if (disposed) {
        return GONE;
      }
      try {
        if (context == null) {
          context = manager.createContext(credential);
        }
        GSSContext current = context;
        byte[] out =
            Subject.doAs(
                subject,
                (PrivilegedExceptionAction<byte[]>)
                    () -> current.acceptSecContext(token, 0, token.length));
        if (current.isEstablished()) {
          return new Step.Established(current.getSrcName().toString(), out);
        }
        if (out == null || out.length == 0) {
          return new Step.Refused(
              "GSS-API wants another token but gave the client nothing to answer");
        }
        return new Step.Continue(out);
      } catch (GSSException e) {
        return refused(e);
      } catch (PrivilegedActionException e) {
        return e.getCause() instanceof GSSException g
            ? refused(g)
            : new Step.Refused("GSS-API refused the token: " + e.getCause());
      } catch (RuntimeException e) {
        // The JDK's decoders throw unchecked exceptions on some garbage: still the client's token,
        // not a broken plug-in, so it is a refusal.
        return new Step.Refused("GSS-API could not read the token: " + e);
      }
    }

    private Step refused(GSSException e) {
      if (disposed) {
        // The credential went away under this handshake (disable): not a keytab problem.
        return GONE;
      }
      String message = String.valueOf(e.getMessage());
      // KRB_AP_ERR_BADKEYVER (44), KRB_AP_ERR_NOKEY (45), or no key of the ticket's enctype: the
      // KDC encrypted the ticket with a key this keytab lacks (re-keyed principal, old keytab).
      // Matched on the text because that is all the JDK gives: its Krb5Context turns the
      // KrbException into GSSException(FAILURE, minor -1, message), so neither the major nor the
      // minor code tells a missing key from any other failure, and the cause's returnCode() is in
      // sun.security.krb5, which java.security.jgss does not export. NO_CRED is the one code that
      // does mean "no usable key"; the texts are the JDK's own (KrbException's "... (44)",
      // KrbApReq's
      // "Cannot find key of appropriate type ..."), not the client's.
      boolean keyProblem =
          e.getMajor() == GSSException.NO_CRED
              || message.contains("(44)")
              || message.contains("(45)")
              || message.contains("Cannot find key");
      return new Step.Refused("GSS-API refused the token: " + message, keyProblem);
    }

    @Override
    public void dispose() {
      if (context != null) {
        try {
          context.dispose();
        } catch (GSSException ignored) {
          // Freeing memory only.
        }
        context = null;
      }
    }
  }
}
