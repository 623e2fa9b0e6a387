// from_json / try_from_json: what is accepted, what is coerced (lax) or refused (strict), and the
// exact message and JSON pointer of every error, since those are what a language model is re-asked with.

#include "catch.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/instructor.hpp>

#include "error_listing.hpp"

namespace parse_test {

using instructor::Annotated;
using instructor::FieldError;
using instructor::ParseOptions;
using instructor::ValidationError;
using nlohmann::json;
using test_support::Errors;
using test_support::listed;
using test_support::parse_errors;

const ParseOptions strict{.strict = true};

template <class V>
struct Box {
    V value;
};

enum class Color { red, green, blue };
enum class Mode { fast, Fast, slow };  // "FAST" matches two names when letter case is ignored

struct Person {
    std::string name;
    Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

struct Team {
    std::string name;
    std::vector<Person> items;
};

struct Cat {
    std::string name;
    bool indoor;
};

struct Dog {
    std::string name;
    int good_boys;
};

struct Nothing {};

struct Tree {
    std::string name;
    std::vector<Tree> children;
};

struct Chain {
    int value;
    std::unique_ptr<Chain> next;
};

struct Holders {
    std::optional<int> maybe;
    std::unique_ptr<std::string> owned;
    std::shared_ptr<Person> shared;
};

struct Envelope {
    std::string kind;
    json payload;
};

struct WithDefaults {
    int id;
    Annotated<int, instructor::default_value(7)> retries;
    Annotated<std::string, instructor::default_value("fast")> mode;
    Annotated<std::vector<std::string>, instructor::default_value()> tags;
};

// Defaults and bounds given from outside the struct, for fields of different types.
struct Settings {
    std::string host;
    int port;
    double ratio;
};

struct Everything {
    bool flag;
    std::int8_t small;
    std::uint64_t big;
    float single;
    double real;
    std::string text;
    Color color;
    std::optional<int> maybe;
    std::optional<int> none;
    std::unique_ptr<Person> owner;
    std::shared_ptr<std::string> note;
    std::variant<int, std::string, Cat> choice;
    std::vector<Person> people;
    std::array<int, 3> triple;
    std::set<std::string> tags;
    std::map<std::string, int> scores;
    std::unordered_map<std::string, Color> palette;
    Tree tree;
    json extra;
    std::monostate nothing;
};

}  // namespace parse_test

template <>
struct instructor::meta<parse_test::Settings> {
    static constexpr auto fields = instructor::fields(
        instructor::field("host", instructor::default_value("localhost"), instructor::min_length(1)),
        instructor::field("port", instructor::default_value(8080), instructor::minimum(1), instructor::maximum(65535)),
        instructor::field("ratio", instructor::exclusive_minimum(0.0)));
};

using namespace parse_test;
using instructor::from_json;
using instructor::to_json;
using instructor::try_from_json;

// ---- reading valid input -------------------------------------------------------------------------

TEST_CASE("a valid reply is read into every field, from JSON text or from a parsed JSON value") {
    const std::string text = R"({"name": "Jason", "age": 30})";
    const auto from_text = from_json<Person>(text);
    CHECK(from_text.name == "Jason");
    CHECK(from_text.age.get() == 30);

    const auto from_value = from_json<Person>(json::parse(text));
    CHECK(from_value.name == "Jason");
    CHECK(from_value.age.get() == 30);

    const auto from_literal = from_json<Person>(R"({"name": "Ann", "age": 0})");
    CHECK(from_literal.name == "Ann");
    CHECK(from_literal.age.get() == 0);
}

TEST_CASE("a top-level array or scalar is read as well as an object, with pointers from the root") {
    CHECK(from_json<std::vector<int>>("[1, 2, 3]") == std::vector<int>{1, 2, 3});
    CHECK(from_json<int>("42") == 42);
    CHECK(from_json<std::string>(R"("hi")") == "hi");
    CHECK(listed(parse_errors<std::vector<int>>(R"([1, "x", 3])")) ==
          listed({{"/1", R"(expected an integer, got "x")"}}));
    CHECK(listed(parse_errors<int>(R"("x")")) == listed({{"", R"(expected an integer, got "x")"}}));
    CHECK(listed(parse_errors<Person>("[1]")) == listed({{"", "expected an object, got an array of 1 item"}}));
}

// ---- pointers ------------------------------------------------------------------------------------

TEST_CASE("a wrong type deep in a list is reported at its JSON pointer") {
    const auto errors = parse_errors<Team>(R"({"name": "A", "items": [
        {"name": "a", "age": 1}, {"name": "b", "age": 2}, {"name": "c", "age": 3}, {"name": "d", "age": "thirty"}]})");
    CHECK(listed(errors) == listed({{"/items/3/age", R"(expected an integer between 0 and 150, got "thirty")"}}));
    CHECK(errors == Errors{{"/items/3/age", R"(expected an integer between 0 and 150, got "thirty")"}});
}

TEST_CASE("map keys are escaped in pointers as RFC 6901 says: '~' as ~0 and '/' as ~1") {
    const auto errors = parse_errors<Box<std::map<std::string, int>>>(
        R"({"value": {"a/b": "x", "c~d": "y", "e/~f": "z", "ok": 1, "~1": "w"}})");
    // nlohmann::json keeps object keys sorted, so that is the order they are read in.
    CHECK(listed(errors) == listed({
                                {"/value/a~1b", R"(expected an integer, got "x")"},
                                {"/value/c~0d", R"(expected an integer, got "y")"},
                                {"/value/e~1~0f", R"(expected an integer, got "z")"},
                                {"/value/~01", R"(expected an integer, got "w")"},
                            }));
}

TEST_CASE("pointers reach through maps of structs and arrays of arrays") {
    CHECK(listed(parse_errors<Box<std::map<std::string, Person>>>(R"({"value": {"x/y": {"name": "n", "age": -1}}})")) ==
          listed({{"/value/x~1y/age", "expected an integer between 0 and 150, got -1"}}));
    CHECK(listed(parse_errors<Box<std::vector<std::vector<int>>>>(R"({"value": [[1], [2, true]]})")) ==
          listed({{"/value/1/1", "expected an integer, got true"}}));
}

// ---- integers ------------------------------------------------------------------------------------

TEST_CASE("an integer's message names the annotated range, and only the type when there is none") {
    SECTION("annotated range") {
        CHECK(listed(parse_errors<Person>(R"({"name": "a", "age": "thirty"})")) ==
              listed({{"/age", R"(expected an integer between 0 and 150, got "thirty")"}}));
        CHECK(listed(parse_errors<Person>(R"({"name": "a", "age": 151})")) ==
              listed({{"/age", "expected an integer between 0 and 150, got 151"}}));
        CHECK(listed(parse_errors<Person>(R"({"name": "a", "age": -1})")) ==
              listed({{"/age", "expected an integer between 0 and 150, got -1"}}));
        CHECK(from_json<Person>(R"({"name": "a", "age": 150})").age.get() == 150);
    }
    SECTION("one-sided and exclusive bounds") {
        using Positive = Box<Annotated<long long, instructor::exclusive_minimum(0LL)>>;
        CHECK(listed(parse_errors<Positive>(R"({"value": 0})")) ==
              listed({{"/value", "expected an integer greater than 0, got 0"}}));
        CHECK(from_json<Positive>(R"({"value": 1})").value.get() == 1);
        using Below = Box<Annotated<long long, instructor::exclusive_maximum(10LL), instructor::minimum(-5LL)>>;
        CHECK(listed(parse_errors<Below>(R"({"value": 10})")) ==
              listed({{"/value", "expected an integer greater than or equal to -5 and less than 10, got 10"}}));
        CHECK(listed(parse_errors<Below>(R"({"value": -6})")) ==
              listed({{"/value", "expected an integer greater than or equal to -5 and less than 10, got -6"}}));
        CHECK(from_json<Below>(R"({"value": 9})").value.get() == 9);
    }
    SECTION("no annotation: a non-number is told only that an integer was expected") {
        CHECK(listed(parse_errors<Box<int>>(R"({"value": "thirty"})")) ==
              listed({{"/value", R"(expected an integer, got "thirty")"}}));
        CHECK(listed(parse_errors<Box<long long>>(R"({"value": [1]})")) ==
              listed({{"/value", "expected an integer, got an array of 1 item"}}));
        CHECK(listed(parse_errors<Box<int>>(R"({"value": {"n": 1}})")) ==
              listed({{"/value", "expected an integer, got an object"}}));
    }
}

