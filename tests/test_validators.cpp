// Validators: a type's own checks, run after it is read, whose errors join the parse errors (with
// pointers made absolute) in the one ValidationError the model is re-asked with.

#include "catch.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/instructor.hpp>

#include "error_listing.hpp"

namespace validators_test {

using instructor::FieldError;
using instructor::ParseOptions;
using instructor::ValidationError;
using nlohmann::json;
using test_support::Errors;
using test_support::listed;
using test_support::parse_errors;

const ParseOptions strict{.strict = true};

// ---- what counts as a validator -------------------------------------------------------------------------

struct Checklist {  // a field that happens to be named `validate` is a field, not a validator
    bool validate;
};

struct NoValidator {
    int n;
};

// A `validate` with any other signature (bool validate() const, a non-const member, a free function
// returning bool) does not compile: see tests/compile_fail/validator_*.cpp.
static_assert(instructor::detail::validator_is_callable<NoValidator>);
static_assert(instructor::detail::validator_is_callable<Checklist>);
static_assert(!instructor::detail::has_validator<Checklist>);

TEST_CASE("a data member named validate is read as a field, not taken for a validator") {
    CHECK(instructor::from_json<Checklist>(R"({"validate": true})").validate);
    CHECK(instructor::json_schema<Checklist>()["properties"].contains("validate"));
}

// ---- member validators, one per return type ----------------------------------------------------------

struct Meeting {  // std::vector<FieldError>, pointers relative to the object
    std::string title;
    int start_hour;
    int end_hour;

    std::vector<FieldError> validate() const {
        std::vector<FieldError> errors;
        if (end_hour <= start_hour) errors.push_back({"/end_hour", "must be after start_hour"});
        if (title.empty()) errors.push_back({"", "a meeting needs a title"});
        return errors;
    }
};

struct Password {  // std::vector<std::string>, each about the whole object
    std::string value;
    std::string repeated;

    std::vector<std::string> validate() const {
        std::vector<std::string> problems;
        if (value != repeated) problems.emplace_back("the two passwords differ");
        if (value.size() < 8) problems.emplace_back("a password needs at least 8 characters");
        return problems;
    }
};

struct Discount {  // std::string, empty when valid
    int percent;
    std::string validate() const { return percent % 5 == 0 ? std::string() : "percent must be a multiple of 5"; }
};

struct Slot {  // std::optional<std::string>, nullopt when valid
    int minutes;
    std::optional<std::string> validate() const {
        if (minutes == 0) return "a slot cannot be empty";
        return std::nullopt;
    }
};

struct Agenda {
    std::string owner;
    std::vector<Meeting> meetings;
};

}  // namespace validators_test

// ---- free validators found by argument-dependent lookup ---------------------------------------------

namespace validators_test::geo {

struct Point {
    double lat;
    double lon;
};
std::vector<instructor::FieldError> validate(const Point& p) {
    std::vector<instructor::FieldError> errors;
    if (p.lat < -90 || p.lat > 90) errors.push_back({"/lat", "latitude must be between -90 and 90"});
    if (p.lon < -180 || p.lon > 180) errors.push_back({"/lon", "longitude must be between -180 and 180"});
    return errors;
}

struct Box {
    Point low;
    Point high;
};
std::vector<std::string> validate(const Box& b) {
    if (b.low.lat > b.high.lat) return {"low must be south of high"};
    return {};
}

struct Label {
    std::string text;
};
std::string validate(const Label& l) { return l.text == "TODO" ? "a label cannot be a placeholder" : ""; }

struct Zoom {
    int level;
};
std::optional<std::string> validate(const Zoom& z) {
    if (z.level % 2 != 0) return "zoom level must be even";
    return std::nullopt;
}

struct Map {
    std::vector<Point> points;
    std::optional<Label> label;
    std::unique_ptr<Zoom> zoom;
};

}  // namespace validators_test::geo

