// The incremental JSON parser (partial streaming) and the locator that finds JSON in a model's
// streamed text: whatever the chunking, the value, the events and the errors are the same as for
// the whole text, and the work is linear in the bytes.

#include "catch.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/detail/client/extraction.hpp>
#include <instructor/detail/stream/partial_json.hpp>

namespace partial_json_test {

using instructor::detail::JsonPath;
using instructor::detail::JsonTextLocator;
using instructor::detail::PartialEvent;
using instructor::detail::PartialEventKind;
using instructor::detail::PartialJsonError;
using instructor::detail::PartialJsonParser;
using instructor::detail::PathStep;
using instructor::detail::to_pointer;
using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

std::string nested_arrays(int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') + "1" + std::string(static_cast<std::size_t>(depth), ']');
}

std::string nested_objects(int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "{\"k" + std::to_string(i) + "\":";
    text += "\"deep\"";
    for (int i = 0; i < depth; ++i) text += '}';
    return text;
}

std::string counting_array(int count) {
    std::string text = "[";
    for (int i = 0; i < count; ++i) text += (i == 0 ? "" : ",") + std::to_string(i);
    return text + "]";
}

std::string long_string_document() {
    std::string text = "{\"essay\":\"";
    for (int i = 0; i < 40; ++i)
        text += "line " + std::to_string(i) + ": caf\xC3\xA9 \\u00e9 \\n \xF0\x9F\x98\x80 \\\" ";
    return text + "\"}";
}

// Valid JSON documents; no duplicate keys (the reference events come from an insertion-ordered DOM).
const std::vector<std::string>& corpus() {
    static const std::vector<std::string> documents = {
        R"({})",
        R"([])",
        R"({"a":{},"b":[],"c":[{}],"d":[[]],"e":""})",
        R"({"name":"Jason","age":30})",
        R"({"tasks":[{"id":1,"title":"Write","tags":["a","b"],"done":false},{"id":2,"title":"Test","tags":[],"done":true,"owner":null}]})",
        R"("\"\\\/\b\f\n\r\t")",
        R"({"esc":"tab\there \u0041\u00e9\u4e2d\uD83D\uDE00 end","k\"ey":"v\\"})",
        "{\"emoji\":\"\xF0\x9F\x98\x80\xF0\x9F\x8E\x89\",\"cjk\":\"\xE4\xB8\xAD\xE6\x96\x87\",\"accents\":"
        "\"caf\xC3\xA9 \xC3\xB1\","
        "\"mixed\":\"a\xF0\x9F\x98\x80"
        "b\xE2\x82\xAC"
        "c\",\"\xE2\x9C\x93\":true}",
        R"([0,-0,1,-1,1.5,-0.0,1e-5,1E+10,2.5e3,123456789012345678,18446744073709551615,-9223372036854775808])",
        R"([123456789012345678901234567890,-123456789012345678901234567890,3.141592653589793,1e308,-2.5E-308,0.1e1])",
        R"([true,false,null])",
        R"(true)",
        R"(false)",
        R"(null)",
        R"("just a string")",
        R"(42)",
        R"(-12.5e-3)",
        R"(0)",
        " \n\t { \r\n \"a\" \t : \n [ 1 , 2.0 , { \"b\" : null } , [ ] , { } ] , \"c\" : \"d\" , \"e\" : true } \n",
        nested_arrays(64),
        nested_objects(48),
        R"({"a/b":1,"m~n":2,"":3,"~1":{"/":[4]}})",
        R"({"":"","x":[""]})",
        long_string_document(),
        R"({"a":[1,[2,[3,[4]]]],"b":{"c":{"d":{}}}})",
        R"([{"a":1},{"a":2},{"a":3}])",
        R"(["\\","\"","\u0000","\u001f","\/"])",
        R"({"\uD83D\uDE00":"smile","\u00e9":"\u00E9\u00e9"})",
        R"([1,"two",3.0,{"four":4},[5],true,null,-6e0])",
        R"({"n":[0.1,0.2,10,-10],"x":-0.5e-2,"y":1})",
        R"({"name": "Jason", "age": 30, "address": {"street": "1 Main St", "city": "Springfield"}, "emails": ["j@example.com"]})",
        counting_array(120),
        R"({"text":"line1\nline2\r\n\ttabbed \\ backslash \/ slash \b\f"})",
    };
    return documents;
}