namespace {

template <class Int>
void check_integer_limits(const std::string& below, const std::string& above, const std::string& range) {
    using Limits = std::numeric_limits<Int>;
    INFO("range " << range);
    CHECK(from_json<Box<Int>>(R"({"value": )" + std::to_string(Limits::min()) + "}").value == Limits::min());
    CHECK(from_json<Box<Int>>(R"({"value": )" + std::to_string(Limits::max()) + "}").value == Limits::max());
    CHECK(listed(parse_errors<Box<Int>>(R"({"value": )" + below + "}")) ==
          listed({{"/value", "expected an integer " + range + ", got " + below}}));
    CHECK(listed(parse_errors<Box<Int>>(R"({"value": )" + above + "}")) ==
          listed({{"/value", "expected an integer " + range + ", got " + above}}));
}

}  // namespace

TEST_CASE("every integer type accepts its minimum and maximum and rejects one past each") {
    SECTION("int8") { check_integer_limits<std::int8_t>("-129", "128", "between -128 and 127"); }
    SECTION("uint8") { check_integer_limits<std::uint8_t>("-1", "256", "between 0 and 255"); }
    SECTION("int16") { check_integer_limits<std::int16_t>("-32769", "32768", "between -32768 and 32767"); }
    SECTION("uint16") { check_integer_limits<std::uint16_t>("-1", "65536", "between 0 and 65535"); }
    SECTION("int32") {
        check_integer_limits<std::int32_t>("-2147483649", "2147483648", "between -2147483648 and 2147483647");
    }
    SECTION("uint32") { check_integer_limits<std::uint32_t>("-1", "4294967296", "between 0 and 4294967295"); }
    SECTION("int64") {
        using Limits = std::numeric_limits<std::int64_t>;
        CHECK(from_json<Box<std::int64_t>>(R"({"value": -9223372036854775808})").value == Limits::min());
        CHECK(from_json<Box<std::int64_t>>(R"({"value": 9223372036854775807})").value == Limits::max());
        // JSON numbers past the 64-bit range reach the reader as doubles, hence how they are shown.
        CHECK(listed(parse_errors<Box<std::int64_t>>(R"({"value": 9223372036854775808})")) ==
              listed({{"/value",
                       "expected an integer between -9223372036854775808 and 9223372036854775807, "
                       "got 9223372036854775808"}}));
        CHECK(listed(parse_errors<Box<std::int64_t>>(R"({"value": -9223372036854775809})")) ==
              listed({{"/value",
                       "expected an integer between -9223372036854775808 and 9223372036854775807, "
                       "got -9.223372036854776e+18"}}));
    }
    SECTION("uint64") {
        using Limits = std::numeric_limits<std::uint64_t>;
        CHECK(from_json<Box<std::uint64_t>>(R"({"value": 0})").value == 0U);
        CHECK(from_json<Box<std::uint64_t>>(R"({"value": 18446744073709551615})").value == Limits::max());
        CHECK(listed(parse_errors<Box<std::uint64_t>>(R"({"value": -1})")) ==
              listed({{"/value", "expected an integer between 0 and 18446744073709551615, got -1"}}));
        CHECK(
            listed(parse_errors<Box<std::uint64_t>>(R"({"value": 18446744073709551616})")) ==
            listed({{"/value", "expected an integer between 0 and 18446744073709551615, got 1.8446744073709552e+19"}}));
    }
}

TEST_CASE("a whole number written as 30.0 is an integer in lax and strict mode, 30.5 is not") {
    const auto options = GENERATE(ParseOptions{.strict = false}, ParseOptions{.strict = true});
    INFO("strict: " << options.strict);
    CHECK(from_json<Box<int>>(R"({"value": 30.0})", options).value == 30);
    CHECK(from_json<Box<std::uint8_t>>(R"({"value": 30.0})", options).value == 30);
    CHECK(from_json<Box<std::uint64_t>>(R"({"value": 1e3})", options).value == 1000U);
    CHECK(from_json<Box<std::int64_t>>(R"({"value": -2.0})", options).value == -2);
    // A one-sided annotation is merged with the type's own range, which the message then names.
    CHECK(listed(parse_errors<Box<Annotated<int, instructor::maximum(100)>>>(R"({"value": 30.5})", options)) ==
          listed({{"/value", "expected an integer less than or equal to 100, got 30.5"}}));
    CHECK(listed(parse_errors<Box<std::uint8_t>>(R"({"value": 300.0})", options)) ==
          listed({{"/value", "expected an integer between 0 and 255, got 300.0"}}));
}

TEST_CASE("an integer built in code as a signed JSON value reads into an unsigned field") {
    // json(30) holds a signed integer, unlike parsed text, which holds non-negative numbers as unsigned.
    CHECK(from_json<Box<std::uint16_t>>(json{{"value", 30}}).value == 30);
    CHECK(from_json<Box<std::uint64_t>>(json{{"value", 0}}).value == 0U);
    CHECK(listed(parse_errors<Box<std::uint32_t>>(json{{"value", -3}}.dump())) ==
          listed({{"/value", "expected an integer between 0 and 4294967295, got -3"}}));
}

TEST_CASE("lax mode reads an integer from a numeric string, trimmed and only within range") {
    CHECK(from_json<Box<int>>(R"({"value": "42"})").value == 42);
    CHECK(from_json<Box<int>>(R"({"value": "  -42 "})").value == -42);
    CHECK(from_json<Box<int>>(R"({"value": "+7"})").value == 7);
    CHECK(from_json<Box<std::uint8_t>>(R"({"value": "-0"})").value == 0);
    CHECK(from_json<Box<std::uint64_t>>(R"({"value": "18446744073709551615"})").value ==
          std::numeric_limits<std::uint64_t>::max());
    CHECK(from_json<Box<std::int8_t>>(R"({"value": "-128"})").value == -128);
    CHECK(from_json<Person>(R"({"name": "a", "age": "30"})").age.get() == 30);

    SECTION("not a whole decimal number") {
        for (const std::string text : {"4 2", "", " ", "1.5", "0x10", "1e3", "thirty", "--1"}) {
            INFO(text);
            CHECK(listed(parse_errors<Box<int>>(json{{"value", text}}.dump())) ==
                  listed({{"/value", "expected an integer, got " + json(text).dump()}}));
        }
    }
    SECTION("a sign is allowed once") {
        CHECK(listed(parse_errors<Box<int>>(R"({"value": "+-5"})")) ==
              listed({{"/value", R"(expected an integer, got "+-5")"}}));
    }
    SECTION("out of range: the message names the range that was missed") {
        CHECK(listed(parse_errors<Person>(R"({"name": "a", "age": "151"})")) ==
              listed({{"/age", R"(expected an integer between 0 and 150, got "151")"}}));
        CHECK(listed(parse_errors<Box<std::int8_t>>(R"({"value": "300"})")) ==
              listed({{"/value", R"(expected an integer between -128 and 127, got "300")"}}));
    }
}

TEST_CASE("strict mode refuses an integer written as a string") {
    CHECK(listed(parse_errors<Box<int>>(R"({"value": "42"})", strict)) ==
          listed({{"/value", R"(expected an integer, got "42")"}}));
    CHECK(listed(parse_errors<Person>(R"({"name": "a", "age": "30"})", strict)) ==
          listed({{"/age", R"(expected an integer between 0 and 150, got "30")"}}));
}

// ---- floating point ------------------------------------------------------------------------------

