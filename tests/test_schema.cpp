// The shape of generated schemas: what a model is shown, in each of the three forms.

#include "catch.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <instructor/instructor.hpp>

#include "schema_validator.hpp"

namespace schema_test {

using instructor::Annotated;
using instructor::SchemaForm;
using json = nlohmann::ordered_json;

namespace billing {
struct Item {
    std::string sku;
};
}  // namespace billing
namespace shipping {
struct Item {
    int weight_grams;
};
}  // namespace shipping

struct Order {
    std::string reference;
    billing::Item billed;
    shipping::Item shipped;
    billing::Item billed_again;
};

struct Address {
    std::string city;
};

struct Person {
    std::string name;
    std::optional<int> age;
    Annotated<Address, instructor::description("Where the person lives")> home;
    Annotated<int, instructor::default_value(1)> visits;
    Annotated<std::string, instructor::min_length(2), instructor::max_length(40)> nickname;
    Annotated<std::vector<std::string>, instructor::unique_items> emails;
};

struct Comment {
    std::string text;
    std::vector<Comment> replies;
};

struct Thread {
    std::string title;
    Comment first;
};

struct Widths {
    std::int8_t i8;
    std::uint16_t u16;
    int i32;
    std::uint32_t u32;
    std::int64_t i64;
    std::uint64_t u64;
    float ratio;
    double precise;
    instructor::Annotated<std::uint8_t, instructor::maximum(10)> small;
    instructor::Annotated<float, instructor::minimum(0.5F)> positive;
};

struct Containers {
    std::array<int, 3> rgb;
    std::set<std::string> labels;
    std::map<std::string, double> prices;
    nlohmann::json anything;
    std::variant<std::monostate, int, std::string> id;
};

enum class Mood { happy, sad };

}  // namespace schema_test

template <>
struct instructor::meta<schema_test::Mood> {
    static constexpr std::string_view description = "How the writer feels";
};

using namespace schema_test;

TEST_CASE("properties keep declaration order and only fields without a default are required") {
    const auto& schema = instructor::json_schema<Person>();
    std::vector<std::string> order;
    for (const auto& [key, value] : schema["properties"].items()) order.push_back(key);
    CHECK(order == std::vector<std::string>{"name", "age", "home", "visits", "nickname", "emails"});
    CHECK(schema["required"] == json::parse(R"j(["name","home","nickname","emails"])j"));
    CHECK(schema["additionalProperties"] == false);
    CHECK(schema["properties"]["age"] == json::parse(R"j({"anyOf":[{"type":"integer"},{"type":"null"}]})j"));
}

