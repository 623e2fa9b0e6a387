// Tests for the test suite's own independent JSON Schema validator (tests/support).
#include "catch.hpp"
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "schema_validator.hpp"

using nlohmann::json;
using test_support::schema_allows;
using test_support::validate_against_schema;

namespace {

json j(const char* text) { return json::parse(text); }

}  // namespace

TEST_CASE("an empty schema and the true schema accept anything, the false schema nothing") {
    for (const json& instance : {j("null"), j("1"), j("\"x\""), j("[1,2]"), j("{\"a\":1}")}) {
        CHECK(schema_allows(json::object(), instance));
        CHECK(schema_allows(json(true), instance));
        CHECK_FALSE(schema_allows(json(false), instance));
    }
}

TEST_CASE("type accepts only values of the named type") {
    CHECK(schema_allows(j(R"({"type":"string"})"), "hi"));
    CHECK_FALSE(schema_allows(j(R"({"type":"string"})"), 1));
    CHECK(schema_allows(j(R"({"type":"boolean"})"), true));
    CHECK_FALSE(schema_allows(j(R"({"type":"boolean"})"), 0));
    CHECK(schema_allows(j(R"({"type":"null"})"), nullptr));
    CHECK_FALSE(schema_allows(j(R"({"type":"null"})"), j("{}")));
    CHECK(schema_allows(j(R"({"type":"object"})"), j("{}")));
    CHECK_FALSE(schema_allows(j(R"({"type":"object"})"), j("[]")));
    CHECK(schema_allows(j(R"({"type":"array"})"), j("[]")));
    CHECK_FALSE(schema_allows(j(R"({"type":"array"})"), j("{}")));
}

TEST_CASE("type given as an array accepts any of the listed types") {
    const json schema = j(R"({"type":["string","null"]})");
    CHECK(schema_allows(schema, "x"));
    CHECK(schema_allows(schema, nullptr));
    CHECK_FALSE(schema_allows(schema, 3));
}

TEST_CASE("integer accepts numbers with a zero fractional part, including floats like 30.0") {
    const json schema = j(R"({"type":"integer"})");
    CHECK(schema_allows(schema, j("30")));
    CHECK(schema_allows(schema, j("-7")));
    CHECK(schema_allows(schema, j("30.0")));
    CHECK(schema_allows(schema, j("1e3")));
    CHECK(schema_allows(schema, j("18446744073709551615")));
    CHECK_FALSE(schema_allows(schema, j("30.5")));
    CHECK_FALSE(schema_allows(schema, j("\"30\"")));
}

TEST_CASE("number accepts integers as well as floats") {
    const json schema = j(R"({"type":"number"})");
    CHECK(schema_allows(schema, j("3")));
    CHECK(schema_allows(schema, j("-3")));
    CHECK(schema_allows(schema, j("3.25")));
    CHECK_FALSE(schema_allows(schema, j("true")));
}

TEST_CASE("enum accepts only listed values, comparing numbers by value") {
    const json schema = j(R"({"enum":["red", 1, null, [1,2], {"a":1}]})");
    CHECK(schema_allows(schema, "red"));
    CHECK(schema_allows(schema, j("1.0")));
    CHECK(schema_allows(schema, nullptr));
    CHECK(schema_allows(schema, j("[1,2.0]")));
    CHECK(schema_allows(schema, j(R"({"a":1})")));
    CHECK_FALSE(schema_allows(schema, "blue"));
    CHECK_FALSE(schema_allows(schema, j("[2,1]")));
    CHECK_FALSE(schema_allows(schema, j("true")));  // true is not 1
}

TEST_CASE("const accepts only the given value") {
    const json schema = j(R"({"const":"fixed"})");
    CHECK(schema_allows(schema, "fixed"));
    CHECK_FALSE(schema_allows(schema, "other"));
    CHECK(schema_allows(j(R"({"const":2})"), j("2.0")));
    CHECK_FALSE(schema_allows(j(R"({"const":false})"), j("0")));
}