TEST_CASE("a double takes any JSON number and a float only numbers within a float's range") {
    CHECK(from_json<Box<double>>(R"({"value": 2.5})").value == 2.5);
    CHECK(from_json<Box<double>>(R"({"value": -3})").value == -3.0);
    CHECK(from_json<Box<double>>(R"({"value": 1e308})").value == 1e308);
    CHECK(from_json<Box<double>>(R"({"value": 18446744073709551615})").value == 18446744073709551615.0);
    CHECK(from_json<Box<float>>(R"({"value": 0.1})").value == 0.1F);
    CHECK(from_json<Box<float>>(R"({"value": 3.4028234663852886e38})").value == std::numeric_limits<float>::max());
    CHECK(from_json<Box<float>>(R"({"value": -3.4028234663852886e38})").value == -std::numeric_limits<float>::max());
    CHECK(listed(parse_errors<Box<float>>(R"({"value": 1e39})")) ==
          listed({{"/value", "expected a number within the range of a float, got 1e+39"}}));
    CHECK(listed(parse_errors<Box<float>>(R"({"value": -1e39})")) ==
          listed({{"/value", "expected a number within the range of a float, got -1e+39"}}));
    CHECK(listed(parse_errors<Box<double>>(R"({"value": "abc"})")) ==
          listed({{"/value", R"(expected a number, got "abc")"}}));
    CHECK(listed(parse_errors<Box<float>>(R"({"value": null})")) ==
          listed({{"/value", "expected a number, got null"}}));
    CHECK(listed(parse_errors<Box<double>>(R"({"value": true})")) ==
          listed({{"/value", "expected a number, got true"}}));
}

TEST_CASE("a floating point field's annotated range is enforced and named") {
    using Ratio = Box<Annotated<double, instructor::minimum(0.0), instructor::maximum(1.5)>>;
    CHECK(from_json<Ratio>(R"({"value": 0})").value.get() == 0.0);
    CHECK(from_json<Ratio>(R"({"value": 1.5})").value.get() == 1.5);
    CHECK(listed(parse_errors<Ratio>(R"({"value": 1.51})")) ==
          listed({{"/value", "expected a number between 0.0 and 1.5, got 1.51"}}));
    CHECK(listed(parse_errors<Ratio>(R"({"value": "x"})")) ==
          listed({{"/value", R"(expected a number between 0.0 and 1.5, got "x")"}}));

    using Open = Box<Annotated<double, instructor::exclusive_minimum(0.0), instructor::exclusive_maximum(1.0)>>;
    CHECK(listed(parse_errors<Open>(R"({"value": 0})")) ==
          listed({{"/value", "expected a number greater than 0.0 and less than 1.0, got 0"}}));
    CHECK(listed(parse_errors<Open>(R"({"value": 1.0})")) ==
          listed({{"/value", "expected a number greater than 0.0 and less than 1.0, got 1.0"}}));
    CHECK(from_json<Open>(R"({"value": 0.5})").value.get() == 0.5);

    using Weight = Box<Annotated<float, instructor::minimum(0.0F)>>;
    CHECK(listed(parse_errors<Weight>(R"({"value": -1})")) ==
          listed({{"/value", "expected a number greater than or equal to 0.0, got -1"}}));
}

TEST_CASE("lax mode reads a number from a decimal string, strict mode refuses it") {
    CHECK(from_json<Box<double>>(R"({"value": "2.5"})").value == 2.5);
    CHECK(from_json<Box<double>>(R"({"value": " -1e3 "})").value == -1000.0);
    CHECK(from_json<Box<float>>(R"({"value": "0.25"})").value == 0.25F);
    CHECK(listed(parse_errors<Box<double>>(R"({"value": "2.5"})", strict)) ==
          listed({{"/value", R"(expected a number, got "2.5")"}}));
    SECTION("not a decimal number") {
        for (const std::string text : {"", "nan", "inf", "-Infinity", "1,5", "2.5kg", "0x10"}) {
            INFO(text);
            CHECK(listed(parse_errors<Box<double>>(json{{"value", text}}.dump())) ==
                  listed({{"/value", "expected a number, got " + json(text).dump()}}));
        }
    }
    SECTION("out of a float's range") {
        CHECK(listed(parse_errors<Box<float>>(R"({"value": "1e39"})")) ==
              listed({{"/value", R"(expected a number within the range of a float, got "1e39")"}}));
    }
}

// ---- booleans ------------------------------------------------------------------------------------

TEST_CASE("lax mode reads the usual spellings of a boolean, strict mode only true and false") {
    CHECK(from_json<Box<bool>>(R"({"value": true})", strict).value);
    CHECK_FALSE(from_json<Box<bool>>(R"({"value": false})", strict).value);

    SECTION("spellings of true") {
        const auto text =
            GENERATE(as<std::string>{}, "true", "TRUE", "True", "yes", "Yes", "on", "ON", "1", "t", "Y", " yes ");
        INFO(text);
        CHECK(from_json<Box<bool>>(json{{"value", text}}).value);
        CHECK(listed(parse_errors<Box<bool>>(json{{"value", text}}.dump(), strict)) ==
              listed({{"/value", "expected a boolean, got " + json(text).dump()}}));
    }
    SECTION("spellings of false") {
        const auto text = GENERATE(as<std::string>{}, "false", "False", "no", "NO", "off", "0", "f", "n");
        INFO(text);
        CHECK_FALSE(from_json<Box<bool>>(json{{"value", text}}).value);
        CHECK(listed(parse_errors<Box<bool>>(json{{"value", text}}.dump(), strict)) ==
              listed({{"/value", "expected a boolean, got " + json(text).dump()}}));
    }
    SECTION("the numbers 1 and 0") {
        CHECK(from_json<Box<bool>>(R"({"value": 1})").value);
        CHECK_FALSE(from_json<Box<bool>>(R"({"value": 0})").value);
        CHECK(listed(parse_errors<Box<bool>>(R"({"value": 1})", strict)) ==
              listed({{"/value", "expected a boolean, got 1"}}));
    }
    SECTION("anything else is not a boolean, even in lax mode") {
        for (const std::string text : {R"("maybe")", "2", "-1", "0.0", R"("")", "null", "[]"}) {
            INFO(text);
            std::string shown = text == "[]" ? "an array of 0 items" : text;
            CHECK(listed(parse_errors<Box<bool>>(R"({"value": )" + text + "}")) ==
                  listed({{"/value", "expected a boolean, got " + shown}}));
        }
    }
}

// ---- strings -------------------------------------------------------------------------------------

TEST_CASE("a string field takes only a string: a number is not converted, even in lax mode") {
    CHECK(from_json<Box<std::string>>(R"({"value": "héllo"})").value == "héllo");
    CHECK(listed(parse_errors<Box<std::string>>(R"({"value": 123})")) ==
          listed({{"/value", "expected a string, got 123"}}));
    CHECK(listed(parse_errors<Box<std::string>>(R"({"value": false})")) ==
          listed({{"/value", "expected a string, got false"}}));
    CHECK(listed(parse_errors<Box<std::string>>(R"({"value": {"a": 1}})")) ==
          listed({{"/value", "expected a string, got an object"}}));
}

TEST_CASE("a string's length is counted in characters, not bytes, and its bounds are named") {
    using Code = Box<Annotated<std::string, instructor::min_length(2), instructor::max_length(4)>>;
    CHECK(from_json<Code>(R"({"value": "éé"})").value.get() == "éé");
    CHECK(from_json<Code>(R"({"value": "éééé"})").value.get() == "éééé");
    CHECK(listed(parse_errors<Code>(R"({"value": "é"})")) ==
          listed({{"/value", R"(expected a string of 2 to 4 characters, got "é")"}}));
    CHECK(listed(parse_errors<Code>(R"({"value": "ééééé"})")) ==
          listed({{"/value", R"(expected a string of 2 to 4 characters, got "ééééé")"}}));
    CHECK(listed(parse_errors<Code>(R"({"value": 5})")) ==
          listed({{"/value", "expected a string of 2 to 4 characters, got 5"}}));

    using NonEmpty = Box<Annotated<std::string, instructor::min_length(1)>>;
    CHECK(listed(parse_errors<NonEmpty>(R"({"value": ""})")) ==
          listed({{"/value", R"(expected a string of at least 1 character, got "")"}}));
    using Short = Box<Annotated<std::string, instructor::max_length(1)>>;
    CHECK(listed(parse_errors<Short>(R"({"value": "ab"})")) ==
          listed({{"/value", R"(expected a string of at most 1 character, got "ab")"}}));
    using Exact = Box<Annotated<std::string, instructor::min_length(3), instructor::max_length(3)>>;
    CHECK(listed(parse_errors<Exact>(R"({"value": "ab"})")) ==
          listed({{"/value", R"(expected a string of exactly 3 characters, got "ab")"}}));
}