TEST_CASE("nested structs are named once under $defs, and same-named types in other namespaces get distinct names") {
    const auto& schema = instructor::json_schema<Order>();
    CHECK(schema["properties"]["billed"] == json::parse(R"j({"$ref":"#/$defs/Item"})j"));
    CHECK(schema["properties"]["shipped"] == json::parse(R"j({"$ref":"#/$defs/Item_2"})j"));
    CHECK(schema["properties"]["billed_again"] == json::parse(R"j({"$ref":"#/$defs/Item"})j"));
    CHECK(schema["$defs"].size() == 2);
    CHECK(schema["$defs"]["Item_2"]["properties"].contains("weight_grams"));
}

TEST_CASE("a described struct field keeps its $ref in the plain form and is inlined in the strict form") {
    CHECK(instructor::json_schema<Person>()["properties"]["home"] ==
          json::parse(R"j({"$ref":"#/$defs/Address","description":"Where the person lives"})j"));
    CHECK(
        instructor::json_schema<Person>(SchemaForm::openai_strict)["properties"]["home"] ==
        json::parse(
            R"j({"type":"object","description":"Where the person lives","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false})j"));
}

TEST_CASE("the strict form requires every property, makes optional ones nullable and words rejected keywords") {
    const auto& strict = instructor::json_schema<Person>(SchemaForm::openai_strict);
    CHECK(strict["required"] == json::parse(R"j(["name","age","home","visits","nickname","emails"])j"));
    CHECK(strict["properties"]["visits"] == json::parse(R"j({"type":"integer","description":"(default 1)"})j"));
    CHECK(strict["properties"]["nickname"] ==
          json::parse(R"j({"type":"string","description":"(2 to 40 characters)"})j"));
    CHECK(strict["properties"]["emails"] ==
          json::parse(R"j({"type":"array","items":{"type":"string"},"description":"(unique items)"})j"));
    CHECK(strict.dump().find("\"default\"") == std::string::npos);
    CHECK(strict.dump().find("minLength") == std::string::npos);
}

TEST_CASE("a struct that contains itself refers to its $defs entry, never to the root \"#\", in every form") {
    const auto form = GENERATE(SchemaForm::plain, SchemaForm::openai_strict);
    const auto& schema = instructor::json_schema<Comment>(form);
    CHECK(schema["properties"]["replies"] == json::parse(R"j({"type":"array","items":{"$ref":"#/$defs/Comment"}})j"));
    // The root's body is both the schema itself and its $defs entry.
    CHECK(schema["$defs"].size() == 1);
    json body = schema;
    body.erase("$defs");
    CHECK(schema["$defs"]["Comment"] == body);
    CHECK(schema.dump().find(R"("$ref":"#")") == std::string::npos);
}

TEST_CASE("the inlined form writes a recursive struct in place and refers only to the type inside itself") {
    const auto& schema = instructor::json_schema<Comment>(SchemaForm::inlined);
    CHECK(schema == json::parse(R"j({"type":"object",
        "properties":{"text":{"type":"string"},"replies":{"type":"array","items":{"$ref":"#/$defs/Comment"}}},
        "required":["text","replies"],"additionalProperties":false,
        "$defs":{"Comment":{"type":"object",
            "properties":{"text":{"type":"string"},"replies":{"type":"array","items":{"$ref":"#/$defs/Comment"}}},
            "required":["text","replies"],"additionalProperties":false}}})j"));
    // A non-recursive struct around it is still written in place.
    const auto& thread = instructor::json_schema<Thread>(SchemaForm::inlined);
    CHECK(thread["properties"]["first"]["type"] == "object");
    CHECK(thread["properties"]["first"]["properties"]["replies"]["items"] ==
          json::parse(R"j({"$ref":"#/$defs/Comment"})j"));
    CHECK(thread["$defs"].size() == 1);
    CHECK(test_support::schema_allows(nlohmann::json(thread),
                                      nlohmann::json::parse(R"j({"title":"t","first":{"text":"a","replies":[
        {"text":"b","replies":[]}]}})j")));
    CHECK_FALSE(test_support::schema_allows(nlohmann::json(thread),
                                            nlohmann::json::parse(R"j({"title":"t","first":{"text":"a","replies":[
        {"text":1,"replies":[]}]}})j")));
}

TEST_CASE("the inlined form has no $ref anywhere") {
    const auto inlined = instructor::json_schema<Order>(SchemaForm::inlined).dump();
    CHECK(inlined.find("$ref") == std::string::npos);
    CHECK(inlined.find("$defs") == std::string::npos);
    CHECK(instructor::json_schema<Order>(SchemaForm::inlined)["properties"]["shipped"]["properties"].contains(
        "weight_grams"));
}

TEST_CASE("numeric fields state no range of their C++ type except minimum 0 for unsigned integers") {
    const auto form = GENERATE(SchemaForm::plain, SchemaForm::openai_strict, SchemaForm::inlined);
    const auto& p = instructor::json_schema<Widths>(form)["properties"];
    CHECK(p["i8"] == json::parse(R"j({"type":"integer"})j"));
    CHECK(p["u16"] == json::parse(R"j({"type":"integer","minimum":0})j"));
    CHECK(p["i32"] == json::parse(R"j({"type":"integer"})j"));
    CHECK(p["u32"] == json::parse(R"j({"type":"integer","minimum":0})j"));
    CHECK(p["i64"] == json::parse(R"j({"type":"integer"})j"));
    CHECK(p["u64"] == json::parse(R"j({"type":"integer","minimum":0})j"));
    CHECK(p["ratio"] == json::parse(R"j({"type":"number"})j"));
    CHECK(p["precise"] == json::parse(R"j({"type":"number"})j"));
    CHECK(p["small"] == json::parse(R"j({"type":"integer","minimum":0,"maximum":10})j"));
    CHECK(p["positive"] == json::parse(R"j({"type":"number","minimum":0.5})j"));
}

TEST_CASE("containers, free-form values and variants map to their JSON Schema keywords") {
    const auto& p = instructor::json_schema<Containers>()["properties"];
    CHECK(p["rgb"]["minItems"] == 3);
    CHECK(p["rgb"]["maxItems"] == 3);
    CHECK(p["labels"] == json::parse(R"j({"type":"array","items":{"type":"string"},"uniqueItems":true})j"));
    CHECK(p["prices"] == json::parse(R"j({"type":"object","additionalProperties":{"type":"number"}})j"));
    CHECK(p["anything"] == json::object());
    CHECK(p["id"] == json::parse(R"j({"anyOf":[{"type":"null"},{"type":"integer"},{"type":"string"}]})j"));
}

TEST_CASE("the strict form refuses maps and free-form values, naming where they are") {
    try {
        (void)instructor::json_schema<Containers>(SchemaForm::openai_strict);
        FAIL("a map cannot be strict");
    } catch (const instructor::SchemaError& e) {
        CHECK(std::string(e.what()).rfind("a map (std::map / std::unordered_map) at /prices cannot be expressed", 0) ==
              0);
    }
}

TEST_CASE("an enum is a string enum carrying its description") {
    CHECK(instructor::json_schema<Mood>() ==
          json::parse(R"j({"type":"string","description":"How the writer feels","enum":["happy","sad"]})j"));
}

TEST_CASE("a schema is generated once per type and form") {
    CHECK(&instructor::json_schema<Person>() == &instructor::json_schema<Person>());
    CHECK(&instructor::json_schema<Person>(SchemaForm::inlined) ==
          &instructor::json_schema<Person>(SchemaForm::inlined));
    CHECK(&instructor::json_schema<Person>() != &instructor::json_schema<Person>(SchemaForm::inlined));
}

TEST_CASE("a schema converts to nlohmann::json for code that does not care about order") {
    const nlohmann::json plain = instructor::json_schema<Address>();
    CHECK(plain["properties"]["city"]["type"] == "string");
}
