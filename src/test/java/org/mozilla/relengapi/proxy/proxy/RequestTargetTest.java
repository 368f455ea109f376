package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        "/tooltool/%61bc,/%61bc",
        "/tooltool/a%2Bb,/a%2Bb",
        "/tooltool/%3A%40%24%3D%2C%21,/%3A%40%24%3D%2C%21",
        "/tooltool/%3a%7e,/%3a%7e",
        "/tooltool/caf%C3%A9,/caf%C3%A9",
        "/tooltool/caf%E9,/caf%E9",
        "/tooltool/%25,/%25",
        "/tooltool/%2e%2e%2e,/%2e%2e%2e",
        "/tooltool/a+b:c@d,/a+b:c@d",
        "/tooltool/a%3bb,/a%3bb"})
    void restAfterThePrefixIsAsTheClientEncodedIt(String raw, String rest) throws Exception {
        assertEquals(rest, RequestTarget.parse(raw, null).rest(1));
    }

    @Test
    void aTrailingSlashIsKept() throws Exception {
        assertEquals("/b/", RequestTarget.parse("/a/b/", null).rest(1));
    }

    @ParameterizedTest
    @CsvSource({"a=1&b=%20two,a=1&b=%20two", "x=a/b?c:d@e,x=a/b?c:d@e", "x=%2B+%3d%e9,x=%2B+%3d%e9", "x=a\\b,x=a%5Cb",
        "x=é,x=%C3%A9", "x=\uD83D\uDE00,x=%F0%9F%98%80", "'',''"})
    void queryIsKeptButForCharactersAUriCannotHoldRaw(String raw, String forwarded) throws Exception {
        assertEquals(forwarded, RequestTarget.parse("/a", raw).query());
    }

    @Test
    void noQueryStaysAbsent() throws Exception {
        assertEquals(null, RequestTarget.parse("/a", null).query());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x=%zz", "x=%", "x=%4", "x=\uFFFD", "x=%\u0662e"})
    void malformedQueriesAreRefused(String raw) {
        assertThrows(RequestTarget.InvalidPathException.class, () -> RequestTarget.parse("/a", raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tooltool/../x", "/tooltool/./x", "/tooltool/..", "/tooltool/%2e%2e/x", "/tooltool/%2E./x",
        "/tooltool/.%2e", "/tooltool/%2e", "/tooltool/%2E%2e", "/tooltool/a%2fb", "/tooltool/a%2Fb", "/tooltool/a%5cb",
        "/tooltool/a\\b", "/tooltool//x", "//tooltool/x", "/tooltool/..;/x", "/tooltool/x;jsessionid=1", "/tooltool/%zz",
        "/tooltool/%4", "/tooltool/%", "/tooltool/%u002e", "/tooltool/a%00b", "relative", "/tooltool/a b", "/tooltool/a|b",
        "/tooltool/a\"b", "/tooltool/caf\u00e9", "/tooltool/a\u0000b", "/tooltool/a%\u06621"})
    void unsafePathsAreRefused(String raw) {
        assertThrows(RequestTarget.InvalidPathException.class, () -> RequestTarget.parse(raw, null));
    }
}