TEST_CASE("properties validate present members and required reports missing ones") {
    const json schema = j(R"({
    "type":"object",
    "properties":{"name":{"type":"string"},"age":{"type":"integer"}},
    "required":["name"]})");
    CHECK(schema_allows(schema, j(R"({"name":"Ann","age":3})")));
    CHECK(schema_allows(schema, j(R"({"name":"Ann"})")));
    CHECK(schema_allows(schema, j(R"({"name":"Ann","extra":true})")));
    CHECK_FALSE(schema_allows(schema, j(R"({"age":3})")));
    CHECK_FALSE(schema_allows(schema, j(R"({"name":"Ann","age":"3"})")));

    const auto violations = validate_against_schema(schema, j(R"({"age":3})"));
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].pointer.empty());
    CHECK(violations[0].keyword == "required");
    CHECK_THAT(violations[0].message, Catch::Matchers::Contains("name"));
}

TEST_CASE("object keywords ignore values that are not objects") {
    const json schema = j(R"({"properties":{"a":{"type":"string"}},"required":["a"],
                             "additionalProperties":false})");
    CHECK(schema_allows(schema, j("[1]")));
    CHECK(schema_allows(schema, j("\"text\"")));
}

TEST_CASE("additionalProperties false rejects undeclared members") {
    const json schema = j(R"({"properties":{"a":{}},"additionalProperties":false})");
    CHECK(schema_allows(schema, j(R"({"a":1})")));
    const auto violations = validate_against_schema(schema, j(R"({"a":1,"b":2})"));
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].pointer == "/b");
    CHECK(violations[0].keyword == "additionalProperties");
}

TEST_CASE("additionalProperties given as a schema validates undeclared members") {
    const json schema = j(R"({"properties":{"a":{"type":"string"}},
                             "additionalProperties":{"type":"integer"}})");
    CHECK(schema_allows(schema, j(R"({"a":"x","b":2,"c":3})")));
    CHECK_FALSE(schema_allows(schema, j(R"({"a":"x","b":"2"})")));
    CHECK_FALSE(schema_allows(schema, j(R"({"a":5})")));  // declared, so checked by properties
}

TEST_CASE("items applies its schema to every element") {
    const json schema = j(R"({"type":"array","items":{"type":"integer"}})");
    CHECK(schema_allows(schema, j("[]")));
    CHECK(schema_allows(schema, j("[1,2,3.0]")));
    CHECK_FALSE(schema_allows(schema, j("[1,\"2\"]")));
}

TEST_CASE("prefixItems checks positions and items covers only the elements after them") {
    const json tuple = j(R"({"prefixItems":[{"type":"string"},{"type":"integer"}],"items":false})");
    CHECK(schema_allows(tuple, j(R"(["a",1])")));
    CHECK(schema_allows(tuple, j(R"(["a"])")));
    CHECK_FALSE(schema_allows(tuple, j(R"([1,"a"])")));
    const auto extra = validate_against_schema(tuple, j(R"(["a",1,true])"));
    REQUIRE(extra.size() == 1);
    CHECK(extra[0].pointer == "/2");
    CHECK(extra[0].keyword == "items");

    const json rest = j(R"({"prefixItems":[{"type":"string"}],"items":{"type":"boolean"}})");
    CHECK(schema_allows(rest, j(R"(["a",true,false])")));
    CHECK_FALSE(schema_allows(rest, j(R"(["a",true,1])")));
}

TEST_CASE("minItems and maxItems bound the array length inclusively") {
    const json schema = j(R"({"minItems":1,"maxItems":2})");
    CHECK_FALSE(schema_allows(schema, j("[]")));
    CHECK(schema_allows(schema, j("[1]")));
    CHECK(schema_allows(schema, j("[1,2]")));
    CHECK_FALSE(schema_allows(schema, j("[1,2,3]")));
}

TEST_CASE("uniqueItems rejects equal elements, treating 1 and 1.0 as equal") {
    const json schema = j(R"({"uniqueItems":true})");
    CHECK(schema_allows(schema, j("[1,2,\"1\",true]")));
    CHECK_FALSE(schema_allows(schema, j("[1,1.0]")));
    CHECK_FALSE(schema_allows(schema, j(R"([{"a":1,"b":[2]},{"b":[2.0],"a":1}])")));
    CHECK(schema_allows(schema, j(R"([{"a":1},{"a":1,"b":2}])")));
    CHECK(schema_allows(j(R"({"uniqueItems":false})"), j("[1,1]")));
}