TEST_CASE("a pattern is searched for, as JSON Schema says, and named in the message") {
    using Digit = Box<Annotated<std::string, instructor::pattern("[0-9]")>>;
    CHECK(from_json<Digit>(R"({"value": "a1b"})").value.get() == "a1b");
    CHECK(listed(parse_errors<Digit>(R"({"value": "abc"})")) ==
          listed({{"/value", R"(expected a string matching the pattern [0-9], got "abc")"}}));

    using Slug = Box<Annotated<std::string, instructor::min_length(2), instructor::pattern("^[a-z]+$")>>;
    CHECK(from_json<Slug>(R"({"value": "abc"})").value.get() == "abc");
    CHECK(
        listed(parse_errors<Slug>(R"({"value": "ABC"})")) ==
        listed({{"/value", R"(expected a string of at least 2 characters matching the pattern ^[a-z]+$, got "ABC")"}}));
}

TEST_CASE("a string with choices takes exactly one of them and lists them all") {
    using Size = Box<Annotated<std::string, instructor::choices("small", "medium", "large")>>;
    CHECK(from_json<Size>(R"({"value": "medium"})").value.get() == "medium");
    CHECK(listed(parse_errors<Size>(R"({"value": "huge"})")) ==
          listed({{"/value", R"(expected one of "small", "medium", "large", got "huge")"}}));
    // Choices are literal strings: no letter-case leniency, even in lax mode.
    CHECK(listed(parse_errors<Size>(R"({"value": "Small"})")) ==
          listed({{"/value", R"(expected one of "small", "medium", "large", got "Small")"}}));
}

TEST_CASE("a long wrong string is cut to 60 bytes, on a character boundary, in the message") {
    const std::string long_text(70, 'x');
    CHECK(listed(parse_errors<Box<int>>(json{{"value", long_text}}.dump())) ==
          listed({{"/value", R"(expected an integer, got ")" + std::string(60, 'x') + R"(...")"}}));
    // "é" is two bytes: after one "a", the 60th byte is the first half of the 30th "é", dropped whole.
    std::string accents = "a";
    for (int i = 0; i < 40; ++i) accents += "é";
    std::string shown = "a";
    for (int i = 0; i < 29; ++i) shown += "é";
    CHECK(listed(parse_errors<Box<int>>(json{{"value", accents}}.dump())) ==
          listed({{"/value", "expected an integer, got \"" + shown + "...\""}}));
}

// ---- enums ---------------------------------------------------------------------------------------

TEST_CASE("an enum is read from its enumerator's name and lists the names when it is wrong") {
    CHECK(from_json<Box<Color>>(R"({"value": "green"})", strict).value == Color::green);
    CHECK(listed(parse_errors<Box<Color>>(R"({"value": "purple"})")) ==
          listed({{"/value", R"(expected one of "red", "green", "blue", got "purple")"}}));
    CHECK(listed(parse_errors<Box<Color>>(R"({"value": 1})")) ==
          listed({{"/value", R"(expected one of "red", "green", "blue", got 1)"}}));
}

TEST_CASE("lax mode matches enum names in any letter case, unless that makes them ambiguous") {
    CHECK(from_json<Box<Color>>(R"({"value": "GREEN"})").value == Color::green);
    CHECK(from_json<Box<Color>>(R"({"value": " Blue "})").value == Color::blue);
    CHECK(from_json<Box<Mode>>(R"({"value": "SLOW"})").value == Mode::slow);
    CHECK(from_json<Box<Mode>>(R"({"value": "Fast"})").value == Mode::Fast);
    CHECK(from_json<Box<Mode>>(R"({"value": "fast"})").value == Mode::fast);
    CHECK(listed(parse_errors<Box<Mode>>(R"({"value": "FAST"})")) ==
          listed({{"/value", R"(expected one of "fast", "Fast", "slow", got "FAST")"}}));
    CHECK(listed(parse_errors<Box<Color>>(R"({"value": "GREEN"})", strict)) ==
          listed({{"/value", R"(expected one of "red", "green", "blue", got "GREEN")"}}));
}

// ---- arrays, sets, maps --------------------------------------------------------------------------

TEST_CASE("a std::array takes exactly its size") {
    CHECK(from_json<Box<std::array<int, 3>>>(R"({"value": [1, 2, 3]})").value == std::array<int, 3>{1, 2, 3});
    CHECK(listed(parse_errors<Box<std::array<int, 3>>>(R"({"value": [1, 2]})")) ==
          listed({{"/value", "expected an array of exactly 3 items, got an array of 2 items"}}));
    CHECK(listed(parse_errors<Box<std::array<int, 1>>>(R"({"value": [1, 2]})")) ==
          listed({{"/value", "expected an array of exactly 1 item, got an array of 2 items"}}));
    CHECK(listed(parse_errors<Box<std::array<int, 2>>>(R"({"value": [1, "b"]})")) ==
          listed({{"/value/1", R"(expected an integer, got "b")"}}));
    CHECK(listed(parse_errors<Box<std::array<int, 2>>>(R"({"value": {"0": 1}})")) ==
          listed({{"/value", "expected an array of exactly 2 items, got an object"}}));
}

TEST_CASE("min_items and max_items bound a vector's size") {
    using Some = Box<Annotated<std::vector<int>, instructor::min_items(2), instructor::max_items(3)>>;
    CHECK(from_json<Some>(R"({"value": [1, 2]})").value->size() == 2);
    CHECK(from_json<Some>(R"({"value": [1, 2, 3]})").value->size() == 3);
    CHECK(listed(parse_errors<Some>(R"({"value": [1]})")) ==
          listed({{"/value", "expected an array of 2 to 3 items, got an array of 1 item"}}));
    CHECK(listed(parse_errors<Some>(R"({"value": [1, 2, 3, 4]})")) ==
          listed({{"/value", "expected an array of 2 to 3 items, got an array of 4 items"}}));
    using AtLeastOne = Box<Annotated<std::vector<std::string>, instructor::min_items(1)>>;
    CHECK(listed(parse_errors<AtLeastOne>(R"({"value": []})")) ==
          listed({{"/value", "expected an array of at least 1 item, got an array of 0 items"}}));
    using AtMostOne = Box<Annotated<std::vector<std::string>, instructor::max_items(1)>>;
    CHECK(listed(parse_errors<AtMostOne>(R"({"value": ["a", "b"]})")) ==
          listed({{"/value", "expected an array of at most 1 item, got an array of 2 items"}}));
    CHECK(listed(parse_errors<Box<std::vector<int>>>(R"({"value": "1, 2"})")) ==
          listed({{"/value", R"(expected an array, got "1, 2")"}}));
}

TEST_CASE("unique_items reports each repeat at its own index and points to the first") {
    using Unique = Box<Annotated<std::vector<std::string>, instructor::unique_items>>;
    CHECK(from_json<Unique>(R"({"value": ["a", "b"]})").value->size() == 2);
    CHECK(listed(parse_errors<Unique>(R"({"value": ["a", "b", "a", "c", "b", "a"]})")) ==
          listed({
              {"/value/2", "expected a unique item, got a repeat of /value/0"},
              {"/value/4", "expected a unique item, got a repeat of /value/1"},
              {"/value/5", "expected a unique item, got a repeat of /value/0"},
          }));
    // JSON equality: 1 and 1.0 are the same number.
    using UniqueNumbers = Box<Annotated<std::vector<double>, instructor::unique_items>>;
    CHECK(listed(parse_errors<UniqueNumbers>(R"({"value": [1, 1.0]})", strict)) ==
          listed({{"/value/1", "expected a unique item, got a repeat of /value/0"}}));
    CHECK(listed(parse_errors<Box<Annotated<std::vector<std::string>, instructor::unique_items>>>(
              R"({"value": "a"})")) == listed({{"/value", R"(expected an array with unique items, got "a")"}}));
}

