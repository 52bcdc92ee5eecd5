package org.authhost.host.scaleout;

/** {@link DigestStateBehaviour} on the in-memory store, the default: nothing to install. */
class DigestOnLocalStateTest extends DigestStateBehaviour {
  @Override
  String stateJson() {
    return null;
  }
}
