package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

    @ParameterizedTest
    @CsvSource({
        "/tooltool/sha512/abc,/sha512/abc",
        "/tooltool,''",
        "/tooltool/,/",
        "/tooltool/a%20b,/a%20b",
        "/tooltool/%61bc,/abc",
        "/tooltool/a%2fb%2F,REFUSED",
        "/tooltool/caf%C3%A9,/caf%C3%A9",
        "/tooltool/a+b:c@d,/a+b:c@d",
        "/tooltool/a%3bb,/a%3Bb"})
    void restAfterThePrefixIsCanonical(String raw, String rest) throws Exception {
        if (rest.equals("REFUSED")) {
            assertThrows(RequestPath.InvalidPathException.class, () -> RequestPath.parse(raw));
            return;
        }
        assertEquals(rest, RequestPath.parse(raw).rest(1));
    }

    @Test
    void segmentsAreKeptIncludingATrailingEmptyOne() throws Exception {
        assertEquals(List.of("a", "b", ""), RequestPath.parse("/a/b/").segments());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tooltool/../x", "/tooltool/./x", "/tooltool/..", "/tooltool/%2e%2e/x", "/tooltool/%2E./x",
        "/tooltool/.%2e", "/tooltool/%2e", "/tooltool/a%2fb", "/tooltool/a%5cb", "/tooltool/a\\b", "/tooltool//x",
        "//tooltool/x", "/tooltool/..;/x", "/tooltool/x;jsessionid=1", "/tooltool/%zz", "/tooltool/%4", "/tooltool/a%00b",
        "relative", "/tooltool/a b"})
    void unsafePathsAreRefused(String raw) {
        assertThrows(RequestPath.InvalidPathException.class, () -> RequestPath.parse(raw));
    }
}