namespace validators_test {

// ---- exceptions, counting, nesting, recursion --------------------------------------------------------

struct Strict {
    int value;
    std::vector<FieldError> validate() const {
        if (value < 0) throw std::invalid_argument("value must not be negative");
        if (value == 13) throw std::runtime_error("13 is unlucky");
        return {};
    }
};

struct Counted {
    int value;
    inline static int runs = 0;
    std::string validate() const {
        ++runs;
        return "validator ran";
    }
};

struct Holder {
    Counted inner;
    int other;
};

struct Range {
    int low;
    int high;
    std::vector<FieldError> validate() const {
        if (high < low) return {{"/high", "must not be below low"}};
        return {};
    }
};

struct Plan {
    std::string name;
    Range budget;
    Range team_size;
    std::vector<FieldError> validate() const {
        if (team_size.high > budget.high) return {{"/team_size/high", "cannot exceed the budget's high"}};
        return {};
    }
};

struct Task {
    std::string name;
    int hours;
    std::vector<Task> subtasks;
    std::vector<FieldError> validate() const {
        int total = 0;
        for (const auto& t : subtasks) total += t.hours;
        if (!subtasks.empty() && total != hours)
            return {{"/hours", "must equal the sum of the subtasks' hours (" + std::to_string(total) + ")"}};
        return {};
    }
};

struct Even {
    int n;
    std::string validate() const { return n % 2 == 0 ? "" : "n must be even"; }
};

struct Odd {
    int n;
    std::string validate() const { return n % 2 != 0 ? "" : "n must be odd"; }
};

struct Positive {
    int n;
    std::string validate() const { return n > 0 ? "" : "n must be positive"; }
};

struct Named {
    std::string name;
};

}  // namespace validators_test

using namespace validators_test;
using instructor::from_json;
using instructor::try_from_json;

TEST_CASE("a member validator's errors are placed at pointers relative to the object") {
    CHECK(from_json<Meeting>(R"({"title": "standup", "start_hour": 9, "end_hour": 10})").end_hour == 10);
    CHECK(listed(parse_errors<Meeting>(R"({"title": "", "start_hour": 9, "end_hour": 9})")) ==
          listed({{"/end_hour", "must be after start_hour"}, {"", "a meeting needs a title"}}));
}

TEST_CASE("a member validator may return messages about the whole object") {
    CHECK(from_json<Password>(R"({"value": "correct horse", "repeated": "correct horse"})").value == "correct horse");
    CHECK(listed(parse_errors<Password>(R"({"value": "abc", "repeated": "abd"})")) ==
          listed({{"", "the two passwords differ"}, {"", "a password needs at least 8 characters"}}));
}

TEST_CASE("a member validator may return one message, an empty string meaning valid") {
    CHECK(from_json<Discount>(R"({"percent": 15})").percent == 15);
    CHECK(listed(parse_errors<Discount>(R"({"percent": 12})")) == listed({{"", "percent must be a multiple of 5"}}));
}

TEST_CASE("a member validator may return an optional message, nullopt meaning valid") {
    CHECK(from_json<Slot>(R"({"minutes": 30})").minutes == 30);
    CHECK(listed(parse_errors<Slot>(R"({"minutes": 0})")) == listed({{"", "a slot cannot be empty"}}));
}

TEST_CASE("a free validate() beside a type is found by argument-dependent lookup, for each return type") {
    const auto map =
        from_json<geo::Map>(R"({"points": [{"lat": 1, "lon": 2}], "label": {"text": "home"}, "zoom": {"level": 4}})");
    REQUIRE(map.points.size() == 1);
    CHECK(map.label->text == "home");
    CHECK(map.zoom->level == 4);

    CHECK(
        listed(parse_errors<geo::Point>(R"({"lat": 91, "lon": -181})")) ==
        listed({{"/lat", "latitude must be between -90 and 90"}, {"/lon", "longitude must be between -180 and 180"}}));
    CHECK(listed(parse_errors<geo::Box>(R"({"low": {"lat": 10, "lon": 0}, "high": {"lat": 5, "lon": 0}})")) ==
          listed({{"", "low must be south of high"}}));
    CHECK(listed(parse_errors<geo::Label>(R"({"text": "TODO"})")) == listed({{"", "a label cannot be a placeholder"}}));
    CHECK(listed(parse_errors<geo::Zoom>(R"({"level": 3})")) == listed({{"", "zoom level must be even"}}));
}