struct Recorded {
    PartialEventKind kind;
    std::string pointer;
    json value;
};

// The value_complete events a document must produce: every value, children before parents, in
// document order, the root last.
void reference_events(const ordered_json& value, const json::json_pointer& at, std::vector<Recorded>& out) {
    if (value.is_object()) {
        for (const auto& [key, child] : value.items()) reference_events(child, at / key, out);
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) reference_events(value[i], at / i, out);
    }
    out.push_back({PartialEventKind::value_complete, at.to_string(), json(value)});
}

std::vector<Recorded> reference_events(const std::string& document) {
    std::vector<Recorded> out;
    reference_events(ordered_json::parse(document), json::json_pointer(), out);
    return out;
}

// `partial` could grow into `full`: same kinds, strings are prefixes, containers hold a part.
bool grows_into(const json& partial, const json& full) {
    if (partial.is_string())
        return full.is_string() &&
               full.get_ref<const std::string&>().starts_with(partial.get_ref<const std::string&>());
    if (partial.is_object()) {
        if (!full.is_object()) return false;
        for (const auto& [key, child] : partial.items())
            if (!full.contains(key) || !grows_into(child, full.at(key))) return false;
        return true;
    }
    if (partial.is_array()) {
        if (!full.is_array() || partial.size() > full.size()) return false;
        for (std::size_t i = 0; i < partial.size(); ++i)
            if (!grows_into(partial[i], full[i])) return false;
        return true;
    }
    return partial == full;
}

struct Outcome {
    json value;
    bool complete = false;
    std::vector<Recorded> completed;  // value_complete events
    std::vector<Recorded> grew;       // string_grew events
    std::size_t feeds = 0;
};

// Feeds `pieces` one by one, then finish().
Outcome parse_pieces(const std::vector<std::string_view>& pieces) {
    Outcome outcome;
    PartialJsonParser parser([&](const PartialEvent& event) {
        auto& list = event.kind == PartialEventKind::value_complete ? outcome.completed : outcome.grew;
        list.push_back({event.kind, to_pointer(event.path), event.value});
        return true;
    });
    for (const auto piece : pieces) {
        const std::size_t grew_before = outcome.grew.size();
        REQUIRE(parser.feed(piece));
        REQUIRE(outcome.grew.size() - grew_before <= 1);
        ++outcome.feeds;
    }
    parser.finish();
    outcome.value = parser.value();
    outcome.complete = parser.complete();
    return outcome;
}

std::vector<std::string_view> bytes_of(std::string_view text) {
    std::vector<std::string_view> pieces;
    for (std::size_t i = 0; i < text.size(); ++i) pieces.push_back(text.substr(i, 1));
    return pieces;
}

void check_outcome(const Outcome& outcome, const json& expected, const std::vector<Recorded>& events) {
    REQUIRE(outcome.complete);
    REQUIRE(outcome.value == expected);
    REQUIRE(outcome.completed.size() == events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        INFO("event " << i);
        REQUIRE(outcome.completed[i].pointer == events[i].pointer);
        REQUIRE(outcome.completed[i].value == events[i].value);
    }
    for (const auto& grew : outcome.grew) {
        INFO("string_grew at " << grew.pointer);
        const json& final_string = expected.at(json::json_pointer(grew.pointer));
        REQUIRE(final_string.is_string());
        REQUIRE(final_string.get_ref<const std::string&>().starts_with(grew.value.get_ref<const std::string&>()));
    }
}

