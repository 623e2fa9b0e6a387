// Annotated<T, ...> reads and writes like a T in user code, while carrying its annotations.

#include "catch.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
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
using instructor::unique_items;

struct UserDetail {
    Annotated<std::string, description("Full name"), min_length(1)> name;
    Annotated<int, minimum(0), maximum(150)> age;
    Annotated<std::vector<std::string>, max_items(3), default_value()> tags;
    Annotated<int, default_value(18)> adult_from;
    Annotated<std::string, default_value("unknown")> country;
};

struct Date {
    int year;
    int month;
    int day;
    bool operator==(const Date&) const = default;
};

struct ActionItem {
    std::string title;
    Annotated<std::optional<Date>, description("When it is due, if said")> due;
    bool operator==(const ActionItem&) const = default;
};

struct Address {
    std::string street;
    std::string city;
    bool operator==(const Address&) const = default;
};

struct Meeting {
    Annotated<std::string, min_length(1)> title;
    Annotated<std::vector<ActionItem>, max_items(5)> action_items;
    Annotated<Address, description("Where it took place")> place;
    Annotated<std::map<std::string, int>, description("Minutes each person spoke")> minutes;
    Annotated<std::set<std::string>, description("Who attended")> attendees;
    Annotated<std::vector<std::string>, max_items(3), default_value()> tags;
    Annotated<std::string, default_value("EUR")> currency;
    bool operator==(const Meeting&) const = default;
};

struct Ticket {
    int number;
    int get() const { return number; }  // its own get(), which Annotated must not hide
};

// Functions that take the plain types, as user code has them.
std::size_t count_items(const std::vector<ActionItem>& items) { return items.size(); }
void shout(std::string& text) { text += "!"; }
std::string copy_of(std::string text) { return text; }
std::string city_of(const Address& address) { return address.city; }
template <class Item>
std::size_t deduced_size(const std::vector<Item>& items) {
    return items.size();
}

// No space, no virtual call: only the type says what is annotated.
static_assert(sizeof(Annotated<std::string, min_length(1)>) == sizeof(std::string));
static_assert(sizeof(Annotated<std::vector<ActionItem>, max_items(5)>) == sizeof(std::vector<ActionItem>));
static_assert(sizeof(Annotated<std::optional<Date>, description("d")>) == sizeof(std::optional<Date>));
static_assert(sizeof(Annotated<Address, description("a")>) == sizeof(Address));
static_assert(sizeof(Annotated<std::map<std::string, int>, description("m")>) == sizeof(std::map<std::string, int>));
static_assert(sizeof(Annotated<std::set<std::string>, unique_items>) == sizeof(std::set<std::string>));
static_assert(sizeof(Annotated<std::unique_ptr<Date>, description("p")>) == sizeof(std::unique_ptr<Date>));
static_assert(sizeof(Annotated<int, minimum(0)>) == sizeof(int));
static_assert(sizeof(Annotated<double, maximum(1.0)>) == sizeof(double));
static_assert(sizeof(Annotated<bool, description("b")>) == sizeof(bool));
static_assert(alignof(Annotated<std::string, min_length(1)>) == alignof(std::string));
static_assert(!std::is_polymorphic_v<Annotated<std::string, min_length(1)>>);
static_assert(!std::is_polymorphic_v<Annotated<Address, description("a")>>);
static_assert(!std::is_polymorphic_v<Annotated<int, minimum(0)>>);
static_assert(std::is_trivially_copyable_v<Annotated<Date, description("d")>>);
static_assert(std::is_trivially_copyable_v<Annotated<int, minimum(0)>>);
// It binds where the plain type is expected.
static_assert(std::is_convertible_v<Annotated<std::string, min_length(1)>&, std::string&>);
static_assert(std::is_convertible_v<const Annotated<std::vector<int>, max_items(5)>&, const std::vector<int>&>);
static_assert(std::is_convertible_v<Annotated<std::optional<Date>, description("d")>, std::optional<Date>>);
static_assert(std::is_same_v<Annotated<std::vector<int>, max_items(5)>::value_type, int>);

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

    const auto rejected =
        instructor::try_from_json<UserDetail>(R"({"name": "", "age": 30, "tags": ["a","b","c","d"]})");
    REQUIRE_FALSE(rejected.has_value());
    CHECK(rejected.error().errors() == std::vector<instructor::FieldError>{
                                           {"/name", "expected a string of at least 1 character, got \"\""},
                                           {"/tags", "expected an array of at most 3 items, got an array of 4 items"}});
}

