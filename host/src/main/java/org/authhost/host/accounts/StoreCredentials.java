package org.authhost.host.accounts;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.authhost.api.CredentialService;
import org.authhost.api.HResult;
import org.authhost.api.Out;

/** The plug-ins' view of the account store's derived secrets. */
@Singleton
public final class StoreCredentials implements CredentialService {
  private final AccountStore store;

  @Inject
  public StoreCredentials(AccountStore store) {
    this.store = store;
  }

  @Override
  public HResult getDigestHa1(String accountName, String realm, String algorithm, Out<byte[]> ha1) {
    if (accountName == null || realm == null || algorithm == null || ha1 == null) {
      return HResult.E_INVALIDARG;
    }
    if (Secrets.digestAlgorithm(algorithm) == null) {
      return HResult.E_INVALIDARG;
    }
    if (!store.digestRealms().contains(realm)) {
      return HResult.E_INVALIDARG;
    }
    var found = store.digestHa1(accountName, realm, algorithm);
    if (found.isEmpty()) {
      return HResult.E_LOGON_FAILURE;
    }
    ha1.set(found.get());
    return HResult.S_OK;
  }

  @Override
  public HResult keepsDigestSecrets(String realm, String algorithm) {
    return realm != null
            && algorithm != null
            && Secrets.digestAlgorithm(algorithm) != null
            && store.digestRealms().contains(realm)
        ? HResult.S_OK
        : HResult.S_FALSE;
  }

  @Override
  public HResult findUserByHash(
      String realm, String algorithm, String userhash, Out<String> accountName) {
    String alg = algorithm == null ? null : Secrets.digestAlgorithm(algorithm);
    if (realm == null || alg == null || userhash == null || accountName == null) {
      return HResult.E_INVALIDARG;
    }
    String name = index(realm, alg).get(userhash.toLowerCase(Locale.ROOT));
    if (name == null) {
      return HResult.E_LOGON_FAILURE;
    }
    accountName.set(name);
    return HResult.S_OK;
  }

  /** {@code H(name:realm)} → name for the enabled accounts, built once per version of the store. */
  private Map<String, String> index(String realm, String algorithm) {
    Object version = store.version();
    Index current = index;
    if (current == null || current.version() != version) {
      current = new Index(version, new ConcurrentHashMap<>());
      index = current;
    }
    return current
        .byRealmAndAlgorithm()
        .computeIfAbsent(
            realm + "\u0000" + algorithm,
            k -> {
              Map<String, String> byHash = new HashMap<>();
              for (UserView user : store.users()) {
                if (!user.disabled()) {
                  byHash.put(hex(algorithm, user.name() + ":" + realm), user.name());
                }
              }
              return Map.copyOf(byHash);
            });
  }

  /** The userhash index of one version of the store. */
  private record Index(Object version, Map<String, Map<String, String>> byRealmAndAlgorithm) {}

  private volatile Index index;

  @Override
  public HResult getNtHash(String accountName, Out<byte[]> ntHash) {
    if (accountName == null || ntHash == null) {
      return HResult.E_INVALIDARG;
    }
    var found = store.ntHash(accountName);
    if (found.isEmpty()) {
      return HResult.E_LOGON_FAILURE;
    }
    ntHash.set(found.get());
    return HResult.S_OK;
  }

  private static String hex(String algorithm, String text) {
    try {
      String jdk =
          switch (algorithm) {
            case "MD5" -> "MD5";
            case "SHA-256" -> "SHA-256";
            default -> "SHA-512/256";
          };
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance(jdk).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
