package com.example.authhost.apikey;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.authhost.testkit.KitOptions;
import org.authhost.testkit.PluginContract;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The packaged plug-in against every rule of the contract, one test per rule, with a client that
 * knows a key, so that the success path (the token's ownership) is checked too.
 */
class ApiKeyContractIT {
  private static final String KEY = "a-key-for-the-contract-check";

  @TestFactory
  Stream<DynamicTest> theJarKeepsEveryRuleOfTheContract() {
    KitOptions options =
        KitOptions.defaults()
            .withProperty("keys", "encoder1=" + ApiKeys.sha256(KEY))
            .withAccount("encoder1", "an-unused-password")
            .withClient((leg, challenge) -> KEY.getBytes(StandardCharsets.ISO_8859_1));
    return PluginContract.rules(Path.of(System.getProperty("plugin.jar")), options);
  }
}