TEST_CASE("a validator on an element of a list reports under that element's pointer") {
    CHECK(listed(parse_errors<Agenda>(R"({"owner": "a", "meetings": [
        {"title": "x", "start_hour": 9, "end_hour": 10},
        {"title": "y", "start_hour": 11, "end_hour": 12},
        {"title": "", "start_hour": 14, "end_hour": 13}]})")) ==
          listed({{"/meetings/2/end_hour", "must be after start_hour"}, {"/meetings/2", "a meeting needs a title"}}));

    CHECK(listed(parse_errors<geo::Map>(R"({"points": [{"lat": 0, "lon": 0}, {"lat": -100, "lon": 0}],
        "label": {"text": "TODO"}, "zoom": {"level": 1}})")) ==
          listed({
              {"/points/1/lat", "latitude must be between -90 and 90"},
              {"/label", "a label cannot be a placeholder"},
              {"/zoom", "zoom level must be even"},
          }));
}

TEST_CASE("validator errors and sibling objects' parse errors come back together, in document order") {
    const auto errors = parse_errors<Agenda>(R"({"owner": 5, "meetings": [
        {"title": "x", "start_hour": 10, "end_hour": 9},
        {"title": "y", "start_hour": "noon", "end_hour": 12},
        {"title": "z", "start_hour": 15, "end_hour": 15}]})");
    CHECK(listed(errors) == listed({
                                {"/owner", "expected a string, got 5"},
                                {"/meetings/0/end_hour", "must be after start_hour"},
                                {"/meetings/1/start_hour", R"(expected an integer, got "noon")"},
                                {"/meetings/2/end_hour", "must be after start_hour"},
                            }));
    const auto result =
        try_from_json<Agenda>(R"({"owner": "a", "meetings": [{"title": "", "start_hour": 1, "end_hour": 2}]})");
    REQUIRE_FALSE(result.has_value());
    CHECK(std::string(result.error().what()) == "1 validation error\n  /meetings/0: a meeting needs a title");
}

TEST_CASE("a validator does not run when its object's fields failed to read") {
    Counted::runs = 0;
    CHECK(listed(parse_errors<Counted>(R"({"value": "x"})")) ==
          listed({{"/value", R"(expected an integer, got "x")"}}));
    CHECK(listed(parse_errors<Counted>("{}")) == listed({{"/value", "required field is missing"}}));
    CHECK(listed(parse_errors<Counted>(R"({"value": 1, "extra": 2})", strict)) ==
          listed({{"/extra", "unexpected field; the allowed fields are: value"}}));
    CHECK(Counted::runs == 0);

    SECTION("but it runs when only a sibling failed") {
        CHECK(listed(parse_errors<Holder>(R"({"inner": {"value": 1}, "other": "x"})")) ==
              listed({{"/inner", "validator ran"}, {"/other", R"(expected an integer, got "x")"}}));
        CHECK(Counted::runs == 1);
    }
    SECTION("and, in lax mode, it sees the coerced values") {
        Counted::runs = 0;
        CHECK(listed(parse_errors<Discount>(R"({"percent": "12"})")) ==
              listed({{"", "percent must be a multiple of 5"}}));
        CHECK(from_json<Discount>(R"({"percent": " 20 "})").percent == 20);
    }
}

