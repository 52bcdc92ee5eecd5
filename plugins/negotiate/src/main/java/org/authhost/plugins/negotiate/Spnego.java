package org.authhost.plugins.negotiate;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * SPNEGO's messages (RFC 4178 §4.2), as far as the server must read and write them itself: the
 * NTLM-in-SPNEGO exchange that the JDK's GSS-API does not speak. Kerberos tokens are only looked at
 * here (which mechanism comes first) and then handed whole to the JDK.
 *
 * <pre>
 * InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE { thisMech OID, innerContextToken ANY }
 * NegotiationToken    ::= CHOICE { negTokenInit [0] NegTokenInit, negTokenResp [1] NegTokenResp }
 * NegTokenInit ::= SEQUENCE { mechTypes [0] MechTypeList, reqFlags [1] ContextFlags OPTIONAL,
 *                             mechToken [2] OCTET STRING OPTIONAL, mechListMIC [3] OCTET STRING OPTIONAL }
 * NegTokenResp ::= SEQUENCE { negState [0] ENUMERATED OPTIONAL, supportedMech [1] OID OPTIONAL,
 *                             responseToken [2] OCTET STRING OPTIONAL, mechListMIC [3] OCTET STRING OPTIONAL }
 * </pre>
 */
final class Spnego {
  static final String SPNEGO_OID = "1.3.6.1.5.5.2";
  static final String NTLMSSP_OID = "1.3.6.1.4.1.311.2.2.10";
  static final String KRB5_OID = "1.2.840.113554.1.2.2";

  /**
   * The OID that Windows (before 2003 SP1, and still in its lists) writes for Kerberos by mistake.
   */
  static final String MS_KRB5_OID = "1.2.840.48018.1.2.2";

  static final int ACCEPT_COMPLETED = 0;
  static final int ACCEPT_INCOMPLETE = 1;
  static final int REJECT = 2;
  static final int REQUEST_MIC = 3;

  private static final byte[] NTLMSSP_SIGNATURE = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

  private Spnego() {}

  /** What a token is, from its first bytes alone. */
  enum Kind {
    /** A bare NTLMSSP message, as Windows sends under Negotiate when it has no ticket. */
    RAW_NTLMSSP,
    /** An RFC 2743 InitialContextToken (0x60): SPNEGO's NegTokenInit, or a bare Kerberos AP-REQ. */
    INITIAL,
    /** A NegTokenResp (0xA1): a later leg of a SPNEGO exchange. */
    RESPONSE,
    /** Anything else. */
    UNKNOWN
  }

  static Kind kind(byte[] token) {
    if (isNtlmssp(token)) {
      return Kind.RAW_NTLMSSP;
    }
    if (token.length > 0 && (token[0] & 0xFF) == Der.APPLICATION_0) {
      return Kind.INITIAL;
    }
    if (token.length > 0 && (token[0] & 0xFF) == Der.context(1)) {
      return Kind.RESPONSE;
    }
    return Kind.UNKNOWN;
  }

