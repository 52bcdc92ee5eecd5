package org.authhost.host.plugins.integrity;

import java.nio.file.Path;
import org.authhost.api.HResult;
import org.authhost.host.plugins.PluginProblem;

/**
 * What the host decides about one plug-in JAR before anything of it is staged or loaded, and why:
 * the counterpart of the answer Windows' {@code WinVerifyTrust} gives for a file, with a stable id
 * in place of its {@code TRUST_E_*} code and a fix an operator can act on.
 *
 * @param id stable id: {@code integrity/off}, {@code integrity/listed}, {@code integrity/built-in}
 *     or {@code integrity/signed} when admitted; one of the {@code integrity/*} refusals otherwise
 * @param admitted whether the host loads it
 * @param file the JAR
 * @param sha256 its SHA-256, lower-case hex; empty if it could not be read
 * @param signer the trusted signer's subject when admitted by its signature, else empty
 * @param reason why, in a sentence
 * @param fix what the operator can do; empty when admitted
 * @param hresult the code a refusal records on the plug-in ({@code S_OK} when admitted)
 */
public record Decision(
    String id,
    boolean admitted,
    Path file,
    String sha256,
    String signer,
    String reason,
    String fix,
    HResult hresult) {

  /** WinTrust's {@code TRUST_E_SUBJECT_NOT_TRUSTED}: not on any list, or not signed. */
  static final HResult TRUST_E_SUBJECT_NOT_TRUSTED = new HResult(0x800B0004);

  /** WinTrust's {@code TRUST_E_BAD_DIGEST}: an entry's bytes are not those signed. */
  static final HResult TRUST_E_BAD_DIGEST = new HResult(0x80096010);

  /** WinTrust's {@code TRUST_E_NOSIGNATURE}: no signature, or an entry outside it. */
  static final HResult TRUST_E_NOSIGNATURE = new HResult(0x800B0100);

  /** WinTrust's {@code CERT_E_UNTRUSTEDROOT}: the signer does not chain to the trust store. */
  static final HResult CERT_E_UNTRUSTEDROOT = new HResult(0x800B0109);

  /** NTE's {@code NTE_BAD_ALGID}: a digest, signature or key the host does not accept. */
  static final HResult NTE_BAD_ALGID = new HResult(0x80090008);

  static Decision admit(String id, Path file, String sha256, String signer, String reason) {
    return new Decision(id, true, file, sha256, signer, reason, "", HResult.S_OK);
  }

  static Decision refuse(
      String id, Path file, String sha256, HResult hresult, String reason, String fix) {
    return new Decision(id, false, file, sha256, "", reason, fix, hresult);
  }

  /** The refusal as the plug-in host reports it: an ERROR event and a plug-in in error. */
  public PluginProblem problem(String pluginId) {
    return new PluginProblem(
        id,
        pluginId,
        file,
        hresult,
        "refused by plugins.integrity: "
            + reason
            + (sha256.isEmpty() ? "" : " (SHA-256 " + sha256 + ")")
            + "; nothing of it was loaded",
        fix);
  }
}
