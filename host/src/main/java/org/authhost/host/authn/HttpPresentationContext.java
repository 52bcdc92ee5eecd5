package org.authhost.host.authn;

import org.authhost.api.PresentationContext;

/** {@code pPresentationCtx}: the publishing point and URL asked for. */
public record HttpPresentationContext(String publishingPoint, String url)
    implements PresentationContext {}