TEST_CASE("minimum and maximum are inclusive, the exclusive forms are not") {
    CHECK(schema_allows(j(R"({"minimum":1})"), 1));
    CHECK_FALSE(schema_allows(j(R"({"minimum":1})"), j("0.999")));
    CHECK(schema_allows(j(R"({"maximum":1.5})"), j("1.5")));
    CHECK_FALSE(schema_allows(j(R"({"maximum":1.5})"), 2));
    CHECK_FALSE(schema_allows(j(R"({"exclusiveMinimum":1})"), j("1.0")));
    CHECK(schema_allows(j(R"({"exclusiveMinimum":1})"), j("1.0001")));
    CHECK_FALSE(schema_allows(j(R"({"exclusiveMaximum":0})"), 0));
    CHECK(schema_allows(j(R"({"exclusiveMaximum":0})"), -1));
    CHECK(schema_allows(j(R"({"minimum":5})"), "text"));  // bounds ignore non-numbers
}

TEST_CASE("numeric bounds at the edges of 64-bit integers compare exactly") {
    const auto max64 = std::numeric_limits<std::int64_t>::max();
    const auto min64 = std::numeric_limits<std::int64_t>::min();
    const json int64_range = {{"minimum", min64}, {"maximum", max64}};
    CHECK(schema_allows(int64_range, max64));
    CHECK(schema_allows(int64_range, min64));
    CHECK_FALSE(schema_allows(int64_range, j("9223372036854775808")));    // 2^63, parsed as uint64
    CHECK_FALSE(schema_allows(int64_range, j("9223372036854775807.0")));  // the double 2^63

    CHECK_FALSE(schema_allows(json{{"exclusiveMaximum", max64}}, max64));
    CHECK(schema_allows(json{{"exclusiveMaximum", max64}}, max64 - 1));
    CHECK_FALSE(schema_allows(json{{"exclusiveMinimum", min64}}, min64));
    CHECK(schema_allows(json{{"exclusiveMinimum", min64}}, min64 + 1));

    const auto umax = std::numeric_limits<std::uint64_t>::max();
    CHECK(schema_allows(json{{"maximum", umax}}, umax));
    CHECK_FALSE(schema_allows(json{{"maximum", umax - 1}}, umax));
    CHECK_FALSE(schema_allows(json{{"maximum", umax}}, j("18446744073709551616.0")));
    CHECK(schema_allows(json{{"minimum", -1}}, umax));
    CHECK_FALSE(schema_allows(json{{"maximum", -1}}, umax));
}

TEST_CASE("minLength and maxLength count Unicode code points, not bytes") {
    const std::string hello = "h\xC3\xA9llo";  // "héllo": 5 code points, 6 bytes
    CHECK(schema_allows(j(R"({"maxLength":5})"), hello));
    CHECK(schema_allows(j(R"({"minLength":5})"), hello));
    CHECK_FALSE(schema_allows(j(R"({"minLength":6})"), hello));
    CHECK_FALSE(schema_allows(j(R"({"maxLength":4})"), hello));
    const std::string emoji = "\xF0\x9F\x98\x80";  // one code point, four bytes
    CHECK(schema_allows(j(R"({"maxLength":1})"), emoji));
    CHECK_FALSE(schema_allows(j(R"({"maxLength":0})"), emoji));
    CHECK(schema_allows(j(R"({"maxLength":0})"), ""));
}

TEST_CASE("pattern searches anywhere in the string unless anchored") {
    CHECK(schema_allows(j(R"({"pattern":"b+"})"), "abbbc"));
    CHECK_FALSE(schema_allows(j(R"({"pattern":"x"})"), "abc"));
    const json anchored = j(R"({"pattern":"^[a-z]{2}-\\d+$"})");
    CHECK(schema_allows(anchored, "ab-12"));
    CHECK_FALSE(schema_allows(anchored, "xab-12"));
    CHECK(schema_allows(anchored, 12));  // pattern ignores non-strings
}

