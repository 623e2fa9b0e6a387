// Validation context: what validators need besides the object (here, the minutes a meeting's
// actions were drawn from), given once per call and handed to every `validate(const C&) const`.
// A missing context, or one of another type, is the program's mistake: a ConfigurationError naming
// the types, whatever the input.

#include "catch.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/instructor.hpp>

#include "error_listing.hpp"

namespace context_test {

using instructor::FieldError;

struct Minutes {
    std::string text;
};

struct Action {
    std::string owner;
    std::string task;

    std::vector<FieldError> validate(const Minutes& minutes) const {
        if (minutes.text.find(owner) == std::string::npos)
            return {{"/owner", "must be someone named in the minutes, not " + owner}};
        return {};
    }
};

struct Meeting {
    std::string title;
    Action first;                 // a nested struct
    std::vector<Action> actions;  // a vector of structs
};

struct Headcount {  // a context that is no class, taken by value
    int people;
    std::optional<std::string> validate(int room_size) const {
        if (people > room_size) return "more people than the room holds (" + std::to_string(room_size) + ")";
        return std::nullopt;
    }
};

struct Quote {  // a context given as a string literal is a std::string
    std::string words;
    std::string validate(const std::string& source) const {
        return source.find(words) == std::string::npos ? "not found in the source" : "";
    }
};

struct Plain {  // a validator without a context, as before
    int n;
    std::string validate() const { return n >= 0 ? "" : "n must not be negative"; }
};

struct Witness {  // records the address of the context it was given
    int n;
    inline static const Minutes* seen = nullptr;
    std::optional<std::string> validate(const Minutes& minutes) const {
        seen = &minutes;
        return std::nullopt;
    }
};

// A recursive type, with the context needed only deep inside: replies -> notes (a map) -> an
// annotated optional variant -> Action.
struct Thread {
    std::string subject;
    std::vector<Thread> replies;
    std::map<std::string, instructor::Annotated<std::optional<std::variant<int, Action>>,
                                                instructor::description("a number or an action")>>
        notes;
};

struct Roster {
    std::vector<std::string> names;
};
struct Member {
    std::string name;
    std::optional<std::string> validate(const Roster& roster) const {
        for (const auto& n : roster.names)
            if (n == name) return std::nullopt;
        return "not on the roster";
    }
};
struct Committee {  // two validators needing contexts of different types: no call can satisfy both
    std::vector<Member> members;
    std::vector<Action> actions;
};

struct Choice {  // a variant alternative needing the context: read in the strict attempt too
    std::variant<int, Action> pick;
};

}  // namespace context_test

// ---- the forms a validator may take, and those refused (tests/compile_fail/validator_context_*.cpp)

namespace context_test::forms {

struct ByMutableReference {
    int n;
    std::string validate(Minutes& m) const { return m.text; }
};
struct ClassByValue {
    int n;
    std::string validate(Minutes m) const { return m.text; }
};
struct Mixed {
    int n;
    std::string validate() const { return {}; }
    std::string validate(const Minutes& m) const { return m.text; }
};
struct FreeTwoArguments {
    int n;
};
inline std::string validate(const FreeTwoArguments&, const Minutes& m) { return m.text; }

}  // namespace context_test::forms

namespace {

using instructor::ConfigurationError;
using instructor::from_json;
using instructor::ParseOptions;
using instructor::ValidationContext;
using instructor::ValidationError;
using instructor::detail::validator_form;
using instructor::detail::ValidatorForm;
using namespace context_test;
using test_support::listed;
using test_support::parse_errors;

static_assert(validator_form<Action>() == ValidatorForm::member_with_context);
static_assert(validator_form<Headcount>() == ValidatorForm::member_with_context);
static_assert(validator_form<Plain>() == ValidatorForm::member);
static_assert(validator_form<Meeting>() == ValidatorForm::none);
static_assert(validator_form<forms::ByMutableReference>() == ValidatorForm::context_not_const_reference);
static_assert(validator_form<forms::ClassByValue>() == ValidatorForm::context_class_by_value);
static_assert(validator_form<forms::Mixed>() == ValidatorForm::not_one_function);
static_assert(validator_form<forms::FreeTwoArguments>() == ValidatorForm::free_with_context);
static_assert(std::is_same_v<instructor::detail::validation_context_t<Action>, Minutes>);
static_assert(std::is_same_v<instructor::detail::validation_context_t<Plain>, void>);

const Minutes minutes{"Ann will book the room; Bob will send the agenda."};

// The message of the ConfigurationError `call` throws, or a made-up one when it throws none.
template <class Call>
std::string configuration_error(Call call) {
    try {
        call();
    } catch (const ConfigurationError& e) {
        return e.what();
    }
    return "(no ConfigurationError)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a validator checks a field against the context the call gives") {
    const auto action = from_json<Action>(R"({"owner": "Ann", "task": "book the room"})", {.context = minutes});
    CHECK(action.owner == "Ann");

    const auto errors = parse_errors<Action>(R"({"owner": "Carol", "task": "write the notes"})", {.context = minutes});
    CHECK(listed(errors) == listed({{"/owner", "must be someone named in the minutes, not Carol"}}));
}

TEST_CASE("the context is given with the other parse options, strict or lax") {
    const ParseOptions strict{.strict = true, .context = minutes};
    CHECK(from_json<Action>(R"({"owner": "Bob", "task": "send the agenda"})", strict).owner == "Bob");
    CHECK(listed(parse_errors<Action>(R"({"owner": "Eve", "task": "x"})", strict)) ==
          listed({{"/owner", "must be someone named in the minutes, not Eve"}}));
}

TEST_CASE("validators of a nested struct and of each struct in a vector receive the context") {
    const auto meeting = from_json<Meeting>(R"({"title": "planning",
        "first": {"owner": "Ann", "task": "book the room"},
        "actions": [{"owner": "Bob", "task": "send the agenda"}]})",
                                            {.context = minutes});
    CHECK(meeting.actions.at(0).owner == "Bob");

    CHECK(listed(parse_errors<Meeting>(R"({"title": "planning",
        "first": {"owner": "Zed", "task": "book the room"},
        "actions": [{"owner": "Bob", "task": "a"}, {"owner": "Max", "task": "b"}]})",
                                       {.context = minutes})) ==
          listed({{"/first/owner", "must be someone named in the minutes, not Zed"},
                  {"/actions/1/owner", "must be someone named in the minutes, not Max"}}));
}

