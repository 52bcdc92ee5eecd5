/**
 * The contract test kit's engine, internal: the command line ({@code authhost plugins check}) and
 * the published kit ({@code org.authhost.testkit}, whose façade types are the authors' API) call
 * it; plug-in authors never use these types directly. Public only because those two live in other
 * packages and modules.
 */
package org.authhost.host.kit;
