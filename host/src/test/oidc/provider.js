// A real OpenID Connect provider for AuthHost's tests: panva/oidc-provider 8 with the
// client-credentials grant issuing JWT access tokens (RFC 9068) signed with the test's own keys.
//
//   node provider.js CONFIG.json
//
// CONFIG: { "issuer": "http://127.0.0.1:PORT", "port": PORT,
//           "jwks": { "keys": [ private JWKs; the first one signs ] },
//           "audience": "authhost", "accessTokenTTL": 300,
//           "clients": [ { "client_id", "client_secret", "claims": { extra token claims } } ] }
//
// A token for another audience: POST /token with resource=<any absolute URI> (that URI becomes
// the token's aud). Prints "listening PORT" once it accepts connections; stops on SIGTERM.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const defaultResource = 'urn:authhost:default';
const claimsByClient = Object.fromEntries(config.clients.map((c) => [c.client_id, c.claims || {}]));

const provider = new Provider(config.issuer, {
  clients: config.clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  jwks: config.jwks,
  cookies: { keys: ['authhost-test-cookie-key'] },
  scopes: ['stream'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => defaultResource,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => ({
        scope: 'stream',
        audience: resource === defaultResource ? config.audience : resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: config.accessTokenTTL || 300,
      }),
    },
  },
  extraTokenClaims: (ctx, token) => claimsByClient[token.clientId] || {},
});
provider.proxy = false;

const server = provider.listen(config.port, '127.0.0.1', () => {
  console.log(`listening ${config.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