TEST_CASE("a validation error from a context validator says where and what, like any validator's") {
    try {
        (void)from_json<Meeting>(R"({"title": "t", "first": {"owner": "Zed", "task": "x"}, "actions": []})",
                                 {.context = minutes});
        FAIL("no ValidationError");
    } catch (const ValidationError& e) {
        CHECK(std::string(e.what()) ==
              "1 validation error\n  /first/owner: must be someone named in the minutes, not Zed");
    }
}

TEST_CASE("a validator may take a context that is no class by value") {
    CHECK(from_json<Headcount>(R"({"people": 8})", {.context = 10}).people == 8);
    CHECK(listed(parse_errors<Headcount>(R"({"people": 12})", {.context = 10})) ==
          listed({{"", "more people than the room holds (10)"}}));
}

TEST_CASE("a string literal given as the context is a std::string") {
    const ValidationContext source = "to be or not to be";
    CHECK(source.type() == typeid(std::string));
    CHECK(from_json<Quote>(R"({"words": "not to be"})", {.context = "to be or not to be"}).words == "not to be");
    CHECK(listed(parse_errors<Quote>(R"({"words": "that is"})", {.context = "to be or not to be"})) ==
          listed({{"", "not found in the source"}}));
}

TEST_CASE("a variant alternative's validator receives the context in the strict attempt and the lax one") {
    CHECK(std::get<Action>(from_json<Choice>(R"({"pick": {"owner": "Ann", "task": "x"}})", {.context = minutes}).pick)
              .owner == "Ann");
    // Lax: "extra" is ignored only in the second attempt.
    CHECK(std::get<Action>(
              from_json<Choice>(R"({"pick": {"owner": "Ann", "task": "x", "extra": 1}})", {.context = minutes}).pick)
              .owner == "Ann");
    CHECK(!parse_errors<Choice>(R"({"pick": {"owner": "Zed", "task": "x"}})", {.context = minutes}).empty());
}

TEST_CASE("a missing context is a ConfigurationError naming the struct and the context type") {
    const auto message = configuration_error([] { (void)from_json<Action>(R"({"owner": "Ann", "task": "x"})"); });
    CHECK(contains(message, "Action's validator needs a validation context of type context_test::Minutes"));
    CHECK(contains(message, "the call gave none"));
    CHECK(contains(message, "ParseOptions::context"));
    CHECK(contains(message, "Request::context"));
}

TEST_CASE("a missing context is reported whatever the input, even when no object needing it was read") {
    // No Action in the answer, and a JSON error besides: still the program's mistake first.
    const auto message = configuration_error([] { (void)from_json<std::vector<Action>>("[]"); });
    CHECK(contains(message, "Action's validator needs a validation context of type context_test::Minutes"));
    CHECK(contains(configuration_error([] { (void)instructor::try_from_json<Meeting>("{not json"); }),
                   "Action's validator needs"));
}

TEST_CASE("a context of another type is a ConfigurationError naming both types") {
    const auto message = configuration_error([] {
        (void)from_json<Meeting>(R"({"title": "t", "first": {"owner": "Ann", "task": "x"}, "actions": []})",
                                 {.context = std::string("the minutes")});
    });
    CHECK(contains(message, "Action's validator needs a validation context of type context_test::Minutes"));
    CHECK(contains(message, "the call gave one of type std::string"));
}