  static boolean isNtlmssp(byte[] token) {
    if (token.length < NTLMSSP_SIGNATURE.length + 4) {
      return false;
    }
    for (int i = 0; i < NTLMSSP_SIGNATURE.length; i++) {
      if (token[i] != NTLMSSP_SIGNATURE[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The NTLMSSP MessageType (1 NEGOTIATE, 2 CHALLENGE, 3 AUTHENTICATE) of a token that has the
   * signature.
   */
  static int ntlmMessageType(byte[] token) {
    return (token[8] & 0xFF)
        | (token[9] & 0xFF) << 8
        | (token[10] & 0xFF) << 16
        | (token[11] & 0xFF) << 24;
  }

  /**
   * A client's first SPNEGO token.
   *
   * @param mechTypes the mechanisms in the client's order of preference, as dotted OIDs
   * @param mechTypesEncoding the DER of the MechTypeList, exactly as received: the mechListMIC is
   *     computed over these bytes
   * @param mechToken the optimistic token of the first mechanism, or {@code null}
   * @param mechListMic the client's mechListMIC, or {@code null}
   */
  record NegTokenInit(
      List<String> mechTypes, byte[] mechTypesEncoding, byte[] mechToken, byte[] mechListMic) {
    NegTokenInit {
      mechTypes = List.copyOf(mechTypes);
    }
  }

  /**
   * A later SPNEGO leg (or the server's answer).
   *
   * @param negState 0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic; -1 when
   *     absent
   * @param supportedMech the dotted OID, or {@code null}
   * @param responseToken the mechanism's token, or {@code null}
   * @param mechListMic the mechListMIC, or {@code null}
   */
  record NegTokenResp(
      int negState, String supportedMech, byte[] responseToken, byte[] mechListMic) {}

  /**
   * The {@code thisMech} OID of an InitialContextToken, after checking that its outer length covers
   * the whole token.
   */
  static String initialMech(byte[] token) throws Malformed {
    Der.Reader top = new Der.Reader(token);
    Der.Tlv outer = top.read(Der.APPLICATION_0, "InitialContextToken");
    top.expectEnd("InitialContextToken");
    return Der.oid(outer.contents().read(Der.OID, "InitialContextToken thisMech"));
  }

  /** Parses a client's {@code [APPLICATION 0] { SPNEGO OID, [0] NegTokenInit }}. */
  static NegTokenInit parseInit(byte[] token) throws Malformed {
    Der.Reader top = new Der.Reader(token);
    Der.Tlv outer = top.read(Der.APPLICATION_0, "InitialContextToken");
    top.expectEnd("InitialContextToken");
    Der.Reader inner = outer.contents();
    String mech = Der.oid(inner.read(Der.OID, "InitialContextToken thisMech"));
    if (!mech.equals(SPNEGO_OID)) {
      throw new Malformed("InitialContextToken is for " + mech + ", not SPNEGO");
    }
    Der.Tlv choice = inner.read("NegotiationToken");
    inner.expectEnd("InitialContextToken");
    if (choice.tag() != Der.context(0)) {
      throw new Malformed(
          "the first SPNEGO token must be a NegTokenInit [0], found tag 0x"
              + Integer.toHexString(choice.tag()));
    }
    Der.Reader wrapper = choice.contents();
    Der.Tlv sequence = wrapper.read(Der.SEQUENCE, "NegTokenInit");
    wrapper.expectEnd("NegTokenInit");
    Der.Reader fields = sequence.contents();

    Der.Tlv mechTypesField = fields.read(Der.context(0), "NegTokenInit mechTypes");
    Der.Reader mechTypesWrapper = mechTypesField.contents();
    Der.Tlv list = mechTypesWrapper.read(Der.SEQUENCE, "MechTypeList");
    mechTypesWrapper.expectEnd("mechTypes");
    List<String> mechTypes = new ArrayList<>();
    Der.Reader oids = list.contents();
    while (oids.hasMore()) {
      mechTypes.add(Der.oid(oids.read(Der.OID, "MechTypeList")));
    }
    if (mechTypes.isEmpty()) {
      throw new Malformed("NegTokenInit offers no mechanism");
    }
    if (fields.peekTag() == Der.context(1)) {
      Der.Reader flags = fields.read("NegTokenInit reqFlags").contents();
      flags.read(Der.BIT_STRING, "reqFlags");
      flags.expectEnd("reqFlags");
    }
    byte[] mechToken = optionalOctets(fields, 2, "NegTokenInit mechToken");
    byte[] mic = optionalOctets(fields, 3, "NegTokenInit mechListMIC");
    if (fields.hasMore()) {
      throw new Malformed(
          "NegTokenInit has an unexpected field with tag 0x"
              + Integer.toHexString(fields.peekTag()));
    }
    return new NegTokenInit(mechTypes, list.encoded(), mechToken, mic);
  }

  /** Parses a {@code [1] NegTokenResp}. */
  static NegTokenResp parseResp(byte[] token) throws Malformed {
    Der.Reader top = new Der.Reader(token);
    Der.Tlv choice = top.read(Der.context(1), "NegTokenResp");
    top.expectEnd("NegTokenResp");
    Der.Reader wrapper = choice.contents();
    Der.Tlv sequence = wrapper.read(Der.SEQUENCE, "NegTokenResp");
    wrapper.expectEnd("NegTokenResp");
    Der.Reader fields = sequence.contents();
    int negState = -1;
    if (fields.peekTag() == Der.context(0)) {
      Der.Reader state = fields.read("NegTokenResp negState").contents();
      Der.Tlv value = state.read(Der.ENUMERATED, "negState");
      state.expectEnd("negState");
      if (value.length() != 1 || (value.source()[value.valueStart()] & 0xFF) > REQUEST_MIC) {
        throw new Malformed("negState is not one of 0..3");
      }
      negState = value.source()[value.valueStart()];
    }
    String supportedMech = null;
    if (fields.peekTag() == Der.context(1)) {
      Der.Reader mech = fields.read("NegTokenResp supportedMech").contents();
      supportedMech = Der.oid(mech.read(Der.OID, "supportedMech"));
      mech.expectEnd("supportedMech");
    }
    byte[] responseToken = optionalOctets(fields, 2, "NegTokenResp responseToken");
    byte[] mic = optionalOctets(fields, 3, "NegTokenResp mechListMIC");
    if (fields.hasMore()) {
      throw new Malformed(
          "NegTokenResp has an unexpected field with tag 0x"
              + Integer.toHexString(fields.peekTag()));
    }
    return new NegTokenResp(negState, supportedMech, responseToken, mic);
  }

  private static byte[] optionalOctets(Der.Reader fields, int n, String what) throws Malformed {
    if (fields.peekTag() != Der.context(n)) {
      return null;
    }
    Der.Reader wrapper = fields.read(what).contents();
    byte[] value = wrapper.read(Der.OCTET_STRING, what).value();
    wrapper.expectEnd(what);
    return value;
  }

  /** Encodes a NegTokenResp; {@code negState < 0} and {@code null}s leave fields out. */
  static byte[] encodeResp(
      int negState, String supportedMech, byte[] responseToken, byte[] mechListMic) {
    ByteArrayOutputStream fields = new ByteArrayOutputStream();
    if (negState >= 0) {
      fields.writeBytes(
          Der.tlv(Der.context(0), Der.tlv(Der.ENUMERATED, new byte[] {(byte) negState})));
    }
    if (supportedMech != null) {
      fields.writeBytes(Der.tlv(Der.context(1), Der.encodeOid(supportedMech)));
    }
    if (responseToken != null) {
      fields.writeBytes(Der.tlv(Der.context(2), Der.tlv(Der.OCTET_STRING, responseToken)));
    }
    if (mechListMic != null) {
      fields.writeBytes(Der.tlv(Der.context(3), Der.tlv(Der.OCTET_STRING, mechListMic)));
    }
    return Der.tlv(Der.context(1), Der.tlv(Der.SEQUENCE, fields.toByteArray()));
  }

  /** Encodes a client's NegTokenInit; for tests, and to document the layout the parser expects. */
  static byte[] encodeInit(List<String> mechTypes, byte[] mechToken, byte[] mechListMic) {
    ByteArrayOutputStream oids = new ByteArrayOutputStream();
    mechTypes.forEach(m -> oids.writeBytes(Der.encodeOid(m)));
    ByteArrayOutputStream fields = new ByteArrayOutputStream();
    fields.writeBytes(Der.tlv(Der.context(0), Der.tlv(Der.SEQUENCE, oids.toByteArray())));
    if (mechToken != null) {
      fields.writeBytes(Der.tlv(Der.context(2), Der.tlv(Der.OCTET_STRING, mechToken)));
    }
    if (mechListMic != null) {
      fields.writeBytes(Der.tlv(Der.context(3), Der.tlv(Der.OCTET_STRING, mechListMic)));
    }
    return Der.tlv(
        Der.APPLICATION_0,
        Der.encodeOid(SPNEGO_OID),
        Der.tlv(Der.context(0), Der.tlv(Der.SEQUENCE, fields.toByteArray())));
  }
}
