// Annotated<T, ...> reads and writes like a T in user code, while carrying its annotations.

#include "catch.hpp"

#include <sstream>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

namespace annotations_test {

using instructor::Annotated;
using instructor::default_value;
using instructor::description;
using instructor::max_items;
using instructor::maximum;
using instructor::min_length;
using instructor::minimum;

struct UserDetail {
    Annotated<std::string, description("Full name"), min_length(1)> name;
    Annotated<int, minimum(0), maximum(150)> age;
    Annotated<std::vector<std::string>, max_items(3), default_value()> tags;
    Annotated<int, default_value(18)> adult_from;
    Annotated<std::string, default_value("unknown")> country;
};

}  // namespace annotations_test

using namespace annotations_test;

TEST_CASE("an annotated field is initialised, compared and assigned like its value") {
    UserDetail user{};
    user.name = "Jason";
    user.age = 30;
    CHECK(user.name == "Jason");
    CHECK(user.age == 30);
    CHECK(user.age + 1 == 31);
    user.age = 31;
    user.name = std::string("Jay");
    CHECK(user.age > 30);
    CHECK(user.name->size() == 3);
    const int plain_age = user.age;
    const std::string& plain_name = user.name;
    CHECK(plain_age == 31);
    CHECK(plain_name == "Jay");
}

TEST_CASE("two annotated values compare with each other by value") {
    const Annotated<int, minimum(0)> low{3};
    const Annotated<int, minimum(0)> high{7};
    CHECK(low < high);
    CHECK(high > low);
    CHECK(low == Annotated<int, minimum(0)>{3});
    CHECK(low != high);
}

TEST_CASE("an annotated field takes its default when constructed without a value") {
    const UserDetail user{};
    CHECK(user.adult_from == 18);
    CHECK(user.country == "unknown");
    CHECK(user.tags->empty());
}

TEST_CASE("an annotated container iterates, indexes and prints like the container") {
    UserDetail user{};
    user.name = "Jason";
    user.age = 30;
    user.tags = std::vector<std::string>{"a", "b"};
    std::string joined;
    for (const auto& tag : user.tags) joined += tag;
    CHECK(joined == "ab");
    CHECK(user.tags[1] == "b");
    std::ostringstream out;
    out << user.name << ' ' << user.age;
    CHECK(out.str() == "Jason 30");
}

TEST_CASE("annotations reach the schema and the parser alike") {
    const auto& schema = instructor::json_schema<UserDetail>();
    CHECK(schema["properties"]["name"] ==
          nlohmann::ordered_json::parse(R"({"type":"string","description":"Full name","minLength":1})"));
    CHECK(schema["properties"]["adult_from"]["default"] == 18);
    CHECK(schema["required"] == nlohmann::ordered_json::parse(R"(["name","age"])"));

    const auto parsed = instructor::from_json<UserDetail>(R"({"name": "Jason", "age": 30})");
    CHECK(parsed.adult_from == 18);
    CHECK(parsed.country == "unknown");

    const auto rejected = instructor::try_from_json<UserDetail>(R"({"name": "", "age": 30, "tags": ["a","b","c","d"]})");
    REQUIRE_FALSE(rejected.has_value());
    CHECK(rejected.error().errors() ==
          std::vector<instructor::FieldError>{{"/name", "expected a string of at least 1 character, got \"\""},
                                              {"/tags", "expected an array of at most 3 items, got an array of 4 items"}});
}