TEST_CASE("anyOf needs at least one matching alternative") {
    const json schema = j(R"({"anyOf":[{"type":"string"},{"minimum":10}]})");
    CHECK(schema_allows(schema, "x"));
    CHECK(schema_allows(schema, 11));
    CHECK_FALSE(schema_allows(schema, 3));
    const auto violations = validate_against_schema(schema, 3);
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].keyword == "anyOf");
}

TEST_CASE("oneOf needs exactly one matching alternative") {
    const json schema = j(R"({"oneOf":[{"type":"integer"},{"minimum":10}]})");
    CHECK(schema_allows(schema, 3));
    CHECK(schema_allows(schema, j("10.5")));
    CHECK_FALSE(schema_allows(schema, 11));        // both match
    CHECK_FALSE(schema_allows(schema, j("2.5")));  // neither matches
}

TEST_CASE("allOf needs every subschema to match and reports each failure") {
    const json schema = j(R"({"allOf":[{"type":"integer"},{"minimum":10},{"maximum":20}]})");
    CHECK(schema_allows(schema, 15));
    CHECK_FALSE(schema_allows(schema, 21));
    CHECK(validate_against_schema(schema, j("5.5")).size() == 2);
}

TEST_CASE("not inverts its subschema") {
    const json schema = j(R"({"not":{"type":"null"}})");
    CHECK(schema_allows(schema, 0));
    CHECK_FALSE(schema_allows(schema, nullptr));
}

TEST_CASE("$ref resolves into $defs and its sibling keywords also apply") {
    const json schema = j(R"({
    "$defs":{"Positive":{"type":"integer","minimum":1}},
    "$ref":"#/$defs/Positive",
    "maximum":10})");
    CHECK(schema_allows(schema, 5));
    CHECK_FALSE(schema_allows(schema, 0));
    CHECK_FALSE(schema_allows(schema, 11));
    CHECK_FALSE(schema_allows(schema, "5"));
}

TEST_CASE("$ref supports general JSON pointers with escaped tokens") {
    const json schema = j(R"({
    "$defs":{"a/b":{"type":"string"},"c~d":{"type":"integer"},"e f":{"type":"null"}},
    "properties":{
      "x":{"$ref":"#/$defs/a~1b"},
      "y":{"$ref":"#/$defs/c~0d"},
      "z":{"$ref":"#/$defs/e%20f"},
      "w":{"$ref":"#/properties/x"}}})");
    CHECK(schema_allows(schema, j(R"({"x":"s","y":1,"z":null,"w":"t"})")));
    CHECK_FALSE(schema_allows(schema, j(R"({"x":1})")));
    CHECK_FALSE(schema_allows(schema, j(R"({"y":"1"})")));
    CHECK_FALSE(schema_allows(schema, j(R"({"z":0})")));
    CHECK_FALSE(schema_allows(schema, j(R"({"w":0})")));
}

TEST_CASE("a recursive schema validates a tree through $ref to itself") {
    const json schema = j(R"({
    "$defs":{"Node":{
      "type":"object",
      "properties":{"value":{"type":"integer"},
                    "children":{"type":"array","items":{"$ref":"#/$defs/Node"}}},
      "required":["value","children"],
      "additionalProperties":false}},
    "$ref":"#/$defs/Node"})");
    CHECK(schema_allows(schema, j(R"({"value":1,"children":[]})")));
    CHECK(schema_allows(schema, j(R"({"value":1,"children":[
      {"value":2,"children":[{"value":3,"children":[]}]},
      {"value":4,"children":[]}]})")));
    const auto violations = validate_against_schema(schema, j(R"({"value":1,"children":[
      {"value":2,"children":[{"value":"three","children":[]}]}]})"));
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].pointer == "/children/0/children/0/value");
    CHECK(violations[0].keyword == "type");
}