TEST_CASE("an annotated vector is sized, filled and iterated like the vector") {
    Meeting meeting{};
    CHECK(meeting.action_items.empty());
    meeting.action_items.push_back({"Send the notes", {}});
    meeting.action_items.emplace_back(ActionItem{"Book a room", Date{2024, 5, 1}});
    CHECK(meeting.action_items.size() == 2);
    CHECK(meeting.action_items[1].title == "Book a room");
    CHECK(meeting.action_items.front().title == "Send the notes");
    CHECK(meeting.action_items.back().due->day == 1);
    std::string titles;
    for (const auto& item : meeting.action_items) titles += item.title + ";";
    CHECK(titles == "Send the notes;Book a room;");
    CHECK(std::count_if(meeting.action_items.begin(), meeting.action_items.end(),
                        [](const ActionItem& item) { return item.due.has_value(); }) == 1);
    CHECK(count_items(meeting.action_items) == 2);
    CHECK(deduced_size(meeting.action_items) == 2);
    CHECK(std::ranges::find(meeting.action_items, "Book a room", &ActionItem::title) != meeting.action_items.end());
    const std::vector<ActionItem> copy = meeting.action_items;
    CHECK(copy.size() == 2);
    meeting.action_items.clear();
    CHECK(meeting.action_items.empty());

    Annotated<std::vector<int>, max_items(5)> numbers{1, 2, 3};
    CHECK(numbers.size() == 3);
    CHECK(numbers == std::vector<int>{1, 2, 3});
    CHECK(numbers < std::vector<int>{1, 2, 4});
    numbers = {7};
    CHECK(numbers.size() == 1);
    const Annotated<std::vector<int>, max_items(5)> filled(4, 9);
    CHECK(filled == std::vector<int>{9, 9, 9, 9});
}

TEST_CASE("an annotated optional is tested, dereferenced and compared like the optional") {
    ActionItem item{"Ship it", {}};
    CHECK_FALSE(item.due);
    CHECK(!item.due);
    CHECK(item.due == std::nullopt);
    CHECK(std::nullopt == item.due);
    CHECK(item.due.value_or(Date{1, 1, 1}) == Date{1, 1, 1});
    item.due = Date{2024, 6, 30};
    if (item.due) CHECK(item.due->month == 6);
    REQUIRE(item.due);
    CHECK((*item.due).day == 30);
    CHECK(item.due.value().year == 2024);
    CHECK(item.due != std::nullopt);
    CHECK(item.due == Date{2024, 6, 30});
    item.due.reset();
    CHECK_FALSE(item.due.has_value());
    item.due.emplace(Date{2025, 1, 2});
    CHECK(item.due->year == 2025);
    item.due = std::nullopt;
    CHECK_FALSE(item.due);
}

TEST_CASE("annotated optionals compare as the plain optionals do, empty ones included") {
    using Count = Annotated<std::optional<int>, description("A count")>;
    const std::optional<int> values[] = {std::nullopt, 1, 2};
    for (const auto& x : values)
        for (const auto& y : values) {
            const Count ax = x;
            const Count ay = y;
            CHECK((ax == ay) == (x == y));
            CHECK((ax != ay) == (x != y));
            CHECK((ax < ay) == (x < y));
            CHECK((ax >= ay) == (x >= y));
            CHECK((ax == y) == (x == y));
            CHECK((x == ay) == (x == y));
            CHECK((ax < y) == (x < y));
            CHECK((x < ay) == (x < y));
        }
    const Count one = 1;
    const Count none{};
    CHECK(one == 1);
    CHECK(1 == one);
    CHECK(one < 2);
    CHECK(none < 0);
    CHECK_FALSE(none == 0);
    CHECK(none == std::nullopt);
}