TEST_CASE("a std::set drops repeated items in lax mode and reports them in strict mode") {
    const auto lax = from_json<Box<std::set<std::string>>>(R"({"value": ["b", "a", "b"]})");
    CHECK(lax.value == std::set<std::string>{"a", "b"});
    // Lax coercion first, then the repeat is dropped.
    CHECK(from_json<Box<std::set<int>>>(R"({"value": [1, "1", 2]})").value == std::set<int>{1, 2});

    CHECK(from_json<Box<std::set<int>>>(R"({"value": [3, 1, 2]})", strict).value == std::set<int>{1, 2, 3});
    CHECK(listed(parse_errors<Box<std::set<std::string>>>(R"({"value": ["b", "a", "b", "a"]})", strict)) ==
          listed({
              {"/value/2", "expected a unique item, got a repeat of /value/0"},
              {"/value/3", "expected a unique item, got a repeat of /value/1"},
          }));
    CHECK(listed(parse_errors<Box<std::set<int>>>(R"({"value": [1, "x"]})")) ==
          listed({{"/value/1", R"(expected an integer, got "x")"}}));
    CHECK(listed(parse_errors<Box<std::set<int>>>(R"({"value": 1})")) ==
          listed({{"/value", "expected an array with unique items, got 1"}}));
    SECTION("a wrong item is reported alongside a repeat") {
        CHECK(listed(parse_errors<Box<std::set<int>>>(R"({"value": [1, 2, 1, "x"]})", strict)) ==
              listed({
                  {"/value/2", "expected a unique item, got a repeat of /value/0"},
                  {"/value/3", R"(expected an integer, got "x")"},
              }));
    }
}

TEST_CASE("a map reads any keys and reports each bad value under its key") {
    const auto scores = from_json<Box<std::map<std::string, int>>>(R"({"value": {"b": 2, "a": 1}})");
    CHECK(scores.value == std::map<std::string, int>{{"a", 1}, {"b", 2}});
    const auto palette = from_json<Box<std::unordered_map<std::string, Color>>>(R"({"value": {"sky": "blue"}})");
    CHECK(palette.value.at("sky") == Color::blue);
    CHECK(from_json<Box<std::map<std::string, int>>>(R"({"value": {}})").value.empty());
    CHECK(listed(parse_errors<Box<std::map<std::string, int>>>(R"({"value": {"a": 1, "b": "two", "c": null}})")) ==
          listed({
              {"/value/b", R"(expected an integer, got "two")"},
              {"/value/c", "expected an integer, got null"},
          }));
    CHECK(listed(parse_errors<Box<std::map<std::string, int>>>(R"({"value": [["a", 1]]})")) ==
          listed({{"/value", "expected an object, got an array of 1 item"}}));
}

// ---- optional and pointers -----------------------------------------------------------------------

TEST_CASE("optional, unique_ptr and shared_ptr fields may be absent or null, and are read when present") {
    SECTION("absent") {
        const auto h = from_json<Holders>("{}", strict);
        CHECK_FALSE(h.maybe.has_value());
        CHECK(h.owned == nullptr);
        CHECK(h.shared == nullptr);
    }
    SECTION("null") {
        const auto h = from_json<Holders>(R"({"maybe": null, "owned": null, "shared": null})", strict);
        CHECK_FALSE(h.maybe.has_value());
        CHECK(h.owned == nullptr);
        CHECK(h.shared == nullptr);
    }
    SECTION("present") {
        const auto h = from_json<Holders>(R"({"maybe": 0, "owned": "", "shared": {"name": "a", "age": 5}})", strict);
        REQUIRE(h.maybe.has_value());
        CHECK(*h.maybe == 0);
        REQUIRE(h.owned != nullptr);
        CHECK(h.owned->empty());
        REQUIRE(h.shared != nullptr);
        CHECK(h.shared->name == "a");
        CHECK(h.shared->age.get() == 5);
    }
    SECTION("present and wrong: the error is the inner value's") {
        CHECK(listed(parse_errors<Holders>(R"({"maybe": "x", "owned": 1, "shared": {"name": "a", "age": 500}})")) ==
              listed({
                  {"/maybe", R"(expected an integer or null, got "x")"},
                  {"/owned", "expected a string or null, got 1"},
                  {"/shared/age", "expected an integer between 0 and 150, got 500"},
              }));
    }
    SECTION("annotations reach through the optional") {
        using Rating = Box<std::optional<Annotated<int, instructor::minimum(1), instructor::maximum(5)>>>;
        CHECK_FALSE(from_json<Rating>(R"({"value": null})").value.has_value());
        CHECK(listed(parse_errors<Rating>(R"({"value": 0})")) ==
              listed({{"/value", "expected an integer between 1 and 5 or null, got 0"}}));
    }
}

// ---- recursion -----------------------------------------------------------------------------------

TEST_CASE("a recursive struct is read to any depth and its errors point into it") {
    const auto tree = from_json<Tree>(
        R"({"name": "root", "children": [{"name": "a", "children": []}, {"name": "b", "children": [{"name": "c", "children": []}]}]})");
    REQUIRE(tree.children.size() == 2);
    REQUIRE(tree.children[1].children.size() == 1);
    CHECK(tree.children[1].children[0].name == "c");
    CHECK(
        listed(parse_errors<Tree>(
            R"({"name": "root", "children": [{"name": "a", "children": []}, {"name": "b", "children": [{"name": 3, "children": []}, {"name": "d"}]}]})")) ==
        listed({
            {"/children/1/children/0/name", "expected a string, got 3"},
            {"/children/1/children/1/children", "required field is missing"},
        }));

    const auto chain = from_json<Chain>(R"({"value": 1, "next": {"value": 2, "next": {"value": 3}}})");
    REQUIRE(chain.next != nullptr);
    REQUIRE(chain.next->next != nullptr);
    CHECK(chain.next->next->value == 3);
    CHECK(chain.next->next->next == nullptr);
    CHECK(listed(parse_errors<Chain>(R"({"value": 1, "next": {"value": 2, "next": {"value": "three"}}})")) ==
          listed({{"/next/next/value", R"(expected an integer, got "three")"}}));
}

// ---- variants ------------------------------------------------------------------------------------

TEST_CASE("a variant takes the first alternative that matches without coercion") {
    using IntOrText = Box<std::variant<int, std::string>>;
    CHECK(std::get<int>(from_json<IntOrText>(R"({"value": 5})").value) == 5);
    // "5" is a string, which matches exactly; it is not coerced into the int that comes first.
    CHECK(std::get<std::string>(from_json<IntOrText>(R"({"value": "5"})").value) == "5");

    using IntOrReal = Box<std::variant<int, double>>;
    CHECK(std::get<int>(from_json<IntOrReal>(R"({"value": 2})").value) == 2);
    CHECK(std::get<int>(from_json<IntOrReal>(R"({"value": 2.0})").value) == 2);
    CHECK(std::get<double>(from_json<IntOrReal>(R"({"value": 2.5})").value) == 2.5);

    using Nullable = Box<std::variant<std::monostate, int>>;
    CHECK(std::holds_alternative<std::monostate>(from_json<Nullable>(R"({"value": null})").value));
    CHECK(std::get<int>(from_json<Nullable>(R"({"value": 3})").value) == 3);

    using Pet = Box<std::variant<Cat, Dog>>;
    CHECK(std::get<Dog>(from_json<Pet>(R"({"value": {"name": "Rex", "good_boys": 3}})").value).good_boys == 3);
    CHECK(std::get<Cat>(from_json<Pet>(R"({"value": {"name": "Tom", "indoor": true}})", strict).value).indoor);
}

