package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code docs/integrations.md} shows the nginx recipes the end-to-end tests run, verbatim: a change
 * to a tested file that the page does not follow (or the reverse) fails here, without nginx
 * installed.
 */
class IntegrationsDocsTest {
  @ParameterizedTest
  @ValueSource(strings = {NginxRecipe.AUTH_REQUEST, NginxRecipe.RTMP})
  void theGuideShowsTheTestedFileVerbatim(String recipe) throws Exception {
    Path guide = NginxRecipe.folder().resolveSibling("integrations.md");
    String page = Files.readString(guide);
    String file = NginxRecipe.text(recipe);
    assertTrue(
        page.contains("```nginx\n" + file + "```\n"),
        guide
            + " must show docs/integrations/"
            + recipe
            + " verbatim in an nginx code block (copy the file into it again)");
  }
}