TEST_CASE("to_pointer writes RFC 6901 pointers, escaping ~ and /", "[partial-json]") {
    CHECK(to_pointer({}).empty());
    const JsonPath path = {PathStep{.key = "tasks"}, PathStep{.key = {}, .index = 3, .is_index = true},
                           PathStep{.key = "age"}};
    CHECK(to_pointer(path) == "/tasks/3/age");
    CHECK(to_pointer({PathStep{.key = "a/b~c"}, PathStep{.key = ""}}) == "/a~1b~0c/");
}

TEST_CASE("Every corpus document parses the same whole, byte by byte and cut in two at every byte", "[partial-json]") {
    for (const std::string& document : corpus()) {
        INFO("document: " << document);
        const json expected = json::parse(document);
        const std::vector<Recorded> events = reference_events(document);

        check_outcome(parse_pieces({document}), expected, events);
        check_outcome(parse_pieces(bytes_of(document)), expected, events);
        const std::string_view text = document;
        for (std::size_t cut = 0; cut <= text.size(); ++cut) {
            INFO("cut at " << cut);
            check_outcome(parse_pieces({text.substr(0, cut), text.substr(cut)}), expected, events);
        }
    }
}

TEST_CASE("At every prefix the value so far is valid JSON that grows into the final value", "[partial-json]") {
    for (const std::string& document : corpus()) {
        INFO("document: " << document);
        const json expected = json::parse(document);
        std::vector<std::string> completed;
        PartialJsonParser parser([&](const PartialEvent& event) {
            if (event.kind == PartialEventKind::value_complete) completed.push_back(to_pointer(event.path));
            return true;
        });
        for (std::size_t i = 0; i < document.size(); ++i) {
            INFO("after " << i + 1 << " bytes");
            REQUIRE(parser.feed(std::string_view(document).substr(i, 1)));
            const json& so_far = parser.value();
            REQUIRE(json::parse(so_far.dump()) == so_far);  // dumps: valid UTF-8, valid JSON
            // null stands for "nothing yet" until a top-level scalar has arrived whole.
            REQUIRE((grows_into(so_far, expected) || (so_far.is_null() && !parser.complete())));
            for (const auto& pointer : completed) {
                const json::json_pointer at(pointer);
                REQUIRE(so_far.at(at) == expected.at(at));
            }
            REQUIRE(parser.bytes_read() == i + 1);
        }
        parser.finish();
        REQUIRE(parser.complete());
        REQUIRE(parser.value() == expected);
    }
}

TEST_CASE("A key whose value has not started, and an unterminated number or literal, are absent", "[partial-json]") {
    const std::vector<std::pair<std::string, json>> prefixes = {
        {"", nullptr},
        {"  ", nullptr},
        {"{", json::object()},
        {R"({"a)", json::object()},
        {R"({"a")", json::object()},
        {R"({"a":)", json::object()},
        {R"({"a": ")", {{"a", ""}}},
        {R"({"a": "x\)", {{"a", "x"}}},
        {R"({"a": "x\u00)", {{"a", "x"}}},
        {R"({"a": "x\uD83D)", {{"a", "x"}}},
        {R"({"a": "x\uD83D\uDE0)", {{"a", "x"}}},
        {R"({"a": "x\uD83D\uDE00)", {{"a", "x\xF0\x9F\x98\x80"}}},
        {"{\"a\": \"x\xF0\x9F\x98", {{"a", "x"}}},
        {R"({"a": 1)", json::object()},
        {R"({"a": 1 )", {{"a", 1}}},
        {R"({"a": 1,)", {{"a", 1}}},
        {R"({"a": tr)", json::object()},
        {R"({"a": [1, 2)", {{"a", {1}}}},
        {R"({"a": [1, 2, {"b)", {{"a", {1, 2, json::object()}}}},
        {R"("ab)", "ab"},
        {"4", nullptr},
        {"-1.5e", nullptr},
    };
    for (const auto& [prefix, expected] : prefixes) {
        INFO("prefix: " << prefix);
        PartialJsonParser parser;
        REQUIRE(parser.feed(prefix));
        CHECK(parser.value() == expected);
        CHECK_FALSE(parser.complete());
    }
}

