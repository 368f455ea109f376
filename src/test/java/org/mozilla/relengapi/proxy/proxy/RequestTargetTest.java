package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {

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
            assertThrows(RequestTarget.InvalidPathException.class, () -> RequestTarget.parse(raw, null));
            return;
        }
        assertEquals(rest, RequestTarget.parse(raw, null).rest(1));
    }

    @Test
    void segmentsAreKeptIncludingATrailingEmptyOne() throws Exception {
        assertEquals(List.of("a", "b", ""), RequestTarget.parse("/a/b/", null).segments());
    }

    @ParameterizedTest
    @CsvSource({"a=1&b=%20two,a=1&b=%20two", "x=a/b?c:d@e,x=a/b?c:d@e", "x=a\\b,x=a%5Cb", "x=é,x=%C3%A9", "'',''"})
    void queryIsKeptButForCharactersAUriCannotHoldRaw(String raw, String canonical) throws Exception {
        assertEquals(canonical, RequestTarget.parse("/a", raw).query());
    }

    @Test
    void noQueryStaysAbsent() throws Exception {
        assertEquals(null, RequestTarget.parse("/a", null).query());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x=%zz", "x=%", "x=%4"})
    void malformedQueryEscapesAreRefused(String raw) {
        assertThrows(RequestTarget.InvalidPathException.class, () -> RequestTarget.parse("/a", raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tooltool/../x", "/tooltool/./x", "/tooltool/..", "/tooltool/%2e%2e/x", "/tooltool/%2E./x",
        "/tooltool/.%2e", "/tooltool/%2e", "/tooltool/a%2fb", "/tooltool/a%5cb", "/tooltool/a\\b", "/tooltool//x",
        "//tooltool/x", "/tooltool/..;/x", "/tooltool/x;jsessionid=1", "/tooltool/%zz", "/tooltool/%4", "/tooltool/a%00b",
        "relative", "/tooltool/a b"})
    void unsafePathsAreRefused(String raw) {
        assertThrows(RequestTarget.InvalidPathException.class, () -> RequestTarget.parse(raw, null));
    }
}