TEST_CASE("violations point at the offending value inside the instance") {
    const json schema = j(R"({
    "type":"object",
    "properties":{"items":{"type":"array","items":{
      "type":"object",
      "properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},
      "required":["name"]}}}})");
    const json instance = j(R"({"items":[{"name":"a","age":1},{"name":"b","age":2},{"name":"c","age":-4}]})");
    const auto violations = validate_against_schema(schema, instance);
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].pointer == "/items/2/age");
    CHECK(violations[0].keyword == "minimum");

    const auto missing = validate_against_schema(schema, j(R"({"items":[{},{"name":"b"}]})"));
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].pointer == "/items/0");
    CHECK(missing[0].keyword == "required");
}

TEST_CASE("violation pointers escape slash and tilde in member names") {
    const json schema = j(R"({"additionalProperties":{"type":"string"}})");
    const auto violations = validate_against_schema(schema, j(R"({"a/b":1,"c~d":"ok","e~f":2})"));
    REQUIRE(violations.size() == 2);
    CHECK(violations[0].pointer == "/a~1b");
    CHECK(violations[1].pointer == "/e~0f");
}

TEST_CASE("every violation is reported, not just the first") {
    const json schema = j(R"({"properties":{"a":{"type":"string"},"b":{"type":"string"}},
                             "required":["c","d"]})");
    CHECK(validate_against_schema(schema, j(R"({"a":1,"b":2})")).size() == 4);
}

TEST_CASE("annotation keywords are ignored") {
    const json schema = j(R"({
    "$schema":"https://json-schema.org/draft/2020-12/schema", "$id":"urn:example",
    "$comment":"c", "title":"T", "description":"D", "default":1, "examples":[1],
    "format":"email", "type":"string"})");
    CHECK(schema_allows(schema, "not an email"));
    CHECK_FALSE(schema_allows(schema, 1));
}

TEST_CASE("an unsupported keyword makes validation throw and names the keyword") {
    const json schema = j(R"({"type":"object","patternProperties":{"^x":{}}})");
    CHECK_THROWS_AS(validate_against_schema(schema, j("{}")), std::invalid_argument);
    CHECK_THROWS_WITH(validate_against_schema(schema, j("{}")), Catch::Matchers::Contains("patternProperties"));
}

TEST_CASE("an unsupported keyword throws even in a branch the instance never reaches") {
    const json in_any_of = j(R"({"anyOf":[{"type":"string"},{"multipleOf":2}]})");
    CHECK_THROWS_WITH(schema_allows(in_any_of, "x"), Catch::Matchers::Contains("multipleOf"));
    const json in_defs = j(R"({"$defs":{"Unused":{"minProperties":1}},"type":"string"})");
    CHECK_THROWS_WITH(schema_allows(in_defs, "x"), Catch::Matchers::Contains("minProperties"));
    const json in_property = j(R"({"properties":{"a":{"dependentRequired":{}}}})");
    CHECK_THROWS_WITH(schema_allows(in_property, j("{}")), Catch::Matchers::Contains("dependentRequired"));
}

TEST_CASE("malformed schemas and unresolvable references throw") {
    CHECK_THROWS_AS(schema_allows(j(R"({"type":"int"})"), 1), std::invalid_argument);
    CHECK_THROWS_AS(schema_allows(j(R"({"required":"a"})"), j("{}")), std::invalid_argument);
    CHECK_THROWS_AS(schema_allows(j(R"({"minLength":-1})"), ""), std::invalid_argument);
    CHECK_THROWS_AS(schema_allows(j(R"({"pattern":"("})"), ""), std::invalid_argument);
    CHECK_THROWS_AS(schema_allows(j(R"({"anyOf":[]})"), 1), std::invalid_argument);
    CHECK_THROWS_AS(schema_allows(j("3"), 1), std::invalid_argument);
    CHECK_THROWS_AS(schema_allows(j(R"({"$ref":"#/$defs/Missing"})"), 1), std::invalid_argument);
    CHECK_THROWS_AS(schema_allows(j(R"({"$ref":"other.json#/x"})"), 1), std::invalid_argument);
}

TEST_CASE("a $ref cycle that never descends into the instance throws instead of looping") {
    const json schema = j(R"({"$defs":{"A":{"$ref":"#/$defs/B"},"B":{"$ref":"#/$defs/A"}},
                             "$ref":"#/$defs/A"})");
    CHECK_THROWS_AS(schema_allows(schema, 1), std::invalid_argument);
}
