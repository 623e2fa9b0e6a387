// The core layer's text and URL helpers: what every error message and every hook event relies on to
// show server text safely and URLs without their credentials.

#include "catch.hpp"

#include <string>

#include <instructor/detail/core/text.hpp>
#include <instructor/detail/core/url.hpp>

using instructor::detail::append_path;
using instructor::detail::credential_name;
using instructor::detail::first_invalid_utf8;
using instructor::detail::printable;
using instructor::detail::redact_url;
using instructor::detail::utf8_cut;
using instructor::detail::valid_utf8;
using instructor::detail::whole_characters;

TEST_CASE("UTF-8 is checked as Unicode's table says: no overlong forms, surrogates or cut sequences", "[core]") {
    CHECK(first_invalid_utf8("plain ascii, long enough for the eight-byte steps") == std::string::npos);
    CHECK(first_invalid_utf8("José Müller 日本 🎉") == std::string::npos);
    CHECK(first_invalid_utf8("Jos\xe9") == 3);                   // Latin-1
    CHECK(first_invalid_utf8("ab\xc0\xaf") == 2);                // an overlong '/'
    CHECK(first_invalid_utf8("ab\xed\xa0\x80") == 2);            // a surrogate, U+D800
    CHECK(first_invalid_utf8("abcdefgh\xf4\x90\x80\x80") == 8);  // beyond U+10FFFF
    CHECK(first_invalid_utf8("日本\xe6\x97") == 6);              // cut short at the end
    CHECK(first_invalid_utf8("\x80") == 0);                      // a stray continuation byte
}

TEST_CASE("text that is not UTF-8 is made valid with U+FFFD, one per byte", "[core]") {
    CHECK(valid_utf8("Jos\xe9!") == "Jos\xEF\xBF\xBD!");
    CHECK(valid_utf8("ok 日本") == "ok 日本");
    CHECK(valid_utf8("\xff\xfe") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("cutting text keeps whole characters", "[core]") {
    const std::string text = "日本語";  // three bytes each
    CHECK(utf8_cut(text, 4) == 3);
    CHECK(utf8_cut(text, 9) == 9);
    CHECK(utf8_cut(text, 100) == 9);
    CHECK(whole_characters("ab\xe6\x97") == 2);
    CHECK(whole_characters("ab\xe6\x97\xa5") == 5);
    CHECK(whole_characters("ab") == 2);
}

TEST_CASE("printable text for messages: one line, no control characters or terminal escapes, clipped", "[core]") {
    CHECK(printable("line one\r\nline two\ttab") == "line one  line two tab");
    CHECK(printable("\x1b[31mred\x1b[0m") == "\xEF\xBF\xBD[31mred\xEF\xBF\xBD[0m");
    CHECK(printable("C1 \xc2\x9b control") == "C1 \xEF\xBF\xBD control");
    CHECK(printable("bad \xff byte") == "bad \xEF\xBF\xBD byte");
    CHECK(printable(std::string(1000, 'x'), 10) == "xxxxxxxxxx... (1000 bytes in all)");
    CHECK(printable("José") == "José");
}

TEST_CASE("URLs are shown without credentials: user:password@ and credential query values", "[core]") {
    CHECK(redact_url("https://user:pw@host:8443/v1/chat?api-key=K&api-version=2024&sig=S#frag") ==
          "https://host:8443/v1/chat?api-key=REDACTED&api-version=2024&sig=REDACTED#frag");
    CHECK(redact_url("http://h/v1?code=C&auth=A&x_token=T&ok=1") ==
          "http://h/v1?code=REDACTED&auth=REDACTED&x_token=REDACTED&ok=1");
    CHECK(redact_url("http://h/path@not-a-user") == "http://h/path@not-a-user");
    CHECK(redact_url("http://h/v1") == "http://h/v1");
    for (const char* name : {"Authorization", "X-Api-Key", "Helicone-Auth", "Authentication", "X-Session",
                             "X-Credential", "sig", "code", "Cookie", "password"})
        CHECK(credential_name(name));
    for (const char* name : {"Content-Type", "api-version", "model", "X-Trace", "Accept", "codec"})
        CHECK_FALSE(credential_name(name));
}

TEST_CASE("a path goes before the base URL's query and fragment", "[core]") {
    CHECK(append_path("http://h/v1?api-version=2", "/chat/completions") ==
          "http://h/v1/chat/completions?api-version=2");
    CHECK(append_path("http://h/v1/", "/chat/completions") == "http://h/v1/chat/completions");
    CHECK(append_path("http://h", "/v1/x") == "http://h/v1/x");
    CHECK(append_path("http://h:80/a#f", "/b") == "http://h:80/a/b#f");
}