TEST_CASE("an exception thrown by a validator becomes a message at the object's pointer") {
    CHECK(from_json<Strict>(R"({"value": 1})").value == 1);
    CHECK(listed(parse_errors<Strict>(R"({"value": -1})")) == listed({{"", "value must not be negative"}}));
    CHECK(listed(parse_errors<std::vector<Strict>>(R"([{"value": 1}, {"value": 13}, {"value": -2}])")) ==
          listed({{"/1", "13 is unlucky"}, {"/2", "value must not be negative"}}));
}

TEST_CASE("validators run on nested structs, inner first, and the outer one only when the inner ones passed") {
    CHECK(from_json<Plan>(R"({"name": "p", "budget": {"low": 1, "high": 10}, "team_size": {"low": 2, "high": 5}})")
              .team_size.high == 5);
    SECTION("the outer validator") {
        CHECK(listed(parse_errors<Plan>(
                  R"({"name": "p", "budget": {"low": 1, "high": 10}, "team_size": {"low": 2, "high": 50}})")) ==
              listed({{"/team_size/high", "cannot exceed the budget's high"}}));
    }
    SECTION("inner validators, each at its own pointer") {
        CHECK(listed(parse_errors<Plan>(
                  R"({"name": "p", "budget": {"low": 10, "high": 1}, "team_size": {"low": 60, "high": 50}})")) ==
              listed({
                  {"/budget/high", "must not be below low"},
                  {"/team_size/high", "must not be below low"},
              }));
    }
    SECTION("an inner validator's failure keeps the outer one from running on an invalid part") {
        CHECK(listed(parse_errors<Plan>(
                  R"({"name": "p", "budget": {"low": 10, "high": 1}, "team_size": {"low": 2, "high": 50}})")) ==
              listed({{"/budget/high", "must not be below low"}}));
    }
}

TEST_CASE("a validator on a recursive struct runs at every level, with the pointer of each level") {
    CHECK(from_json<Task>(R"({"name": "all", "hours": 3, "subtasks": [
        {"name": "a", "hours": 1, "subtasks": []},
        {"name": "b", "hours": 2, "subtasks": [{"name": "b1", "hours": 2, "subtasks": []}]}]})")
              .subtasks.size() == 2);
    CHECK(listed(parse_errors<Task>(R"({"name": "all", "hours": 3, "subtasks": [
        {"name": "a", "hours": 1, "subtasks": []},
        {"name": "b", "hours": 2, "subtasks": [{"name": "b1", "hours": 1, "subtasks": []}, {"name": "b2", "hours": 2, "subtasks": []}]}]})")) ==
          listed({{"/subtasks/1/hours", "must equal the sum of the subtasks' hours (3)"}}));
    CHECK(listed(parse_errors<Task>(R"({"name": "all", "hours": 9, "subtasks": [
        {"name": "a", "hours": 1, "subtasks": []},
        {"name": "b", "hours": 2, "subtasks": [{"name": "b1", "hours": 2, "subtasks": []}]}]})")) ==
          listed({{"/hours", "must equal the sum of the subtasks' hours (3)"}}));
}

TEST_CASE("a validator's failure rules out a variant alternative") {
    using Number = std::variant<Even, Odd>;
    CHECK(std::holds_alternative<Even>(from_json<Number>(R"({"n": 4})")));
    CHECK(std::holds_alternative<Odd>(from_json<Number>(R"({"n": 3})")));
    CHECK(listed(parse_errors<std::vector<std::variant<Positive, Named>>>(R"([{"name": "a"}, {"n": -1}])", strict)) ==
          listed({
              {"/1", "matches none of Positive, Named; the closest is Positive, which has these errors:"},
              {"/1", "n must be positive"},
          }));
}

TEST_CASE("a validator's error at the root shows as (root) in the summary") {
    try {
        (void)from_json<Discount>(R"({"percent": 7})");
        FAIL("not rejected");
    } catch (const ValidationError& e) {
        CHECK(std::string(e.what()) == "1 validation error\n  (root): percent must be a multiple of 5");
        CHECK(e.raw() == R"({"percent": 7})");
    }
}