TEST_CASE("the reader itself refuses a missing context, for callers that skip the up-front check") {
    const ParseOptions options;
    std::vector<instructor::FieldError> errors;
    instructor::detail::ReadContext ctx(options, errors);
    Action action;
    CHECK(contains(
        configuration_error([&] {
            (void)instructor::detail::read_value(nlohmann::json{{"owner", "Ann"}, {"task", "x"}}, action, ctx, nullptr);
        }),
        "Action's validator needs a validation context of type context_test::Minutes, and the call gave "
        "none"));
    CHECK(errors.empty());
}

TEST_CASE("contexts_needed finds a context needed deep inside a recursive type") {
    using instructor::detail::contexts_needed;
    using instructor::detail::node_of;
    const auto needed = contexts_needed(node_of<Thread>());
    REQUIRE(needed.size() == 1);
    CHECK(*needed.front() == typeid(Minutes));
    CHECK(node_of<Action>().validation_context != nullptr);
    CHECK(node_of<Thread>().validation_context == nullptr);

    CHECK(contexts_needed(node_of<Plain>()).empty());
    CHECK(contexts_needed(node_of<std::vector<std::optional<Meeting>>>()).size() == 1);

    // And the up-front check a client makes: silent when the context is right, else the error.
    const auto& cached = instructor::detail::contexts_needed_of<Thread>();
    CHECK(&cached == &instructor::detail::contexts_needed_of<Thread>());
    instructor::detail::check_validation_context(node_of<Thread>(), cached, ValidationContext(minutes));
    CHECK(contains(configuration_error([&] {
                       instructor::detail::check_validation_context(node_of<Thread>(), cached, ValidationContext{});
                   }),
                   "Action's validator needs a validation context of type context_test::Minutes"));
    const auto parsed = from_json<Thread>(R"({"subject": "s", "replies": [{"subject": "r", "replies": [],
        "notes": {"a": 1, "b": {"owner": "Ann", "task": "x"}}}], "notes": {}})",
                                          {.context = minutes});
    CHECK(std::holds_alternative<Action>(*parsed.replies.at(0).notes.at("b").get()));
    CHECK(listed(parse_errors<Thread>(R"({"subject": "s", "replies": [{"subject": "r", "replies": [],
        "notes": {"b": {"owner": "Zed", "task": "x"}}}], "notes": {}})",
                                      {.context = minutes})) ==
          listed({{"/replies/0/notes/b",
                   "matches none of an integer, Action; the closest is Action, which has these errors:"},
                  {"/replies/0/notes/b/owner", "must be someone named in the minutes, not Zed"}}));
}

TEST_CASE("validators needing contexts of different types in one type are refused, naming each") {
    const auto message = configuration_error(
        [] { (void)from_json<Committee>(R"({"members": [], "actions": []})", {.context = minutes}); });
    CHECK(contains(message, "different types"));
    CHECK(contains(message, "Member's validator takes context_test::Roster"));
    CHECK(contains(message, "Action's validator takes context_test::Minutes"));
}

TEST_CASE("a validator with no context works untouched, with or without a context given") {
    CHECK(from_json<Plain>(R"({"n": 1})").n == 1);
    CHECK(from_json<Plain>(R"({"n": 1})", {.context = minutes}).n == 1);
    CHECK(listed(parse_errors<Plain>(R"({"n": -1})")) == listed({{"", "n must not be negative"}}));
    CHECK(instructor::detail::contexts_needed_of<Plain>().empty());
    instructor::detail::check_validation_context_of<Plain>(ValidationContext{});
}

TEST_CASE("a context made from a shared_ptr is shared, not copied, down to the validator") {
    const auto shared = std::make_shared<const Minutes>(Minutes{"Ann"});
    const ValidationContext context = shared;
    CHECK(shared.use_count() == 2);
    const ValidationContext copy = context;  // one shared_ptr copy
    CHECK(shared.use_count() == 3);
    CHECK(copy.get_if<Minutes>() == shared.get());
    CHECK(copy.get_if<std::string>() == nullptr);

    Witness::seen = nullptr;
    (void)from_json<Witness>(R"({"n": 1})", {.context = shared});
    CHECK(Witness::seen == shared.get());
    (void)from_json<Witness>(R"({"n": 1})", {.context = copy});
    CHECK(Witness::seen == shared.get());
}

TEST_CASE("a context made from a value keeps its own copy") {
    Minutes original{"Ann"};
    const ValidationContext context = original;
    original.text = "changed";
    REQUIRE(context.get_if<Minutes>() != nullptr);
    CHECK(context.get_if<Minutes>() != &original);
    CHECK(context.get_if<Minutes>()->text == "Ann");
    CHECK(context.type() == typeid(Minutes));
    CHECK(context.has_value());
}

TEST_CASE("an empty context has no value and matches no type") {
    const ValidationContext none;
    CHECK_FALSE(none.has_value());
    CHECK(none.type() == typeid(void));
    CHECK(none.get_if<Minutes>() == nullptr);
    CHECK_FALSE(ValidationContext(std::shared_ptr<Minutes>{}).has_value());
    const auto mutable_shared = std::make_shared<Minutes>(Minutes{"x"});
    CHECK(ValidationContext(mutable_shared).get_if<Minutes>() == mutable_shared.get());
}