TEST_CASE("string_grew fires once per feed for the open string, and only when it grew", "[partial-json]") {
    std::vector<std::pair<std::string, json>> seen;
    PartialJsonParser parser([&](const PartialEvent& event) {
        seen.emplace_back((event.kind == PartialEventKind::string_grew ? "grew " : "done ") + to_pointer(event.path),
                          event.value);
        return true;
    });
    for (const std::string_view piece :
         {R"({"a": "he)", "llo", "", "\\", "n", " w\xC3", "\xA9", "\"", R"(, "b": ")", "x\"}"})
        REQUIRE(parser.feed(piece));
    const std::vector<std::pair<std::string, json>> expected = {
        {"grew /a", "he"},
        {"grew /a", "hello"},
        {"grew /a", "hello\n"},
        {"grew /a", "hello\n w"},
        {"grew /a", "hello\n w\xC3\xA9"},
        {"done /a", "hello\n w\xC3\xA9"},
        {"done /b", "x"},
        {"done ", {{"a", "hello\n w\xC3\xA9"}, {"b", "x"}}},
    };
    CHECK(seen == expected);
}

TEST_CASE("Strings are decoded across every kind of chunk boundary", "[partial-json]") {
    // Cut inside escapes, \u escapes, surrogate pairs and raw UTF-8 sequences, at every byte.
    const std::string document = "[\"\\u00e9\\uD83D\\uDE00\\n\xF0\x9F\x8E\x89\xE2\x82\xAC\\\\\\\"\"]";
    const json expected = json::parse(document);
    REQUIRE(expected[0] == "\xC3\xA9\xF0\x9F\x98\x80\n\xF0\x9F\x8E\x89\xE2\x82\xAC\\\"");
    for (std::size_t a = 0; a <= document.size(); ++a)
        for (std::size_t b = a; b <= document.size(); ++b) {
            const std::string_view text = document;
            const Outcome outcome = parse_pieces({text.substr(0, a), text.substr(a, b - a), text.substr(b)});
            REQUIRE(outcome.value == expected);
        }
}

TEST_CASE("Duplicate keys: the last one wins", "[partial-json]") {
    const Outcome outcome = parse_pieces({R"({"a":1,"a":{"b":2}})"});
    CHECK(outcome.value == json{{"a", {{"b", 2}}}});
    REQUIRE(outcome.completed.size() == 4);
    CHECK(outcome.completed[0].pointer == "/a");
    CHECK(outcome.completed[0].value == 1);
    CHECK(outcome.completed[2].value == json{{"b", 2}});
}