TEST_CASE("when no alternative matches exactly, lax mode coerces, preferring the one ignoring fewest keys") {
    using IntOrReal = Box<std::variant<int, double>>;
    CHECK(std::get<double>(from_json<IntOrReal>(R"({"value": "2.5"})").value) == 2.5);
    CHECK(std::get<int>(from_json<IntOrReal>(R"({"value": "2"})").value) == 2);

    using Pet = Box<std::variant<Cat, Dog>>;
    CHECK(std::get<Cat>(from_json<Pet>(R"({"value": {"name": "Tom", "indoor": "yes"}})").value).indoor);
    // Both match once unknown keys are ignored; Dog ignores one key ("extra"), Cat two.
    const auto dog = from_json<Pet>(R"({"value": {"name": "Rex", "good_boys": 3, "indoor": "x", "extra": 1}})");
    CHECK(std::holds_alternative<Dog>(dog.value));
    // A tie goes to the first alternative.
    const auto cat = from_json<Pet>(R"({"value": {"name": "Tom", "good_boys": 3, "indoor": true, "extra": 1}})");
    CHECK(std::holds_alternative<Cat>(cat.value));
}

TEST_CASE("a scalar that matches no alternative is told what each alternative expects") {
    CHECK(listed(parse_errors<Box<std::variant<int, std::string>>>(R"({"value": true})")) ==
          listed({{"/value", "expected an integer or a string, got true"}}));
    CHECK(listed(parse_errors<Box<std::variant<int, double>>>(R"({"value": "x"})")) ==
          listed({{"/value", R"(expected an integer or a number, got "x")"}}));
    CHECK(listed(parse_errors<Box<std::variant<Cat, Dog>>>(R"({"value": []})")) ==
          listed({{"/value", "expected an object (Cat) or an object (Dog), got an array of 0 items"}}));
    CHECK(listed(parse_errors<Box<std::variant<int, Color>>>(R"({"value": "GREENISH"})")) ==
          listed({{"/value", R"(expected an integer or one of "red", "green", "blue", got "GREENISH")"}}));
}

TEST_CASE("an object that matches no alternative gets the closest alternative's own errors") {
    using Pet = Box<std::variant<Cat, Dog>>;
    CHECK(listed(parse_errors<Pet>(R"({"value": {"name": "Tom", "indoor": "maybe"}})")) ==
          listed({
              {"/value", "matches none of Cat, Dog; the closest is Cat, which has these errors:"},
              {"/value/indoor", R"(expected a boolean, got "maybe")"},
          }));
    CHECK(listed(parse_errors<Pet>(R"({"value": {"name": "Tom", "indoor": "yes"}})", strict)) ==
          listed({
              {"/value", "matches none of Cat, Dog; the closest is Cat, which has these errors:"},
              {"/value/indoor", R"(expected a boolean, got "yes")"},
          }));
    // Strict: Cat would also have "good_boys" as an unknown key, so Dog is closer.
    CHECK(listed(parse_errors<Pet>(R"({"value": {"name": "Rex", "good_boys": "many"}})", strict)) ==
          listed({
              {"/value", "matches none of Cat, Dog; the closest is Dog, which has these errors:"},
              {"/value/good_boys", R"(expected an integer, got "many")"},
          }));
    SECTION("an array alternative") {
        CHECK(listed(parse_errors<Box<std::variant<Cat, std::vector<int>>>>(R"({"value": [1, "x"]})")) ==
              listed({
                  {"/value", "matches none of Cat, an array; the closest is an array, which has these errors:"},
                  {"/value/1", R"(expected an integer, got "x")"},
              }));
    }
    SECTION("inside a list, the pointers carry the item's index") {
        CHECK(listed(parse_errors<Box<std::vector<std::variant<Cat, Dog>>>>(
                  R"({"value": [{"name": "a", "indoor": true}, {"name": "b", "indoor": 2}]})")) ==
              listed({
                  {"/value/1", "matches none of Cat, Dog; the closest is Cat, which has these errors:"},
                  {"/value/1/indoor", "expected a boolean, got 2"},
              }));
    }
}

TEST_CASE("in lax mode the closest alternative is the one whose keys the object uses") {
    // The reply is plainly a Dog with a bad good_boys: Cat (first, equally many errors) would send the
    // model after a missing "indoor" it never meant to write.
    CHECK(listed(parse_errors<Box<std::variant<Cat, Dog>>>(R"({"value": {"name": "Rex", "good_boys": "many"}})")) ==
          listed({
              {"/value", "matches none of Cat, Dog; the closest is Dog, which has these errors:"},
              {"/value/good_boys", R"(expected an integer, got "many")"},
          }));
}

// ---- nlohmann::json fields -----------------------------------------------------------------------

TEST_CASE("a nlohmann::json field accepts any JSON value, null included, but must be present") {
    for (const char* payload : {R"({"a": [1, {"b": null}]})", "[]", "3.5", R"("text")", "true", "null"}) {
        INFO(payload);
        const auto envelope = from_json<Envelope>(std::string(R"({"kind": "k", "payload": )") + payload + "}", strict);
        CHECK(envelope.payload == json::parse(payload));
    }
    CHECK(listed(parse_errors<Envelope>(R"({"kind": "k"})")) == listed({{"/payload", "required field is missing"}}));
}

// ---- all errors, missing vs null, unknown keys ---------------------------------------------------

TEST_CASE("every error is reported, not only the first, in document order") {
    const auto errors = parse_errors<Team>(R"({"name": 7, "items": [
        {"name": "a", "age": -1}, {"name": "b", "age": 20}, {"age": "x"}, {"name": null, "age": 30.5}]})");
    CHECK(listed(errors) == listed({
                                {"/name", "expected a string, got 7"},
                                {"/items/0/age", "expected an integer between 0 and 150, got -1"},
                                {"/items/2/name", "required field is missing"},
                                {"/items/2/age", R"(expected an integer between 0 and 150, got "x")"},
                                {"/items/3/name", "expected a string, got null"},
                                {"/items/3/age", "expected an integer between 0 and 150, got 30.5"},
                            }));
}

TEST_CASE("a missing required field and a null one are different errors") {
    CHECK(listed(parse_errors<Person>(R"({"name": "a"})")) == listed({{"/age", "required field is missing"}}));
    CHECK(listed(parse_errors<Person>(R"({"name": "a", "age": null})")) ==
          listed({{"/age", "expected an integer between 0 and 150, got null"}}));
    CHECK(listed(parse_errors<Person>("{}")) ==
          listed({{"/name", "required field is missing"}, {"/age", "required field is missing"}}));
    CHECK(listed(parse_errors<Team>(R"({"name": "t", "items": null})")) ==
          listed({{"/items", "expected an array, got null"}}));
    CHECK(listed(parse_errors<Box<Person>>(R"({"value": null})")) ==
          listed({{"/value", "expected an object, got null"}}));
    CHECK(listed(parse_errors<Box<Color>>(R"({"value": null})")) ==
          listed({{"/value", R"(expected one of "red", "green", "blue", got null)"}}));
    CHECK(listed(parse_errors<Box<bool>>(R"({"value": null})")) ==
          listed({{"/value", "expected a boolean, got null"}}));
    CHECK(listed(parse_errors<Box<std::monostate>>(R"({"value": 0})")) == listed({{"/value", "expected null, got 0"}}));
}

TEST_CASE("unknown keys are ignored in lax mode and reported in strict mode with the allowed fields") {
    const std::string text = R"({"name": "a", "age": 3, "nickname": "x", "email": null})";
    CHECK(from_json<Person>(text).name == "a");
    CHECK(listed(parse_errors<Person>(text, strict)) ==
          listed({
              {"/email", "unexpected field; the allowed fields are: name, age"},
              {"/nickname", "unexpected field; the allowed fields are: name, age"},
          }));
    CHECK(listed(parse_errors<Box<Person>>(R"({"value": {"name": "a", "age": 3, "a/b": 1}})", strict)) ==
          listed({{"/value/a~1b", "unexpected field; the allowed fields are: name, age"}}));
    CHECK(try_from_json<Nothing>(R"({"x": 1})").has_value());
    CHECK(listed(parse_errors<Nothing>(R"({"x": 1})", strict)) ==
          listed({{"/x", "unexpected field; this object takes no fields"}}));
}

TEST_CASE("in strict mode unknown keys are reported alongside the fields' own errors") {
    CHECK(listed(parse_errors<Person>(R"({"name": 1, "age": 3, "extra": true})", strict)) ==
          listed({
              {"/name", "expected a string, got 1"},
              {"/extra", "unexpected field; the allowed fields are: name, age"},
          }));
}

// ---- defaults ------------------------------------------------------------------------------------

