package org.authhost.host.kit;

/**
 * The rules of the plug-in contract the kit checks, each with a stable id and the WMS or SSPI
 * document it comes from (see the plug-in authors' guide for the whole model).
 */
public enum Rule {
  DESCRIPTOR(
      "KIT-DESCRIPTOR",
      "descriptor complete and strict, API version supported",
      "AuthHost plug-in descriptor (docs/plugin-authors.md); WMS plug-in registration,"
          + " NS_E_PLUGIN_CLSID_INVALID (nserror.h)"),
  ENTRY_POINT(
      "KIT-ENTRY-POINT",
      "entry point loads in the plug-in's own class loader and constructs",
      "WMS plug-in creation (IWMSBasicPlugin dd893392); NS_E_PLUGIN_CLSID_INVALID 0xC00D1B76"),
  LIFECYCLE(
      "KIT-LIFECYCLE",
      "initialize, enable, disable, enable again, disable, shutdown; status bits right",
      "IWMSBasicPlugin dd893392: InitializePlugin ms747291, EnablePlugin ms747289, DisablePlugin"
          + " ms747288, ShutdownPlugin ms747294; WMS_PLUGIN_STATUS ms756156"),
  CALLBACK_ONCE(
      "KIT-CALLBACK-ONCE",
      "OnAuthenticateComplete (or OnAuthenticateRefused, API 1.3, or OnAuthenticateForbidden,"
          + " API 1.4) exactly once per Authenticate, from any thread, within the time limit,"
          + " never twice, never after release",
      "IWMSAuthenticationContext::Authenticate ms746178; IWMSAuthenticationCallback::"
          + "OnAuthenticateComplete ms745812 (call exactly once per Authenticate)"),
  TOKEN_OWNERSHIP(
      "KIT-TOKEN-OWNERSHIP",
      "GetImpersonationToken: S_OK with a handle the context keeps owning, the same handle again,"
          + " SEC_E_INVALID_HANDLE after release, a failing HRESULT on the failure paths; with"
          + " REUSABLE_CONTEXT (API 1.6), Authenticate again on the SUCCESS context answers SUCCESS"
          + " with the handle it holds; with REVERIFYING_CONTEXT (API 1.7), the client's exchange"
          + " again on it answers SUCCESS with that handle, a replay of its last response is not"
          + " SUCCESS, and another account's exchange never gets that handle",
      "IWMSAuthenticationContext::GetImpersonationToken ms746183; SSPI SpGetContextTokenFn"
          + " (the package keeps ownership; the caller never closes the handle)"),
  ERROR_REPORTED(
      "KIT-ERROR-REPORTED",
      "NS_E_PLUGIN_ERROR_REPORTED only after the plug-in logged its own event",
      "WMS \"Identifying Plug-in Errors\" dd874619; IWMSEventLog::LogEvent ms747272;"
          + " NS_E_PLUGIN_ERROR_REPORTED 0xC00D157D (nserror.h)"),
  MALFORMED_INPUT(
      "KIT-MALFORMED-INPUT",
      "malformed and random client blobs answered with DENIED or CONTINUE, never an exception,"
          + " a hang or ERROR; a refusal's reason (OnAuthenticateForbidden) never repeats what the"
          + " client sent",
      "IWMSAuthenticationContext::Authenticate ms746178 (ResponseBlob is client data);"
          + " WMS_AUTHENTICATION_RESULT ms756023"),
  SERVICE_FAILURES(
      "KIT-SERVICE-FAILURES",
      "with a host service failing under it (token service E_FAIL, credential service"
          + " SEC_E_LOGON_DENIED, a closed token, event log or state service E_FAIL) Authenticate"
          + " answers DENIED or"
          + " a failing HRESULT, never an exception, never SUCCESS without a live token, never"
          + " SUCCESS when its replay check (StateService claim, increment or claimInWindow) failed; and it comes"
          + " back into service (EnablePlugin) once the services work again",
      "IWMSAuthenticationContext::Authenticate ms746178; SSPI AcceptSecurityContext (a failed"
          + " logon is a SEC_E_* status, SEC_E_LOGON_DENIED); IWMSEventLog::LogEvent ms747272"),
  NO_LEFTOVERS(
      "KIT-NO-LEFTOVERS",
      "no thread or timer of the plug-in left running after ShutdownPlugin",
      "IWMSBasicPlugin::ShutdownPlugin ms747294 (release what the plug-in holds)"),
  UNLOADABLE(
      "KIT-UNLOADABLE",
      "the plug-in's class loader can be collected after unload",
      "WMS_PLUGIN_STATUS ms756156 (a plug-in is unloaded by removing it); AuthHost hot reload");

  private final String id;
  private final String checks;
  private final String reference;

  Rule(String id, String checks, String reference) {
    this.id = id;
    this.checks = checks;
    this.reference = reference;
  }

  /** The stable id, e.g. {@code KIT-CALLBACK-ONCE}. */
  public String id() {
    return id;
  }

  /** What the rule asks of a plug-in, in one line. */
  public String checks() {
    return checks;
  }

  /** The WMS or SSPI document the rule comes from. */
  public String reference() {
    return reference;
  }
}