TEST_CASE("an annotated string compares, concatenates and passes like the string") {
    Annotated<std::string, min_length(1)> name = "Jason";
    const Annotated<std::string, min_length(1)> other = "Sarah";
    CHECK(name == "Jason");
    CHECK("Jason" == name);
    CHECK(name != "Jay");
    CHECK(name == std::string("Jason"));
    CHECK(name < other);
    CHECK(other > name);
    CHECK(name < "Kim");
    CHECK(name != other);
    CHECK(name.size() == 5);
    CHECK(name.substr(0, 3) == "Jas");
    CHECK(name.starts_with("Ja"));
    CHECK(name + "!" == "Jason!");
    CHECK("Hi " + name == "Hi Jason");
    CHECK(name + other == "JasonSarah");
    const std::string_view view = name;
    CHECK(view == "Jason");
    CHECK(copy_of(name) == "Jason");
    shout(name);
    CHECK(name == "Jason!");
    name += "?";
    CHECK(name == "Jason!?");
    name = std::string_view("Ann");
    CHECK(name == "Ann");
    std::ostringstream out;
    out << name << '/' << other;
    CHECK(out.str() == "Ann/Sarah");
    const Annotated<std::string, instructor::max_length(9)> differently_annotated = "Ann";
    CHECK(name == differently_annotated);
    std::unordered_set<Annotated<std::string, min_length(1)>> seen{name, other, "Ann"};
    CHECK(seen.size() == 2);
    CHECK(seen.count(other) == 1);
}

TEST_CASE("an annotated struct's members are reached with a dot, and it passes as the struct") {
    Meeting meeting{};
    meeting.place.street = "1 Main St";
    meeting.place.city = "Paris";
    CHECK(meeting.place.city == "Paris");
    CHECK(city_of(meeting.place) == "Paris");
    const Address& plain = meeting.place;
    CHECK(plain.street == "1 Main St");
    auto& [street, city] = meeting.place;
    street = "2 Rue";
    CHECK(meeting.place.street == "2 Rue");
    CHECK(city == "Paris");
    CHECK(meeting.place == Address{"2 Rue", "Paris"});
    meeting.place = Address{"3 Way", "Lyon"};
    CHECK(meeting.place.city == "Lyon");
    const Annotated<Address, description("a")> built{"4 Lane", "Nice"};
    CHECK(built.city == "Nice");
}

TEST_CASE("an annotated map and set are looked up and filled like the map and set") {
    Meeting meeting{};
    meeting.minutes["Ann"] = 12;
    meeting.minutes.emplace("Ben", 3);
    CHECK(meeting.minutes.size() == 2);
    CHECK(meeting.minutes.at("Ann") == 12);
    CHECK(meeting.minutes.contains("Ben"));
    CHECK(meeting.minutes.find("Cy") == meeting.minutes.end());
    int total = 0;
    for (const auto& [who, spoke] : meeting.minutes) total += spoke + static_cast<int>(who.size()) * 0;
    CHECK(total == 15);
    meeting.attendees.insert("Ann");
    meeting.attendees.insert("Ann");
    meeting.attendees.insert("Ben");
    CHECK(meeting.attendees.size() == 2);
    CHECK(meeting.attendees.contains("Ben"));
    CHECK(*meeting.attendees.begin() == "Ann");
    CHECK(meeting.attendees == std::set<std::string>{"Ann", "Ben"});
}

TEST_CASE("get, * and -> still reach the value, and are the value's own when it has them") {
    UserDetail user{};
    user.name = "Jason";
    CHECK(user.name.get() == "Jason");
    CHECK((*user.name).size() == 5);
    CHECK(user.name->size() == 5);
    Annotated<std::unique_ptr<Date>, description("p")> pointer = std::make_unique<Date>(Date{2024, 1, 2});
    CHECK(pointer->day == 2);
    CHECK((*pointer).month == 1);
    CHECK(pointer.get() != nullptr);  // std::unique_ptr::get
    CHECK(pointer != nullptr);
    CHECK(instructor::detail::annotated_value(pointer).get() == pointer.get());
    const Annotated<Ticket, description("t")> ticket{Ticket{42}};
    CHECK(ticket.get() == 42);  // Ticket::get
    CHECK(ticket->number == 42);
}