TEST_CASE("a field with a default may be left out and then takes the default") {
    SECTION("Annotated default_value") {
        const auto filled = from_json<WithDefaults>(R"({"id": 1})", strict);
        CHECK(filled.id == 1);
        CHECK(filled.retries.get() == 7);
        CHECK(filled.mode.get() == "fast");
        CHECK(filled.tags->empty());

        const auto given = from_json<WithDefaults>(R"({"id": 1, "retries": 0, "mode": "slow", "tags": ["x"]})");
        CHECK(given.retries.get() == 0);
        CHECK(given.mode.get() == "slow");
        CHECK(given.tags.get() == std::vector<std::string>{"x"});

        // null is not "left out": the default does not make the field nullable.
        CHECK(listed(parse_errors<WithDefaults>(R"({"id": 1, "retries": null})")) ==
              listed({{"/retries", "expected an integer, got null"}}));
        CHECK(listed(parse_errors<WithDefaults>("{}")) == listed({{"/id", "required field is missing"}}));
    }
    SECTION("meta<T> field defaults and bounds") {
        const auto filled = from_json<Settings>(R"({"ratio": 0.5})", strict);
        CHECK(filled.host == "localhost");
        CHECK(filled.port == 8080);
        CHECK(filled.ratio == 0.5);

        const auto given = from_json<Settings>(R"({"host": "example.org", "port": 443, "ratio": 1})");
        CHECK(given.host == "example.org");
        CHECK(given.port == 443);

        CHECK(listed(parse_errors<Settings>(R"({"host": "", "port": 0, "ratio": 0})")) ==
              listed({
                  {"/host", R"(expected a string of at least 1 character, got "")"},
                  {"/port", "expected an integer between 1 and 65535, got 0"},
                  {"/ratio", "expected a number greater than 0.0, got 0"},
              }));
        CHECK(listed(parse_errors<Settings>("{}")) == listed({{"/ratio", "required field is missing"}}));
    }
}

// ---- malformed JSON, raw(), what() ---------------------------------------------------------------

TEST_CASE("malformed JSON text is a ValidationError at the root that keeps the raw text") {
    const std::string truncated = R"({"name": "Jason", "age": 30)";
    try {
        (void)from_json<Person>(truncated);
        FAIL("malformed JSON was accepted");
    } catch (const ValidationError& e) {
        CHECK(e.raw() == truncated);
        CHECK(listed(e.errors()) ==
              listed({{"",
                       "invalid JSON: parse error at line 1, column 28: "
                       "syntax error while parsing object - unexpected end of input; expected '}'"}}));
    }
    SECTION("text around the JSON, as models sometimes add") {
        const std::string fenced = "```json\n{\"name\": \"a\", \"age\": 1}\n```";
        const auto result = try_from_json<Person>(fenced);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().raw() == fenced);
        CHECK(listed(result.error().errors()) ==
              listed({{"",
                       "invalid JSON: parse error at line 1, column 1: "
                       "syntax error while parsing value - invalid literal; last read: '`'"}}));
    }
    SECTION("empty text") {
        const auto result = try_from_json<Person>("");
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().raw().empty());
        CHECK(listed(result.error().errors()) ==
              listed({{"",
                       "invalid JSON: parse error at line 1, column 1: "
                       "syntax error while parsing value - unexpected end of input; expected '[', '{', or a "
                       "literal"}}));
    }
    SECTION("malformed JSON is an error in strict mode too, of the same type") {
        REQUIRE_THROWS_AS(from_json<Person>("{name: 'a'}", strict), ValidationError);
    }
}

TEST_CASE("raw() keeps the input exactly as received") {
    const std::string text = "{ \"name\" : \"a\",\n  \"age\": \"old\" }";
    const auto from_text = try_from_json<Person>(text);
    REQUIRE_FALSE(from_text.has_value());
    CHECK(from_text.error().raw() == text);
    // A parsed value has no text of its own: raw() is its compact dump.
    const auto from_value = try_from_json<Person>(json::parse(text));
    REQUIRE_FALSE(from_value.has_value());
    CHECK(from_value.error().raw() == R"({"age":"old","name":"a"})");
    CHECK(from_value.error().errors() == from_text.error().errors());
}

TEST_CASE("what() counts the errors and lists each as pointer: message, (root) for the empty pointer") {
    try {
        (void)from_json<Team>(R"({"name": 1, "items": [{"name": "a", "age": "x"}]})");
        FAIL("not rejected");
    } catch (const ValidationError& e) {
        CHECK(std::string(e.what()) ==
              "2 validation errors\n"
              "  /name: expected a string, got 1\n"
              "  /items/0/age: expected an integer between 0 and 150, got \"x\"");
    }
    try {
        (void)from_json<Person>("[]");
        FAIL("not rejected");
    } catch (const ValidationError& e) {
        CHECK(std::string(e.what()) == "1 validation error\n  (root): expected an object, got an array of 0 items");
    }
    const ValidationError made({{"", "a"}, {"/b", "c"}, {"/d~1e", "f"}});
    CHECK(std::string(made.what()) == "3 validation errors\n  (root): a\n  /b: c\n  /d~1e: f");
    CHECK(instructor::to_string(FieldError{"", "whole thing"}) == "(root): whole thing");
    CHECK(instructor::to_string(FieldError{"/x/0", "bad"}) == "/x/0: bad");
    // Every instructor exception is an instructor::Error, itself a std::runtime_error.
    const instructor::Error& as_base = made;
    CHECK(std::string(as_base.what()).rfind("3 validation errors", 0) == 0);
}

// ---- Result --------------------------------------------------------------------------------------

TEST_CASE("try_from_json returns a Result that holds the value or the ValidationError") {
    auto good = try_from_json<Person>(R"({"name": "a", "age": 1})");
    REQUIRE(good.has_value());
    CHECK(static_cast<bool>(good));
    CHECK(good.value().name == "a");
    CHECK(good->age.get() == 1);
    CHECK((*good).name == "a");
    good.value().name = "b";
    CHECK(good->name == "b");

    const auto bad = try_from_json<Person>(R"({"name": "a", "age": "x"})");
    REQUIRE_FALSE(bad.has_value());
    CHECK_FALSE(static_cast<bool>(bad));
    const Errors expected{{"/age", R"(expected an integer between 0 and 150, got "x")"}};
    CHECK(bad.error().errors() == expected);
    CHECK(bad.error().raw() == R"({"name": "a", "age": "x"})");
    REQUIRE_THROWS_AS(bad.value(), ValidationError);
    try {
        (void)bad.value();
    } catch (const ValidationError& e) {
        CHECK(e.errors() == expected);
        CHECK(std::string(e.what()) == std::string(bad.error().what()));
    }

    SECTION("a move-only value is moved out") {
        auto chain = try_from_json<Chain>(R"({"value": 1, "next": {"value": 2}})");
        REQUIRE(chain.has_value());
        const Chain taken = std::move(chain).value();
        REQUIRE(taken.next != nullptr);
        CHECK(taken.next->value == 2);
    }
    SECTION("options are passed through") {
        CHECK(try_from_json<Person>(R"({"name": "a", "age": "1"})").has_value());
        CHECK_FALSE(try_from_json<Person>(R"({"name": "a", "age": "1"})", strict).has_value());
        CHECK_FALSE(try_from_json<Person>(json::parse(R"({"name": "a", "age": "1"})"), strict).has_value());
    }
}

// ---- every lax coercion, and its strict refusal ----------------------------------------------------