TEST_CASE("Invalid JSON throws, saying what was expected and at which byte", "[partial-json]") {
    struct Bad {
        std::string text;
        std::size_t offset;
        std::string says;
    };
    const std::vector<Bad> documents = {
        {R"({"a" 1})", 5, "expected ':' after the object key, got '1' at byte offset 5"},
        {R"([1,,2])", 3, "expected a JSON value"},
        {R"({"a":tru})", 8, "expected 'true', got '}' at byte offset 8"},
        {R"("\x")", 2, "expected an escape"},
        {R"([1 2])", 3, "expected ',' or ']', got '2'"},
        {R"([1})", 2, "expected ',' or ']', got '}'"},
        {R"({"a":1])", 6, "expected ',' or '}', got ']'"},
        {R"({"a":1,})", 7, "'\"' to begin the next key"},
        {R"([1,])", 3, "expected a JSON value"},
        {R"({1:2})", 1, "'\"' to begin a key, or '}'"},
        {R"(01)", 1, "after a leading 0"},
        {R"([-])", 2, "a digit after '-'"},
        {R"([1.])", 3, "a digit after '.'"},
        {R"([1e])", 3, "a digit in the exponent"},
        {R"([1e+])", 4, "a digit in the exponent"},
        {R"([1e999])", 1, "out of range"},
        {R"(["\u12G4"])", 6, "a hex digit"},
        {R"(["\ud800x"])", 8, "the low surrogate"},
        {R"(["\ud800\u0041"])", 8, "expected a low surrogate (\\uDC00 to \\uDFFF) after \\uD800, got \\u0041"},
        {R"(["\udc00"])", 2, "a low surrogate \\uDC00 without its high half"},
        {"[\"a\nb\"]", 3, "control characters must be escaped"},
        {"[\"\xC0\x80\"]", 2, "valid UTF-8"},
        {"[\"\xED\xA0\x80\"]", 3, "a UTF-8 continuation byte"},
        {"[\"\xE2\x82\"]", 4, "a UTF-8 continuation byte"},
        {"[\"\xF5\"]", 2, "valid UTF-8"},
        {R"(nul!)", 3, "expected 'null'"},
        {R"(})", 0, "expected a JSON value"},
        {"{\"a\":\xC3\xA9}", 5, "got byte 0xC3"},
    };
    for (const auto& bad : documents) {
        INFO("document: " << bad.text);
        for (const bool bytewise : {false, true}) {
            PartialJsonParser parser;
            try {
                if (bytewise) {
                    for (const auto piece : bytes_of(bad.text)) parser.feed(piece);
                } else {
                    parser.feed(bad.text);
                }
                parser.finish();
                FAIL("no error");
            } catch (const PartialJsonError& error) {
                CHECK(error.offset() == bad.offset);
                CHECK(std::string(error.what()).find(bad.says) != std::string::npos);
                CHECK(std::string(error.what()).find("offset " + std::to_string(bad.offset)) != std::string::npos);
            }
            // The error stays: the parser does not go on from a broken state.
            CHECK_THROWS_AS(parser.feed("1"), PartialJsonError);
            CHECK_THROWS_AS(parser.finish(), PartialJsonError);
        }
    }
}

TEST_CASE("finish() on JSON that ends early says what was left open, and where", "[partial-json]") {
    const std::vector<std::pair<std::string, std::string>> documents = {
        {"", "the JSON ends early, before any value"},
        {" \n ", "the JSON ends early, before any value"},
        {R"({"a": [1, "x)", "the JSON ends early, inside a string at /a/1"},
        {R"({"a)", "the JSON ends early, inside an object key at (root)"},
        {R"({"a")", "the JSON ends early, inside an object at (root)"},
        {R"({"a": 1,)", "the JSON ends early, inside an object at (root)"},
        {R"({"t": {"a~b": [)", "the JSON ends early, inside an array at /t/a~0b"},
        {R"([1, 2)", "the JSON ends early, inside a number at /1"},
        {R"([tr)", "the JSON ends early, inside true at /0"},
        {R"("abc\u12)", "the JSON ends early, inside a string at (root)"},
        {R"(-)", "the JSON ends early, inside a number at (root)"},
        {R"(1.)", "the JSON ends early, inside a number at (root)"},
    };
    for (const auto& [text, message] : documents) {
        INFO("document: " << text);
        PartialJsonParser parser;
        REQUIRE(parser.feed(text));
        try {
            parser.finish();
            FAIL("no error");
        } catch (const PartialJsonError& error) {
            CHECK(std::string(error.what()) == message);
            CHECK(error.offset() == text.size());
        }
    }
}

TEST_CASE("A top-level number completes at its terminator or at finish()", "[partial-json]") {
    PartialJsonParser parser;
    REQUIRE(parser.feed("4"));
    REQUIRE(parser.feed("2"));
    CHECK_FALSE(parser.complete());
    CHECK(parser.value().is_null());
    parser.finish();
    CHECK(parser.complete());
    CHECK(parser.value() == 42);
    CHECK(parser.consumed() == 2);

    PartialJsonParser spaced;
    REQUIRE(spaced.feed(" -7.5 and more"));
    CHECK(spaced.complete());
    CHECK(spaced.value() == -7.5);
    CHECK(spaced.consumed() == 5);
    CHECK(spaced.bytes_read() == 14);
    spaced.finish();
}