TEST_CASE("annotated class types keep their default values") {
    const Meeting meeting{};
    CHECK(meeting.tags.empty());
    CHECK(meeting.currency == "EUR");
    const Annotated<std::optional<int>, default_value(5)> count{};
    REQUIRE(count);
    CHECK(*count == 5);
    const auto parsed = instructor::from_json<Meeting>(
        R"({"title": "Standup", "action_items": [], "place": {"street": "1 Main St", "city": "Paris"},
            "minutes": {}, "attendees": []})");
    CHECK(parsed.currency == "EUR");
    CHECK(parsed.tags.empty());
}

TEST_CASE("an annotated struct reads, writes and describes itself as before") {
    Meeting meeting{};
    meeting.title = "Planning";
    meeting.action_items.push_back({"Send the notes", Date{2024, 5, 1}});
    meeting.action_items.push_back({"Book a room", std::nullopt});
    meeting.place = Address{"1 Main St", "Paris"};
    meeting.minutes["Ann"] = 12;
    meeting.attendees.insert("Ann");
    meeting.tags.push_back("q3");

    const nlohmann::json written = instructor::to_json(meeting);
    CHECK(written == nlohmann::json::parse(R"({
        "title": "Planning",
        "action_items": [{"title": "Send the notes", "due": {"year": 2024, "month": 5, "day": 1}},
                         {"title": "Book a room", "due": null}],
        "place": {"street": "1 Main St", "city": "Paris"},
        "minutes": {"Ann": 12},
        "attendees": ["Ann"],
        "tags": ["q3"],
        "currency": "EUR"})"));
    CHECK(instructor::from_json<Meeting>(written.dump()) == meeting);

    const auto& schema = instructor::json_schema<Meeting>();
    CHECK(schema["properties"]["action_items"]["type"] == "array");
    CHECK(schema["properties"]["action_items"]["maxItems"] == 5);
    CHECK(schema["properties"]["minutes"]["type"] == "object");
    CHECK(schema["properties"]["attendees"]["uniqueItems"] == true);
    CHECK(schema["properties"]["tags"]["default"] == nlohmann::ordered_json::array());
    const auto too_many = instructor::try_from_json<Meeting>(
        R"({"title": "x", "action_items": [{"title":"1"},{"title":"2"},{"title":"3"},{"title":"4"},{"title":"5"},
            {"title":"6"}], "place": {"street": "s", "city": "c"}, "minutes": {}, "attendees": []})");
    REQUIRE_FALSE(too_many.has_value());
    CHECK(too_many.error().errors() ==
          std::vector<instructor::FieldError>{
              {"/action_items", "expected an array of at most 5 items, got an array of 6 items"}});
}

TEST_CASE("an annotated value goes into and out of nlohmann::json as the plain value does") {
    Meeting meeting{};
    meeting.title = "Planning";
    meeting.attendees.insert("Ann");
    nlohmann::json out;
    out["title"] = meeting.title;
    out["attendees"] = meeting.attendees;
    out["count"] = Annotated<int, minimum(0)>{3};
    CHECK(out == nlohmann::json::parse(R"({"title": "Planning", "attendees": ["Ann"], "count": 3})"));
    CHECK(out["title"].get<Annotated<std::string, min_length(1)>>() == "Planning");

    const Annotated<nlohmann::json, description("Anything else")> extra = nlohmann::json{{"k", 1}};
    CHECK(extra.is_object());
    CHECK(extra["k"] == 1);
    const nlohmann::json copy = extra;  // a copy of the object, not a conversion of it
    CHECK(copy == nlohmann::json{{"k", 1}});
    CHECK(copy == extra);
}
