package org.authhost.testplugins.forgetful;

import org.authhost.api.AuthenticationFlags;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.testplugins.TestPlugin;

/**
 * An anonymous plug-in that declares {@code REUSABLE_CONTEXT} but whose context logs Guest on again
 * on every {@code Authenticate}: a kept context would hand out a new token per request and leave
 * the earlier ones open until the connection closes.
 */
public final class ForgetfulPlugin extends TestPlugin {
  @Override
  public HResult getFlags(Out<Integer> flags) {
    flags.set(AuthenticationFlags.ANONYMOUS | AuthenticationFlags.REUSABLE_CONTEXT);
    return HResult.S_OK;
  }
}
