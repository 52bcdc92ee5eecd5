package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PersonalAnswersTest {
  @Test
  void anOriginThatSaidNothingIsMadePrivate() {
    assertEquals("private", PersonalAnswers.privateForm(null));
    assertEquals("private", PersonalAnswers.privateForm(" "));
  }

  @Test
  void whatAllowsSharedCachesGoesTheRestStays() {
    assertEquals(
        "private, max-age=60, must-revalidate",
        PersonalAnswers.privateForm("public, max-age=60, s-maxage=600, must-revalidate"));
    assertEquals("private, no-cache", PersonalAnswers.privateForm("no-cache"));
  }

  @Test
  void privateOrNoStoreAlreadyIsKeptAsTheOriginSaidIt() {
    assertEquals("private, max-age=5", PersonalAnswers.privateForm("private, max-age=5"));
    assertEquals("no-store", PersonalAnswers.privateForm("no-store"));
    assertEquals("max-age=0, NO-STORE", PersonalAnswers.privateForm("max-age=0, NO-STORE"));
  }

  @Test
  void aPrivateThatNamesFieldsLeavesTheBodyShareableSoItIsReplaced() {
    // private="Set-Cookie, X-A" marks only those fields: a shared cache may still keep the body.
    assertEquals(
        "private, max-age=60",
        PersonalAnswers.privateForm("private=\"Set-Cookie, X-A\", max-age=60"));
  }
}