TEST_CASE("Text after the value is not parsed: consumed() ends at the value", "[partial-json]") {
    const std::string text = " {\"a\": [1, 2]}\n```\nHope this helps! {not json";
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        PartialJsonParser parser;
        REQUIRE(parser.feed(std::string_view(text).substr(0, cut)));
        REQUIRE(parser.feed(std::string_view(text).substr(cut)));
        REQUIRE(parser.feed("more"));
        parser.finish();
        CHECK(parser.value() == json{{"a", {1, 2}}});
        CHECK(parser.consumed() == 14);
        CHECK(parser.bytes_read() == text.size() + 4);
    }
}

TEST_CASE("The sink stops the parse: feed returns false at once, and from then on", "[partial-json]") {
    int completes = 0;
    PartialJsonParser parser(
        [&](const PartialEvent& event) { return event.kind != PartialEventKind::value_complete || ++completes < 2; });
    CHECK_FALSE(parser.feed(R"([{"a": 1, "b": 2, "c": 3}, 4])"));
    CHECK(completes == 2);
    CHECK(parser.value() == json::array({{{"a", 1}, {"b", 2}}}));
    CHECK(parser.bytes_read() == 16);  // up to the ',' that ended 2
    CHECK_FALSE(parser.complete());
    CHECK_FALSE(parser.feed("]"));
    CHECK(completes == 2);
    CHECK_NOTHROW(parser.finish());

    int grew = 0;
    PartialJsonParser on_growth([&](const PartialEvent& event) {
        grew += event.kind == PartialEventKind::string_grew ? 1 : 0;
        return false;
    });
    CHECK_FALSE(on_growth.feed(R"({"essay": "Once upon)"));
    CHECK(grew == 1);
    CHECK_FALSE(on_growth.feed(" a time"));
    CHECK(grew == 1);
    CHECK(on_growth.value() == json{{"essay", "Once upon"}});
}

TEST_CASE("The parser's work is linear: events are bounded by values plus chunks", "[partial-json]") {
    // About 1 MB: an array of objects, each holding 7 values, fed in 4-byte chunks.
    std::string text = "[";
    std::size_t objects = 0;
    while (text.size() < (1U << 20)) {
        if (objects > 0) text += ',';
        const std::string n = std::to_string(objects);
        text += R"({"id":)" + n + R"(,"name":"item )" + n + R"( \u00e9\n","tags":["x","y"],"ok":true,"score":1.5})";
        ++objects;
    }
    text += ']';
    const std::size_t values = objects * 8 + 1;

    std::size_t completes = 0;
    std::size_t grew = 0;
    PartialJsonParser parser([&](const PartialEvent& event) {
        (event.kind == PartialEventKind::value_complete ? completes : grew) += 1;
        return true;
    });
    std::size_t chunks = 0;
    for (std::size_t at = 0; at < text.size(); at += 4, ++chunks)
        REQUIRE(parser.feed(std::string_view(text).substr(at, 4)));
    parser.finish();

    CHECK(parser.complete());
    CHECK(parser.value().size() == objects);
    CHECK(parser.value().back().at("name") == "item " + std::to_string(objects - 1) + " \xC3\xA9\n");
    CHECK(parser.bytes_read() == text.size());
    CHECK(completes == values);
    CHECK(grew > 0);
    CHECK(grew <= chunks);
    CHECK(completes + grew <= values + chunks);
}

TEST_CASE("The parser can be moved while a key is being read", "[partial-json]") {
    PartialJsonParser first;
    REQUIRE(first.feed(R"({"ke)"));
    PartialJsonParser second = std::move(first);
    REQUIRE(second.feed(R"(y": "va)"));
    PartialJsonParser third;
    third = std::move(second);
    REQUIRE(third.feed(R"(lue"})"));
    third.finish();
    CHECK(third.value() == json{{"key", "value"}});
}

// ---- JsonTextLocator ----

struct Located {
    json value;
    bool started = false;
    bool failed = false;
    bool complete = false;
};

Located locate(const std::vector<std::string_view>& pieces) {
    PartialJsonParser parser;
    JsonTextLocator locator(parser);
    for (const auto piece : pieces) REQUIRE(locator.feed(piece));
    return {parser.value(), locator.started(), locator.failed(), parser.complete()};
}

const std::vector<std::string>& model_texts() {
    static const std::vector<std::string> texts = {
        "Sure! Here it is:\n```json\n{\"name\": \"Jason\", \"age\": 30}\n```\nLet me know if you need more.",
        "```\n[1, 2, {\"a\": \"```\"}]\n```",
        "{\"bare\": true}",
        "<think>The user wants {name} and [age]; <b>bold</b>.</think>\n{\"name\":\"Jason\"}",
        "<think>a</think>\n<think>b {x} </thin </think>```json\n[1, 2, 3]\n```\nDone [4].",
        "<<think>>{ignored}</think>[7]",
        "A <thinking> note: {\"a\": 1} trailing",
        "<think>\xF0\x9F\xA4\x94 hmm</think>\n\nAnswer:\n\n```json\n{\"emoji\": \"\xF0\x9F\x98\x80\", \"t\": "
        "\"</think>\"}\n```",
    };
    return texts;
}

TEST_CASE("The locator finds the JSON in model text like extract_json, however the text is cut", "[partial-json]") {
    for (const std::string& text : model_texts()) {
        INFO("text: " << text);
        const auto expected = instructor::detail::extract_json(text);
        REQUIRE(expected.has_value());
        const std::string_view view = text;
        for (std::size_t cut = 0; cut <= view.size(); ++cut) {
            INFO("cut at " << cut);
            const Located located = locate({view.substr(0, cut), view.substr(cut)});
            REQUIRE(located.started);
            REQUIRE_FALSE(located.failed);
            REQUIRE(located.complete);
            REQUIRE(located.value == *expected);
        }
        const Located bytewise = locate(bytes_of(text));
        REQUIRE(bytewise.complete);
        REQUIRE(bytewise.value == *expected);
    }
}

TEST_CASE("The locator waits out a think block that never closes, and text with no JSON", "[partial-json]") {
    for (const std::string_view text : {"<think>so {\"a\": 1} then", "No JSON here, sorry.", "<think"}) {
        const Located located = locate(bytes_of(text));
        CHECK_FALSE(located.started);
        CHECK_FALSE(located.failed);
        CHECK(located.value.is_null());
        CHECK_FALSE(instructor::detail::extract_json(text).has_value());
    }
}

TEST_CASE("The locator gives up without throwing on prose braces, leaving extract_json to the caller",
          "[partial-json]") {
    const std::string text = "Use {name} as the key:\n```json\n{\"name\": \"Jason\"}\n```";
    PartialJsonParser parser;
    JsonTextLocator locator(parser);
    CHECK(locator.feed(text.substr(0, 6)));
    CHECK(locator.started());
    CHECK(locator.failed());
    CHECK(locator.error().find("at byte offset 1") != std::string::npos);
    CHECK(locator.feed(text.substr(6)));
    CHECK(locator.failed());
    CHECK(instructor::detail::extract_json(text) == json{{"name", "Jason"}});
}

TEST_CASE("The locator passes on the sink's stop", "[partial-json]") {
    PartialJsonParser parser([](const PartialEvent&) { return false; });
    JsonTextLocator locator(parser);
    CHECK(locator.feed("Here: "));
    CHECK_FALSE(locator.feed("[1, 2]"));
    CHECK_FALSE(locator.feed("]"));
    CHECK(parser.value() == json::array({1}));
}

}  // namespace partial_json_test