TEST_CASE("each lax coercion is refused in strict mode with the plain type's message") {
    SECTION("integer from string") {
        CHECK(from_json<Box<long>>(R"({"value": "12"})").value == 12);
        CHECK(listed(parse_errors<Box<long>>(R"({"value": "12"})", strict)) ==
              listed({{"/value", R"(expected an integer, got "12")"}}));
    }
    SECTION("number from string") {
        CHECK(from_json<Box<double>>(R"({"value": "1.5"})").value == 1.5);
        CHECK(listed(parse_errors<Box<double>>(R"({"value": "1.5"})", strict)) ==
              listed({{"/value", R"(expected a number, got "1.5")"}}));
    }
    SECTION("boolean from string or number") {
        CHECK(from_json<Box<bool>>(R"({"value": "on"})").value);
        CHECK(listed(parse_errors<Box<bool>>(R"({"value": "on"})", strict)) ==
              listed({{"/value", R"(expected a boolean, got "on")"}}));
        CHECK_FALSE(from_json<Box<bool>>(R"({"value": 0})").value);
        CHECK(listed(parse_errors<Box<bool>>(R"({"value": 0})", strict)) ==
              listed({{"/value", "expected a boolean, got 0"}}));
    }
    SECTION("enum in another letter case") {
        CHECK(from_json<Box<Color>>(R"({"value": "Red"})").value == Color::red);
        CHECK(listed(parse_errors<Box<Color>>(R"({"value": "Red"})", strict)) ==
              listed({{"/value", R"(expected one of "red", "green", "blue", got "Red")"}}));
    }
    SECTION("repeats in a set") {
        CHECK(from_json<Box<std::set<Color>>>(R"({"value": ["red", "red"]})").value == std::set<Color>{Color::red});
        CHECK(listed(parse_errors<Box<std::set<Color>>>(R"({"value": ["red", "red"]})", strict)) ==
              listed({{"/value/1", "expected a unique item, got a repeat of /value/0"}}));
    }
    SECTION("unknown keys") {
        CHECK(from_json<Box<int>>(R"({"value": 1, "other": 2})").value == 1);
        CHECK(listed(parse_errors<Box<int>>(R"({"value": 1, "other": 2})", strict)) ==
              listed({{"/other", "unexpected field; the allowed fields are: value"}}));
    }
    SECTION("coercions inside containers and optionals") {
        const auto lax = from_json<Box<std::vector<std::optional<int>>>>(R"({"value": ["1", null, " 2 "]})");
        REQUIRE(lax.value.size() == 3);
        CHECK(lax.value[0] == 1);
        CHECK_FALSE(lax.value[1].has_value());
        CHECK(lax.value[2] == 2);
        CHECK(listed(parse_errors<Box<std::vector<std::optional<int>>>>(R"({"value": ["1", null, " 2 "]})", strict)) ==
              listed({
                  {"/value/0", R"(expected an integer or null, got "1")"},
                  {"/value/2", R"(expected an integer or null, got " 2 ")"},
              }));
    }
}

// ---- round trips ---------------------------------------------------------------------------------

TEST_CASE("to_json writes every kind of field, and from_json reads it back to the same value") {
    Everything value{};
    value.flag = true;
    value.small = -128;
    value.big = std::numeric_limits<std::uint64_t>::max();
    value.single = 0.1F;
    value.real = -2.5e-300;
    value.text = "héllo \"quoted\"\n";
    value.color = Color::blue;
    value.maybe = 0;
    value.none = std::nullopt;
    value.owner = std::make_unique<Person>(Person{"o", 9});
    value.note = std::make_shared<std::string>("n");
    value.choice = Cat{"c", false};
    value.people = {Person{"p", 1}, Person{"q", 150}};
    value.triple = {1, -2, 3};
    value.tags = {"b", "a"};
    value.scores = {{"a/b", 1}, {"~", 2}};
    value.palette = {{"sky", Color::blue}};
    value.tree = Tree{"root", {Tree{"leaf", {}}}};
    value.extra = json::parse(R"({"any": [1, null, "x"]})");

    const json written = to_json(value);
    CHECK(written == json::parse(R"({
        "flag": true, "small": -128, "big": 18446744073709551615, "single": 0.10000000149011612,
        "real": -2.5e-300, "text": "héllo \"quoted\"\n", "color": "blue", "maybe": 0, "none": null,
        "owner": {"name": "o", "age": 9}, "note": "n", "choice": {"name": "c", "indoor": false},
        "people": [{"name": "p", "age": 1}, {"name": "q", "age": 150}], "triple": [1, -2, 3],
        "tags": ["a", "b"], "scores": {"a/b": 1, "~": 2}, "palette": {"sky": "blue"},
        "tree": {"name": "root", "children": [{"name": "leaf", "children": []}]},
        "extra": {"any": [1, null, "x"]}, "nothing": null})"));

    for (const auto& options : {ParseOptions{.strict = false}, ParseOptions{.strict = true}}) {
        INFO("strict: " << options.strict);
        const auto back = from_json<Everything>(written.dump(), options);
        CHECK(back.flag);
        CHECK(back.small == -128);
        CHECK(back.big == std::numeric_limits<std::uint64_t>::max());
        CHECK(back.single == 0.1F);
        CHECK(back.real == -2.5e-300);
        CHECK(back.text == "héllo \"quoted\"\n");
        CHECK(back.color == Color::blue);
        CHECK(back.maybe == 0);
        CHECK_FALSE(back.none.has_value());
        REQUIRE(back.owner != nullptr);
        CHECK(back.owner->name == "o");
        REQUIRE(back.note != nullptr);
        CHECK(*back.note == "n");
        REQUIRE(std::holds_alternative<Cat>(back.choice));
        CHECK(std::get<Cat>(back.choice).name == "c");
        REQUIRE(back.people.size() == 2);
        CHECK(back.people[1].age.get() == 150);
        CHECK(back.triple == std::array<int, 3>{1, -2, 3});
        CHECK(back.tags == std::set<std::string>{"a", "b"});
        CHECK(back.scores == std::map<std::string, int>{{"a/b", 1}, {"~", 2}});
        CHECK(back.palette.at("sky") == Color::blue);
        REQUIRE(back.tree.children.size() == 1);
        CHECK(back.tree.children[0].name == "leaf");
        CHECK(back.extra == value.extra);
        CHECK(to_json(back) == written);
    }
}

TEST_CASE("each variant alternative round-trips to itself") {
    using Choice = std::variant<int, std::string, Cat>;
    for (const Choice& choice : {Choice{42}, Choice{std::string("42")}, Choice{Cat{"c", true}}}) {
        Box<Choice> box{choice};
        const json written = to_json(box);
        const auto back = from_json<Box<Choice>>(written, strict);
        CHECK(back.value.index() == choice.index());
        CHECK(to_json(back) == written);
    }
}

TEST_CASE("integer limits and special floats round-trip exactly") {
    const auto round_trip = [](const auto& value) {
        using T = std::remove_cvref_t<decltype(value)>;
        return from_json<Box<T>>(to_json(Box<T>{value}).dump(), strict).value;
    };
    CHECK(round_trip(std::numeric_limits<std::int8_t>::min()) == std::numeric_limits<std::int8_t>::min());
    CHECK(round_trip(std::numeric_limits<std::uint16_t>::max()) == std::numeric_limits<std::uint16_t>::max());
    CHECK(round_trip(std::numeric_limits<std::int32_t>::min()) == std::numeric_limits<std::int32_t>::min());
    CHECK(round_trip(std::numeric_limits<std::uint32_t>::max()) == std::numeric_limits<std::uint32_t>::max());
    CHECK(round_trip(std::numeric_limits<std::int64_t>::min()) == std::numeric_limits<std::int64_t>::min());
    CHECK(round_trip(std::numeric_limits<std::int64_t>::max()) == std::numeric_limits<std::int64_t>::max());
    CHECK(round_trip(std::numeric_limits<std::uint64_t>::max()) == std::numeric_limits<std::uint64_t>::max());
    CHECK(round_trip(std::numeric_limits<double>::max()) == std::numeric_limits<double>::max());
    CHECK(round_trip(std::numeric_limits<double>::denorm_min()) == std::numeric_limits<double>::denorm_min());
    CHECK(round_trip(std::numeric_limits<float>::lowest()) == std::numeric_limits<float>::lowest());
    CHECK(round_trip(-0.0) == 0.0);
    CHECK(round_trip(std::string()) == std::string());
}

TEST_CASE("an enum value with no name is written as its number, which reading back reports") {
    const json written = to_json(Box<Color>{static_cast<Color>(7)});
    CHECK(written == json::parse(R"({"value": 7})"));
    CHECK(listed(parse_errors<Box<Color>>(written.dump())) ==
          listed({{"/value", R"(expected one of "red", "green", "blue", got 7)"}}));
}
