// The corpus test: every type in tests/corpus/corpus_types.hpp is checked five ways.
//
//  1. Its schema, in all three forms, equals the golden file tests/golden/corpus/<Name>.<form>.json
//     (order-sensitive). Run with INSTRUCTOR_UPDATE_GOLDEN=1 to rewrite the files instead, then
//     review the diff: a golden file is a claim that the schema is right.
//  2. The schemas obey the rules of their form (closed objects, required lists, identifier-safe
//     $defs names, no $ref when inlined, every property required and constraints moved into the
//     description when OpenAI strict).
//  3. Hand-written JSON instances, each with its intended verdict: the independent validator
//     (tests/support/schema_validator.hpp) on the plain schema and the strict parser both give that
//     verdict; the inlined schema agrees with the plain one; what the OpenAI strict schema allows
//     the lax parser accepts; what the lax parser accepts, it turns into a value the plain schema
//     allows.
//  4. Values built in code survive to_json -> from_json (strict) -> to_json unchanged, and every
//     schema form allows their JSON.

#include "catch.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/instructor.hpp>

#include "corpus/corpus_types.hpp"

#include "grammar_spelling.hpp"
#include "schema_validator.hpp"

#ifndef INSTRUCTOR_GOLDEN_DIR
#error "INSTRUCTOR_GOLDEN_DIR must name the tests/golden directory"
#endif

namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
using instructor::SchemaForm;

// ---- instances -----------------------------------------------------------------------------------

enum class Verdict {
    allowed,
    forbidden,
    // Forbidden by the plain schema and the parser, but the OpenAI strict form can only say the broken
    // constraint (minLength, maxLength, uniqueItems) in words, so that schema allows the instance.
    forbidden_in_words,
    // Allowed by every schema form but refused by the parser: a number outside its C++ type's range
    // (32768 for an int16_t, 1e39 for a float). Schemas do not state type ranges, which servers'
    // grammar converters mistake (llama.cpp reads int32's bounds as "no bound" and fails).
    beyond_type,
};

struct Instance {
    std::string text;
    Verdict verdict;
};

Instance allowed(std::string text) { return {std::move(text), Verdict::allowed}; }
Instance forbidden(std::string text) { return {std::move(text), Verdict::forbidden}; }
Instance forbidden_in_words(std::string text) { return {std::move(text), Verdict::forbidden_in_words}; }
Instance beyond_type(std::string text) { return {std::move(text), Verdict::beyond_type}; }

/// `base` with the value at `pointer` set to `value` (JSON text); builds instances from a base.
std::string with(std::string_view base, const std::string& pointer, std::string_view value) {
    json j = json::parse(base);
    j[json::json_pointer(pointer)] = json::parse(value);
    return j.dump();
}

/// `base` without the member at `pointer`.
std::string without(std::string_view base, const std::string& pointer) {
    json j = json::parse(base);
    const json::json_pointer at(pointer);
    j[at.parent_pointer()].erase(at.back());
    return j.dump();
}

std::string repeat(std::string_view piece, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += piece;
    return out;
}

/// A JSON array text of `count` strings "<prefix>0", "<prefix>1", ...
std::string string_array(std::string_view prefix, std::size_t count) {
    json j = json::array();
    for (std::size_t i = 0; i < count; ++i) j.push_back(std::string(prefix) + std::to_string(i));
    return j.dump();
}

// ---- a small deterministic generator (splitmix64), the same on every platform ---------------------

class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }
    /// An integer in [lo, hi].
    long long between(long long lo, long long hi) {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1U;
        return lo + static_cast<long long>(span == 0 ? next() : next() % span);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool coin() { return (next() & 1U) != 0; }
    /// A multiple of 1/64 in [lo, hi]: exact in binary, readable in JSON.
    double real(double lo, double hi) {
        const auto steps = static_cast<long long>((hi - lo) * 64);
        return lo + static_cast<double>(between(0, steps)) / 64.0;
    }
    std::string word(std::size_t min_size = 3, std::size_t max_size = 9) {
        static constexpr std::string_view letters = "abcdefghijklmnopqrstuvwxyz";
        std::string out(min_size + below(max_size - min_size + 1), 'a');
        for (auto& c : out) c = letters[below(letters.size())];
        return out;
    }
    std::string digits(std::size_t count) {
        std::string out(count, '0');
        for (auto& c : out) c = static_cast<char>('0' + below(10));
        return out;
    }
    template <class T, std::size_t N>
    const T& pick(const T (&options)[N]) {
        return options[below(N)];
    }

private:
    std::uint64_t state_;
};

// ---- the registry --------------------------------------------------------------------------------

struct ParseOutcome {
    bool accepted = false;
    std::string errors;  // what() of the ValidationError
    json written;        // to_json of the value read, when accepted
};

struct RoundTrip {
    json first;           // to_json(v)
    bool reread = false;  // from_json<T>(first.dump(), strict) succeeded
    std::string errors;
    json second;  // to_json of the value read back
};

struct CorpusType {
    std::string name;  // golden file stem
    bool recursive = false;
    std::vector<Instance> instances;
    std::function<ojson(SchemaForm)> schema;  // the schema, or {"error": what()} when the form throws
    std::function<ParseOutcome(const json&, bool strict)> parse;
    std::function<std::vector<RoundTrip>()> round_trips;
};

template <class T>
ojson schema_or_error(SchemaForm form) {
    try {
        return instructor::json_schema<T>(form);
    } catch (const instructor::SchemaError& e) {
        return ojson{{"error", e.what()}};
    }
}

template <class T>
ParseOutcome parse_as(const json& instance, bool strict) {
    auto result = instructor::try_from_json<T>(instance, instructor::ParseOptions{.strict = strict});
    ParseOutcome outcome;
    outcome.accepted = result.has_value();
    if (outcome.accepted)
        outcome.written = instructor::to_json(*result);
    else
        outcome.errors = result.error().what();
    return outcome;
}

template <class T>
CorpusType make_type(std::string name, bool recursive, std::vector<Instance> instances, std::vector<T> (*values)()) {
    CorpusType type;
    type.name = std::move(name);
    type.recursive = recursive;
    type.instances = std::move(instances);
    type.schema = &schema_or_error<T>;
    type.parse = &parse_as<T>;
    type.round_trips = [values] {
        std::vector<RoundTrip> trips;
        for (const T& value : values()) {
            RoundTrip trip;
            trip.first = instructor::to_json(value);
            auto back = instructor::try_from_json<T>(trip.first.dump(), instructor::ParseOptions{.strict = true});
            trip.reread = back.has_value();
            if (trip.reread)
                trip.second = instructor::to_json(*back);
            else
                trip.errors = back.error().what();
            trips.push_back(std::move(trip));
        }
        return trips;
    };
    return type;
}

// ==== per-type instances and values =================================================================

using namespace corpus;  // NOLINT: the corpus is what this file is about

// ---- UserProfile ----

std::vector<Instance> user_profile_instances() {
    const std::string base = R"({"full_name":"Ada Lovelace","age":36,"email":"ada@example.org"})";
    // Every property present: the shape the OpenAI strict form requires.
    const std::string full = with(with(with(base, "/nickname", "null"), "/is_verified", "false"), "/interests", "[]");
    return {
        allowed(base),
        allowed(R"({"full_name":"José Álvarez","age":13,"email":"jose@mail.es","nickname":null,
                    "is_verified":true,"interests":["chess","go"]})"),
        allowed(R"({"full_name":"X","age":120,"email":"x@y.io","nickname":"Ex","interests":[]})"),
        allowed(with(base, "/age", "36.0")),                               // an integer in JSON Schema's eyes
        allowed(with(base, "/full_name", "\"" + repeat("é", 80) + "\"")),  // 80 code points, 160 bytes
        allowed(with(base, "/interests", R"(["ab","cd","ef","gh","ij"])")),
        forbidden(without(base, "/email")),
        forbidden(with(base, "/age", "12")),
        forbidden(with(base, "/age", "121")),
        forbidden(with(base, "/age", "36.5")),
        forbidden(with(base, "/age", R"("36")")),
        forbidden(with(base, "/email", R"("ada@example")")),
        forbidden(with(base, "/role", R"("admin")")),
        forbidden(with(base, "/nickname", "5")),
        forbidden(with(base, "/is_verified", "null")),
        forbidden(with(base, "/is_verified", R"("yes")")),
        forbidden(with(base, "/interests", R"(["ab","cd","ef","gh","ij","kl"])")),
        allowed(full),
        forbidden_in_words(with(full, "/full_name", R"("")")),
        forbidden_in_words(with(full, "/full_name", "\"" + repeat("é", 81) + "\"")),
        forbidden_in_words(with(full, "/interests", R"(["chess","chess"])")),
        forbidden_in_words(with(full, "/interests", R"(["a"])")),
        forbidden("[]"),
        forbidden("null"),
    };
}

UserProfile make_user(Rng& rng) {
    UserProfile u{};
    u.full_name = rng.word(1, 12) + " " + rng.word(1, 12);
    u.age = static_cast<std::uint8_t>(rng.between(13, 120));
    u.email = rng.word() + "@" + rng.word() + ".com";
    if (rng.coin()) u.nickname = rng.word();
    u.is_verified = rng.coin();
    const auto interests = rng.below(6);
    for (std::size_t i = 0; i < interests; ++i) u.interests->push_back(rng.word(2, 6) + std::to_string(i));
    return u;
}

std::vector<UserProfile> user_profile_values() {
    std::vector<UserProfile> values;
    UserProfile unicode{};
    unicode.full_name = "Zoë Ñúñez 山田";
    unicode.age = 120;
    unicode.email = "zoe@example.museum";
    unicode.nickname = "";
    values.push_back(unicode);
    Rng rng(1);
    for (int i = 0; i < 8; ++i) values.push_back(make_user(rng));
    return values;
}

// ---- addresses ----

std::vector<Instance> billing_address_instances() {
    const std::string base = R"({"street":"1 Main St","city":"Springfield","postal_code":"12345"})";
    return {
        allowed(base),
        allowed(with(base, "/country", R"("CA")")),
        allowed(R"({"street":"","city":"","postal_code":"00000","country":"US"})"),
        forbidden(with(base, "/postal_code", R"("1234")")),
        forbidden(with(base, "/postal_code", R"("123456")")),
        forbidden(with(base, "/postal_code", "12345")),
        forbidden(with(base, "/country", R"("UK")")),
        forbidden(with(base, "/country", "null")),
        forbidden(without(base, "/city")),
        forbidden(with(base, "/zip", R"("12345")")),
    };
}

billing::PostalAddress make_billing_address(Rng& rng) {
    static const char* const countries[] = {"US", "CA", "MX"};
    billing::PostalAddress a{};
    a.street = std::to_string(rng.between(1, 999)) + " " + rng.word() + " St";
    a.city = rng.word();
    a.postal_code = rng.digits(5);
    a.country = rng.pick(countries);
    return a;
}

std::vector<billing::PostalAddress> billing_address_values() {
    Rng rng(2);
    std::vector<billing::PostalAddress> values;
    for (int i = 0; i < 5; ++i) values.push_back(make_billing_address(rng));
    return values;
}

std::vector<Instance> shipping_address_instances() {
    const std::string base = R"({"recipient":"Bob","line1":"2 High St","city":"Leeds","country_code":"GB"})";
    return {
        allowed(base),
        allowed(with(base, "/line2", "null")),
        allowed(with(base, "/line2", R"("Flat 3")")),
        forbidden(without(base, "/recipient")),
        forbidden(with(base, "/line2", "42")),
        forbidden(with(base, "/line3", R"("x")")),
        forbidden(with(base, "/country_code", "null")),
        forbidden_in_words(with(with(base, "/line2", "null"), "/country_code", R"("GBR")")),
        forbidden_in_words(with(with(base, "/line2", "null"), "/country_code", R"("G")")),
    };
}

shipping::PostalAddress make_shipping_address(Rng& rng) {
    shipping::PostalAddress a{};
    a.recipient = rng.word() + " " + rng.word();
    a.line1 = std::to_string(rng.between(1, 99)) + " " + rng.word() + " Road";
    if (rng.coin()) a.line2 = "Flat " + std::to_string(rng.between(1, 20));
    a.city = rng.word();
    a.country_code = rng.coin() ? "GB" : "IE";
    return a;
}

std::vector<shipping::PostalAddress> shipping_address_values() {
    Rng rng(3);
    std::vector<shipping::PostalAddress> values;
    for (int i = 0; i < 5; ++i) values.push_back(make_shipping_address(rng));
    return values;
}

// ---- Money, LineItem, Invoice ----

std::vector<Instance> money_instances() {
    return {
        allowed(R"({"amount_minor":0})"),
        allowed(R"({"amount_minor":1999,"currency":"EUR"})"),
        allowed(R"({"amount_minor":9223372036854775807,"currency":"JPY"})"),
        forbidden(R"({"amount_minor":-1})"),
        forbidden(R"({"amount_minor":12.5})"),
        forbidden(R"({"amount_minor":"100"})"),
        forbidden(R"({"currency":"USD"})"),
        forbidden(R"({"amount_minor":100,"currency":"usd"})"),
        forbidden(R"({"amount_minor":100,"currency":null})"),
    };
}

Money make_money(Rng& rng) {
    static const char* const currencies[] = {"USD", "EUR", "GBP", "JPY"};
    Money m{};
    m.amount_minor = rng.between(0, 10'000'000);
    m.currency = rng.pick(currencies);
    return m;
}

std::vector<Money> money_values() {
    std::vector<Money> values;
    Money largest{};
    largest.amount_minor = std::numeric_limits<std::int64_t>::max();
    values.push_back(largest);
    Rng rng(4);
    for (int i = 0; i < 5; ++i) values.push_back(make_money(rng));
    return values;
}

std::vector<Instance> line_item_instances() {
    const std::string base = R"({"sku":"ABC-1234","label":"Widget","quantity":3,"unit_price":{"amount_minor":250}})";
    const std::string full = R"({"sku":"ABC-1234","label":"Widget","quantity":3,
        "unit_price":{"amount_minor":250,"currency":"USD"},"discount_rate":0})";
    return {
        allowed(base),
        allowed(with(with(base, "/discount_rate", "0.25"), "/unit_price/currency", R"("GBP")")),
        allowed(with(with(with(base, "/quantity", "10000"), "/discount_rate", "0"), "/label",
                     "\"" + repeat("x", 200) + "\"")),
        allowed(with(base, "/discount_rate", "0.999")),
        forbidden(with(base, "/quantity", "0")),
        forbidden(with(base, "/quantity", "10001")),
        forbidden(with(base, "/quantity", "2.5")),
        forbidden(with(base, "/discount_rate", "1.0")),
        forbidden(with(base, "/discount_rate", "-0.1")),
        forbidden(with(base, "/sku", R"("abc-1234")")),
        forbidden(with(base, "/unit_price/currency", R"("AUD")")),
        forbidden(without(base, "/unit_price/amount_minor")),
        forbidden(with(base, "/unit_price/tax", "1")),
        allowed(full),
        forbidden_in_words(with(full, "/label", R"("")")),
        forbidden_in_words(with(full, "/label", "\"" + repeat("x", 201) + "\"")),
    };
}

LineItem make_line_item(Rng& rng) {
    LineItem item{};
    item.sku = "ABC-" + rng.digits(4);
    item.label = rng.word(1, 20);
    item.quantity = static_cast<int>(rng.between(1, 10000));
    item.unit_price = make_money(rng);
    item.discount_rate = rng.real(0.0, 0.984375);  // below 1, exclusive
    return item;
}

std::vector<LineItem> line_item_values() {
    Rng rng(5);
    std::vector<LineItem> values;
    for (int i = 0; i < 6; ++i) values.push_back(make_line_item(rng));
    return values;
}

std::vector<Instance> invoice_instances() {
    const std::string line = R"({"sku":"ABC-1234","label":"Widget","quantity":3,"unit_price":{"amount_minor":250}})";
    const std::string bill = R"({"street":"1 Main St","city":"Springfield","postal_code":"12345"})";
    const std::string ship = R"({"recipient":"Bob","line1":"2 High St","city":"Leeds","country_code":"GB"})";
    const std::string base = R"({"invoice_number":"INV-001","issued_on":"2024-03-01","status":"SENT","lines":[)" +
                             line + R"(],"bill_to":)" + bill + R"(,"total":{"amount_minor":750}})";
    const std::string full = R"({"invoice_number":"INV-001","issued_on":"2024-03-01","status":"SENT",
        "lines":[{"sku":"ABC-1234","label":"Widget","quantity":3,"unit_price":{"amount_minor":250,"currency":"USD"},
        "discount_rate":0.5}],"bill_to":{"street":"1 Main St","city":"Springfield","postal_code":"12345",
        "country":"US"},"ship_to":{"recipient":"Bob","line1":"2 High St","line2":null,"city":"Leeds",
        "country_code":"GB"},"total":{"amount_minor":750,"currency":"EUR"},"tax":{"amount_minor":0,"currency":"EUR"},
        "notes":null})";
    json fifty_one = json::array();
    for (int i = 0; i < 51; ++i) fifty_one.push_back(json::parse(line));
    json fifty = fifty_one;
    fifty.erase(fifty.size() - 1);
    return {
        allowed(base),
        allowed(with(with(with(base, "/ship_to", ship), "/notes", R"("Net 30")"), "/status", R"("VOID")")),
        allowed(with(with(with(with(base, "/ship_to", "null"), "/notes", "null"), "/status", R"("DRAFT")"), "/lines",
                     "[" + line + "," + line + "]")),
        allowed(with(base, "/lines", fifty.dump())),
        allowed(full),
        forbidden(with(base, "/status", R"("sent")")),
        forbidden(with(base, "/status", R"("voided")")),
        forbidden(with(base, "/lines", "[]")),
        forbidden(with(base, "/lines", fifty_one.dump())),
        forbidden(without(base, "/bill_to/postal_code")),
        forbidden(with(base, "/ship_to", bill)),  // a billing address is not a shipping address
        forbidden(with(base, "/bill_to", ship)),
        forbidden(with(base, "/lines/0/extra", "true")),
        forbidden(with(base, "/issued_on", R"("03/01/2024")")),
        forbidden(with(base, "/total", "null")),
        forbidden(without(base, "/status")),
        forbidden(with(base, "/tax", "null")),
        forbidden(with(base, "/tax", R"({"currency":"EUR"})")),
        forbidden(with(base, "/tax", R"({"amount_minor":1,"vat":true})")),
        allowed(with(base, "/tax", R"({"amount_minor":1})")),
        forbidden_in_words(with(full, "/ship_to/country_code", R"("GBR")")),
        forbidden_in_words(with(full, "/lines/0/label", R"("")")),
    };
}

std::vector<Invoice> invoice_values() {
    static const InvoiceStatus statuses[] = {InvoiceStatus::draft, InvoiceStatus::sent, InvoiceStatus::paid,
                                             InvoiceStatus::voided};
    Rng rng(6);
    std::vector<Invoice> values;
    for (int i = 0; i < 6; ++i) {
        Invoice inv{};
        inv.invoice_number = "INV-" + rng.digits(1 + rng.below(6));
        inv.issued_on = "20" + rng.digits(2) + "-0" + std::to_string(rng.between(1, 9)) + "-1" + rng.digits(1);
        inv.status = rng.pick(statuses);
        const auto lines = 1 + rng.below(i == 5 ? 50 : 4);
        for (std::size_t l = 0; l < lines; ++l) inv.lines->push_back(make_line_item(rng));
        inv.bill_to = make_billing_address(rng);
        if (rng.coin()) inv.ship_to = make_shipping_address(rng);
        inv.total = make_money(rng);
        if (rng.coin()) inv.tax = make_money(rng);
        if (rng.coin()) inv.notes = "Net " + std::to_string(rng.between(7, 60));
        values.push_back(std::move(inv));
    }
    return values;
}

// ---- GeoPoint (meta only), Attendee, CalendarEvent ----

std::vector<Instance> geo_point_instances() {
    return {
        allowed(R"({"lat":51.5,"lon":-0.12})"),
        allowed(R"({"lat":-90,"lon":180,"altitude_m":null})"),
        allowed(R"({"lat":90,"lon":-179.999,"altitude_m":8848.86})"),
        allowed(R"({"lat":0,"lon":0,"altitude_m":-500})"),
        forbidden(R"({"lat":90.5,"lon":0})"),
        forbidden(R"({"lat":0,"lon":-180})"),
        forbidden(R"({"lat":0,"lon":180.01})"),
        forbidden(R"({"lat":0,"lon":0,"altitude_m":9000.5})"),
        forbidden(R"({"lat":0,"lon":0,"altitude_m":-501})"),
        forbidden(R"({"lat":0})"),
        forbidden(R"({"lat":"51.5","lon":0})"),
        forbidden(R"({"lat":0,"lon":0,"elevation":3})"),
    };
}

vendor::GeoPoint make_geo_point(Rng& rng) {
    vendor::GeoPoint p{};
    p.lat = rng.real(-90, 90);
    p.lon = rng.real(-179, 180);
    if (rng.coin()) p.altitude_m = static_cast<float>(rng.real(-500, 9000));
    return p;
}

std::vector<vendor::GeoPoint> geo_point_values() {
    std::vector<vendor::GeoPoint> values;
    values.push_back({-90.0, 180.0, 9000.0f});
    values.push_back({90.0, -179.999999, 0.1f});  // 0.1f is not 0.1: the float's own value must survive
    Rng rng(7);
    for (int i = 0; i < 6; ++i) values.push_back(make_geo_point(rng));
    return values;
}

std::vector<Instance> attendee_instances() {
    return {
        allowed(R"({"name":"Ann","rsvp":"accepted"})"),
        allowed(R"({"name":"Bo","email":"bo@x.org","rsvp":"no_response","is_organizer":true})"),
        allowed(R"({"name":"Cy","email":null,"rsvp":"tentative","is_organizer":false})"),
        forbidden(R"({"name":"Ann","rsvp":"Accepted"})"),
        forbidden(R"({"name":"Ann","rsvp":"maybe"})"),
        forbidden(R"({"name":"Ann","rsvp":2})"),
        forbidden(R"({"name":"Bo","email":"bo.x.org","rsvp":"declined"})"),
        forbidden(R"({"name":"Bo","rsvp":"declined","is_organizer":"yes"})"),
        forbidden(R"({"name":"Bo"})"),
        forbidden(R"({"name":null,"rsvp":"declined"})"),
    };
}

Attendee make_attendee(Rng& rng) {
    static const RsvpStatus rsvps[] = {RsvpStatus::accepted, RsvpStatus::declined, RsvpStatus::tentative,
                                       RsvpStatus::no_response};
    Attendee a{};
    a.name = rng.word();
    if (rng.coin()) a.email = rng.word() + "@" + rng.word() + ".org";
    a.rsvp = rng.pick(rsvps);
    a.is_organizer = rng.coin();
    return a;
}

std::vector<Attendee> attendee_values() {
    Rng rng(8);
    std::vector<Attendee> values;
    for (int i = 0; i < 6; ++i) values.push_back(make_attendee(rng));
    return values;
}

std::vector<Instance> calendar_event_instances() {
    const std::string base = R"({"title":"Standup","starts_at":"2024-05-06T09:30","duration_minutes":15,
        "attendees":[],"repeats_on":["monday","wednesday"],"reminders":[10,0]})";
    return {
        allowed(base),
        allowed(with(with(base, "/location", R"({"lat":52.37,"lon":4.89})"), "/attendees",
                     R"([{"name":"Ann","rsvp":"accepted"},{"name":"Bo","email":null,"rsvp":"declined"}])")),
        allowed(with(with(with(base, "/location", "null"), "/repeats_on", "[]"), "/duration_minutes", "1440")),
        allowed(
            with(base, "/repeats_on", R"(["sunday","saturday","friday","thursday","wednesday","tuesday","monday"])")),
        forbidden(with(base, "/reminders", "[10]")),
        forbidden(with(base, "/reminders", "[10,5,0]")),
        forbidden(with(base, "/reminders", "[-5,0]")),
        forbidden(with(base, "/repeats_on", R"(["Funday"])")),
        forbidden(with(base, "/repeats_on", R"(["Monday"])")),
        forbidden(with(base, "/duration_minutes", "4")),
        forbidden(with(base, "/duration_minutes", "1441")),
        forbidden(with(base, "/starts_at", R"("2024-05-06 09:30")")),
        forbidden(with(base, "/location", R"({"lat":100,"lon":0})")),
        forbidden(with(base, "/attendees", R"([{"name":"A"}])")),
        forbidden(without(base, "/attendees")),
        forbidden_in_words(with(with(base, "/location", "null"), "/repeats_on", R"(["monday","monday"])")),
        forbidden_in_words(with(with(base, "/location", "null"), "/title", R"("")")),
    };
}

std::vector<CalendarEvent> calendar_event_values() {
    static const Weekday days[] = {monday, tuesday, wednesday, thursday, friday, saturday, sunday};
    Rng rng(9);
    std::vector<CalendarEvent> values;
    for (int i = 0; i < 6; ++i) {
        CalendarEvent e{};
        e.title = rng.word(1, 10);
        e.starts_at = "2024-0" + std::to_string(rng.between(1, 9)) + "-1" + rng.digits(1) + "T1" + rng.digits(1) + ":" +
                      std::to_string(rng.between(10, 59));
        e.duration_minutes = static_cast<std::uint16_t>(rng.between(5, 1440));
        if (rng.coin()) e.location = make_geo_point(rng);
        const auto people = rng.below(4);
        for (std::size_t p = 0; p < people; ++p) e.attendees.push_back(make_attendee(rng));
        const auto repeats = rng.below(8);
        for (std::size_t r = 0; r < repeats; ++r) e.repeats_on.insert(rng.pick(days));
        e.reminders = {static_cast<int>(rng.between(0, 60)), 0};
        values.push_back(std::move(e));
    }
    return values;
}

// ---- TelemetryFrame: every integer width ----

constexpr std::string_view telemetry_base = R"({"device_id":18446744073709551615,"sequence":4294967295,
    "uptime_ms":-9223372036854775808,"rssi_dbm":-128,"battery_percent":255,"altitude_dm":-32768,"voltage_mv":65535,
    "error_delta":999,"retry_count":32767,"queue_depth":0,"boot_count":9223372036854775807,
    "free_heap_bytes":18446744073709551615,"epoch_ms":1700000000000,"packets_total":0,"channel":127,"gain_db":-128,
    "flags":255,"temperature_c":85,"humidity_percent":99.99,"pressure_hpa":1013.25,"load_average":0.5})";

std::vector<Instance> telemetry_instances() {
    const std::string base(telemetry_base);
    const std::string lows = R"({"device_id":0,"sequence":0,"uptime_ms":9223372036854775807,"rssi_dbm":127,
        "battery_percent":0,"altitude_dm":32767,"voltage_mv":0,"error_delta":-999,"retry_count":-32768,
        "queue_depth":65535,"boot_count":-9223372036854775808,"free_heap_bytes":0,"epoch_ms":-1,"packets_total":
        18446744073709551615,"channel":-128,"gain_db":127,"flags":0,"temperature_c":-40,"humidity_percent":0.001,
        "pressure_hpa":-3.4e38,"load_average":-1e308})";
    return {
        allowed(base),
        allowed(lows),
        allowed(with(with(base, "/temperature_c", "21.5"), "/pressure_hpa", "3.4e38")),
        forbidden(with(base, "/device_id", "-1")),
        beyond_type(with(base, "/sequence", "4294967296")),
        forbidden(with(base, "/sequence", "-1")),
        beyond_type(with(base, "/rssi_dbm", "-129")),
        beyond_type(with(base, "/battery_percent", "256")),
        beyond_type(with(base, "/altitude_dm", "32768")),
        beyond_type(with(base, "/voltage_mv", "65536")),
        forbidden(with(base, "/error_delta", "1000")),
        forbidden(with(base, "/error_delta", "-1000")),
        beyond_type(with(base, "/retry_count", "-32769")),
        forbidden(with(base, "/queue_depth", "-1")),
        forbidden(with(base, "/free_heap_bytes", "-1")),
        forbidden(with(base, "/packets_total", "-5")),
        beyond_type(with(base, "/channel", "128")),
        beyond_type(with(base, "/gain_db", "-129")),
        beyond_type(with(base, "/flags", "256")),
        forbidden(with(base, "/temperature_c", "85.5")),
        forbidden(with(base, "/temperature_c", "-40.01")),
        forbidden(with(base, "/humidity_percent", "0")),
        forbidden(with(base, "/humidity_percent", "100")),
        beyond_type(with(base, "/pressure_hpa", "1e39")),  // beyond what a float can hold
        forbidden(with(base, "/epoch_ms", "1.5")),
        forbidden(with(base, "/load_average", R"("0.5")")),
        forbidden(without(base, "/channel")),
    };
}

std::vector<TelemetryFrame> telemetry_values() {
    std::vector<TelemetryFrame> values;
    TelemetryFrame high{};
    high.device_id = std::numeric_limits<std::uint64_t>::max();
    high.sequence = std::numeric_limits<std::uint32_t>::max();
    high.uptime_ms = std::numeric_limits<std::int64_t>::max();
    high.rssi_dbm = std::numeric_limits<std::int8_t>::max();
    high.battery_percent = std::numeric_limits<std::uint8_t>::max();
    high.altitude_dm = std::numeric_limits<std::int16_t>::max();
    high.voltage_mv = std::numeric_limits<std::uint16_t>::max();
    high.error_delta = 999;
    high.retry_count = std::numeric_limits<short>::max();
    high.queue_depth = std::numeric_limits<unsigned short>::max();
    high.boot_count = std::numeric_limits<long>::max();
    high.free_heap_bytes = std::numeric_limits<unsigned long>::max();
    high.epoch_ms = std::numeric_limits<long long>::max();
    high.packets_total = std::numeric_limits<unsigned long long>::max();
    high.channel = std::numeric_limits<char>::max();
    high.gain_db = std::numeric_limits<signed char>::max();
    high.flags = std::numeric_limits<unsigned char>::max();
    high.temperature_c = 85.0f;
    high.humidity_percent = 99.999;
    high.pressure_hpa = std::numeric_limits<float>::max();
    high.load_average = std::numeric_limits<double>::max();
    values.push_back(high);

    TelemetryFrame low{};
    low.uptime_ms = std::numeric_limits<std::int64_t>::min();
    low.rssi_dbm = std::numeric_limits<std::int8_t>::min();
    low.altitude_dm = std::numeric_limits<std::int16_t>::min();
    low.error_delta = -999;
    low.retry_count = std::numeric_limits<short>::min();
    low.boot_count = std::numeric_limits<long>::min();
    low.epoch_ms = std::numeric_limits<long long>::min();
    low.channel = std::numeric_limits<char>::min();
    low.gain_db = std::numeric_limits<signed char>::min();
    low.temperature_c = -40.0f;
    low.humidity_percent = std::numeric_limits<double>::min();
    low.pressure_hpa = std::numeric_limits<float>::lowest();
    low.load_average = std::numeric_limits<double>::lowest();
    values.push_back(low);

    Rng rng(10);
    for (int i = 0; i < 6; ++i) {
        TelemetryFrame t{};
        t.device_id = rng.next();
        t.sequence = static_cast<std::uint32_t>(rng.next());
        t.uptime_ms = static_cast<std::int64_t>(rng.next());
        t.rssi_dbm = static_cast<std::int8_t>(rng.between(-128, 127));
        t.battery_percent = static_cast<std::uint8_t>(rng.between(0, 255));
        t.altitude_dm = static_cast<std::int16_t>(rng.between(-32768, 32767));
        t.voltage_mv = static_cast<std::uint16_t>(rng.between(0, 65535));
        t.error_delta = static_cast<std::int32_t>(rng.between(-999, 999));
        t.retry_count = static_cast<short>(rng.between(-32768, 32767));
        t.queue_depth = static_cast<unsigned short>(rng.between(0, 65535));
        t.boot_count = static_cast<long>(rng.next());
        t.free_heap_bytes = static_cast<unsigned long>(rng.next());
        t.epoch_ms = static_cast<long long>(rng.next());
        t.packets_total = rng.next();
        t.channel = static_cast<char>(rng.between(-128, 127));
        t.gain_db = static_cast<signed char>(rng.between(-128, 127));
        t.flags = static_cast<unsigned char>(rng.between(0, 255));
        t.temperature_c = static_cast<float>(rng.real(-40, 85));
        t.humidity_percent = rng.real(0.015625, 99.984375);
        t.pressure_hpa = static_cast<float>(rng.real(900, 1100)) + 0.1f;
        t.load_average = rng.real(0, 64) / 3.0;
        values.push_back(t);
    }
    return values;
}

// ---- recursion ----

std::vector<Instance> org_unit_instances() {
    return {
        allowed(R"({"name":"Acme","sub_units":[]})"),
        allowed(R"({"name":"Acme","head":"Ada","sub_units":[{"name":"R&D","head":null,"sub_units":[
                    {"name":"Lab","sub_units":[]}]}]})"),
        allowed(R"({"name":"A","sub_units":[{"name":"B","sub_units":[{"name":"C","sub_units":[{"name":"D",
                    "sub_units":[]}]}]},{"name":"E","sub_units":[]}]})"),
        forbidden(R"({"name":"Acme"})"),
        forbidden(R"({"name":"A","sub_units":[{"sub_units":[]}]})"),
        forbidden(R"({"name":"A","sub_units":null})"),
        forbidden(R"({"name":"A","sub_units":[{"name":"B","sub_units":[],"budget":5}]})"),
        forbidden(R"({"name":"A","head":5,"sub_units":[]})"),
        forbidden(R"({"name":"A","sub_units":[{"name":"B","sub_units":[{"name":"C","sub_units":{}}]}]})"),
        forbidden_in_words(R"({"name":"A","head":null,"sub_units":[{"name":"","head":"Bo","sub_units":[]}]})"),
    };
}

OrgUnit make_org_unit(Rng& rng, int depth) {
    OrgUnit unit{};
    unit.name = rng.word();
    if (rng.coin()) unit.head = rng.word();
    if (depth > 0) {
        const auto children = rng.below(4);
        for (std::size_t i = 0; i < children; ++i) unit.sub_units.push_back(make_org_unit(rng, depth - 1));
    }
    return unit;
}

std::vector<OrgUnit> org_unit_values() {
    Rng rng(11);
    std::vector<OrgUnit> values;
    for (int i = 0; i < 6; ++i) values.push_back(make_org_unit(rng, i));
    return values;
}

std::vector<Instance> reasoning_step_instances() {
    return {
        allowed(R"({"thought":"The invoice is overdue","confidence":0.5})"),
        allowed(R"({"thought":"a","confidence":1,"next":null})"),
        allowed(R"({"thought":"a","confidence":0,"next":{"thought":"b","confidence":0.9,"next":{"thought":"c",
                    "confidence":1}}})"),
        forbidden(R"({"thought":"a","confidence":1.1})"),
        forbidden(R"({"thought":"a","confidence":0.5,"next":{"thought":"b","confidence":-0.1}})"),
        forbidden(R"({"thought":"a","confidence":0.5,"next":"b"})"),
        forbidden(R"({"thought":"a","confidence":0.5,"next":{"confidence":0.5}})"),
        forbidden(R"({"thought":"a","confidence":0.5,"score":3})"),
        forbidden(R"({"thought":"a","confidence":0.5,"next":[]})"),
    };
}

std::vector<ReasoningStep> reasoning_step_values() {
    Rng rng(12);
    std::vector<ReasoningStep> values;
    for (int length = 1; length <= 5; ++length) {
        ReasoningStep first{};
        ReasoningStep* last = &first;
        for (int i = 0; i < length; ++i) {
            if (i > 0) {
                last->next = std::make_unique<ReasoningStep>();
                last = last->next.get();
            }
            last->thought = "step " + std::to_string(i) + ": " + rng.word();
            last->confidence = rng.real(0, 1);
        }
        values.push_back(std::move(first));
    }
    return values;
}

std::vector<Instance> email_message_instances() {
    const std::string base = R"({"sender":"ann@x.org","subject":"Re: lunch","body":"Sure!"})";
    return {
        allowed(base),
        allowed(with(base, "/quoted", "null")),
        allowed(with(base, "/quoted", R"({"sender":"bo@x.org","subject":"lunch","body":"Noon?","quoted":
                     {"sender":"ann@x.org","subject":"hi","body":"hello","quoted":null}})")),
        forbidden(with(base, "/quoted", "{}")),
        forbidden(with(base, "/quoted", R"("Noon?")")),
        forbidden(with(base, "/body", "null")),
        forbidden(with(base, "/cc", "[]")),
        forbidden(with(base, "/quoted", R"({"sender":"bo","subject":"s","body":"b","cc":"x"})")),
        forbidden(without(base, "/subject")),
    };
}

std::vector<EmailMessage> email_message_values() {
    Rng rng(13);
    std::vector<EmailMessage> values;
    for (int depth = 0; depth < 5; ++depth) {
        EmailMessage first{};
        EmailMessage* last = &first;
        for (int i = 0; i <= depth; ++i) {
            if (i > 0) {
                last->quoted = std::make_unique<EmailMessage>();
                last = last->quoted.get()->get();
            }
            last->sender = rng.word() + "@example.org";
            last->subject = (i == 0 ? "" : "Re: ") + rng.word();
            last->body = rng.word(0, 40);
        }
        if (depth % 2 == 1) last->quoted = std::unique_ptr<EmailMessage>{};  // engaged, holding null: writes null
        values.push_back(std::move(first));
    }
    return values;
}

std::vector<Instance> question_instances() {
    return {
        allowed(R"({"text":"Why?","answers":[]})"),
        allowed(R"({"text":"Why?","answers":[{"text":"Because","upvotes":3,"accepted":true,"follow_ups":[
                    {"text":"How so?","answers":[]}]}]})"),
        allowed(R"({"text":"Which?","answers":[{"text":"A","upvotes":0,"accepted":false,"follow_ups":[]},
                    {"text":"B","upvotes":7,"accepted":true,"follow_ups":[]}]})"),
        forbidden(R"({"text":"Why?"})"),
        forbidden(R"({"text":"Why?","answers":[{"text":"A","upvotes":-1,"accepted":false,"follow_ups":[]}]})"),
        forbidden(R"({"text":"Why?","answers":[{"text":"A","upvotes":1,"follow_ups":[]}]})"),
        forbidden(R"({"text":"Why?","answers":{}})"),
        forbidden(R"({"text":"Why?","answers":[{"text":"A","upvotes":1,"accepted":true,"follow_ups":[
                     {"text":"And?","answers":[],"tags":[]}]}]})"),
        forbidden_in_words(R"({"text":"Why?","answers":[{"text":"A","upvotes":1,"accepted":true,"follow_ups":[
                              {"text":"So","answers":[]}]}]})"),
    };
}

Question make_question(Rng& rng, int depth);

Answer make_answer(Rng& rng, int depth) {
    Answer a{};
    a.text = rng.word(0, 12);
    a.upvotes = static_cast<int>(rng.between(0, 500));
    a.accepted = rng.coin();
    if (depth > 0) {
        const auto count = rng.below(3);
        for (std::size_t i = 0; i < count; ++i) a.follow_ups.push_back(make_question(rng, depth - 1));
    }
    return a;
}

Question make_question(Rng& rng, int depth) {
    Question q{};
    q.text = rng.word(3, 12) + "?";
    if (depth > 0) {
        const auto count = rng.below(3);
        for (std::size_t i = 0; i < count; ++i) q.answers.push_back(make_answer(rng, depth - 1));
    }
    return q;
}

std::vector<Question> question_values() {
    Rng rng(14);
    std::vector<Question> values;
    for (int i = 0; i < 6; ++i) values.push_back(make_question(rng, i));
    return values;
}

std::vector<Instance> answer_instances() {
    return {
        allowed(R"({"text":"42","upvotes":0,"accepted":false,"follow_ups":[]})"),
        allowed(R"({"text":"","upvotes":1000,"accepted":true,"follow_ups":[{"text":"Really?","answers":[
                    {"text":"Yes","upvotes":2,"accepted":false,"follow_ups":[]}]}]})"),
        allowed(R"({"text":"A","upvotes":5,"accepted":true,"follow_ups":[{"text":"Why?","answers":[]},
                    {"text":"How?","answers":[]}]})"),
        forbidden(R"({"text":"42","upvotes":0,"accepted":"true","follow_ups":[]})"),
        forbidden(R"({"text":"42","upvotes":0,"accepted":false,"follow_ups":[{"text":"Why?"}]})"),
        forbidden(R"({"text":"42","upvotes":1.5,"accepted":false,"follow_ups":[]})"),
        forbidden(R"({"text":"42","upvotes":0,"accepted":false})"),
        forbidden(R"({"text":"42","upvotes":0,"accepted":false,"follow_ups":[{"text":"Why?","answers":[
                     {"text":"no","upvotes":-3,"accepted":false,"follow_ups":[]}]}]})"),
    };
}

std::vector<Answer> answer_values() {
    Rng rng(15);
    std::vector<Answer> values;
    for (int i = 0; i < 6; ++i) values.push_back(make_answer(rng, i));
    return values;
}

// ---- variants ----

std::vector<Instance> spreadsheet_cell_instances() {
    return {
        allowed(R"({"address":"A1","value":true})"),
        allowed(R"({"address":"B12","value":42,"number_format":null})"),
        allowed(R"({"address":"AA100","value":3.25,"number_format":2})"),
        allowed(R"({"address":"C3","value":"total","number_format":"0.00"})"),
        allowed(R"({"address":"C3","value":-9223372036854775808,"number_format":-2147483648})"),
        forbidden(R"({"address":"a1","value":1})"),
        forbidden(R"({"address":"A0","value":1})"),
        forbidden(R"({"address":"A1","value":null})"),
        forbidden(R"({"address":"A1","value":[1]})"),
        forbidden(R"({"address":"A1","value":{}})"),
        forbidden(R"({"address":"A1","value":1,"number_format":2.5})"),
        beyond_type(R"({"address":"A1","value":1,"number_format":3000000000})"),
        forbidden(R"({"address":"A1","value":1,"number_format":true})"),
        forbidden(R"({"address":"A1"})"),
    };
}

std::vector<SpreadsheetCell> spreadsheet_cell_values() {
    std::vector<SpreadsheetCell> values;
    SpreadsheetCell flag{};
    flag.address = "A1";
    flag.value = false;
    values.push_back(flag);
    SpreadsheetCell count{};
    count.address = "B2";
    count.value = std::int64_t{-42};
    count.number_format = std::int32_t{0};
    values.push_back(count);
    SpreadsheetCell ratio{};
    ratio.address = "ZZ999";
    ratio.value = 0.1;
    ratio.number_format = std::string("0.0%");
    values.push_back(ratio);
    SpreadsheetCell text{};
    text.address = "C7";
    text.value = std::string("42");  // a string that looks like a number stays a string
    values.push_back(text);
    SpreadsheetCell big{};
    big.address = "D8";
    big.value = std::numeric_limits<std::int64_t>::max();
    big.number_format = std::numeric_limits<std::int32_t>::min();
    values.push_back(big);
    return values;
}

std::vector<Instance> card_payment_instances() {
    return {
        allowed(R"({"last4":"4242","brand":"visa"})"),
        allowed(R"({"last4":"0000","brand":"amex"})"),
        allowed(R"({"brand":"mastercard","last4":"9999"})"),
        forbidden(R"({"last4":"42424","brand":"visa"})"),
        forbidden(R"({"last4":"4242","brand":"Visa"})"),
        forbidden(R"({"last4":"4242"})"),
        forbidden(R"({"last4":4242,"brand":"visa"})"),
        forbidden(R"({"last4":"4242","brand":"visa","expiry":"12/30"})"),
    };
}

CardPayment make_card(Rng& rng) {
    static const char* const brands[] = {"visa", "mastercard", "amex"};
    CardPayment c{};
    c.last4 = rng.digits(4);
    c.brand = rng.pick(brands);
    return c;
}

std::vector<CardPayment> card_payment_values() {
    Rng rng(16);
    std::vector<CardPayment> values;
    for (int i = 0; i < 4; ++i) values.push_back(make_card(rng));
    return values;
}

std::vector<Instance> bank_transfer_instances() {
    return {
        allowed(R"({"iban":"DE89370400440532013000"})"),
        allowed(R"({"iban":"GB29NWBK60161331926819","reference":"Invoice 7"})"),
        allowed(R"({"iban":"NL91ABNA0417164300","reference":null})"),
        forbidden(R"({"iban":"de89370400440532013000"})"),
        forbidden(R"({"iban":"DE89"})"),
        forbidden(R"({"iban":"DE89370400440532013000","reference":5})"),
        forbidden(R"({"reference":"x"})"),
        forbidden(R"({"iban":"DE89370400440532013000","bic":"COBADEFFXXX"})"),
    };
}

BankTransfer make_transfer(Rng& rng) {
    BankTransfer t{};
    t.iban = "DE" + rng.digits(2) + rng.digits(10 + rng.below(21));
    if (rng.coin()) t.reference = "Invoice " + rng.digits(3);
    return t;
}

std::vector<BankTransfer> bank_transfer_values() {
    Rng rng(17);
    std::vector<BankTransfer> values;
    for (int i = 0; i < 4; ++i) values.push_back(make_transfer(rng));
    return values;
}

std::vector<Instance> cash_payment_instances() {
    return {
        allowed("{}"),   allowed("{ }"),    allowed(" {\n} "),      forbidden(R"({"amount":1})"),
        forbidden("[]"), forbidden("null"), forbidden(R"("cash")"), forbidden("0"),
    };
}

std::vector<CashPayment> cash_payment_values() { return {CashPayment{}, CashPayment{}, CashPayment{}}; }

std::vector<Instance> payment_instances() {
    const std::string base = R"({"method":{"last4":"4242","brand":"visa"},"amount":{"amount_minor":1250},
        "paid_on":"2024-02-29"})";
    return {
        allowed(base),
        allowed(with(base, "/method", R"({"iban":"DE89370400440532013000","reference":null})")),
        allowed(with(base, "/method", "{}")),
        allowed(with(base, "/method", R"({"iban":"DE89370400440532013000"})")),
        forbidden(with(base, "/method", R"({"last4":"4242"})")),
        forbidden(with(base, "/method", R"({"last4":"4242","brand":"visa","iban":"DE89370400440532013000"})")),
        forbidden(with(base, "/method", R"({"iban":"de89370400440532013000"})")),
        forbidden(with(base, "/method", R"({"brand":"discover","last4":"1234"})")),
        forbidden(with(base, "/method", "null")),
        forbidden(with(base, "/method", R"("cash")")),
        forbidden(with(base, "/method", "[]")),
        forbidden(with(base, "/paid_on", R"("yesterday")")),
        forbidden(with(base, "/amount", R"({"amount_minor":-5})")),
        forbidden(without(base, "/method")),
    };
}

std::vector<Payment> payment_values() {
    Rng rng(18);
    std::vector<Payment> values;
    for (int i = 0; i < 6; ++i) {
        Payment p{};
        switch (i % 3) {
            case 0: p.method = make_card(rng); break;
            case 1: p.method = make_transfer(rng); break;
            default: p.method = CashPayment{}; break;
        }
        p.amount = make_money(rng);
        p.paid_on = "2023-1" + std::to_string(rng.between(0, 2)) + "-2" + rng.digits(1);
        values.push_back(std::move(p));
    }
    return values;
}

std::vector<Instance> tool_call_result_instances() {
    const std::string base = R"({"tool":"weather","output":null,"latency_ms":120})";
    return {
        allowed(base),
        allowed(with(base, "/output", R"("sunny")")),
        allowed(with(base, "/output", R"(["a","b"])")),
        allowed(with(base, "/output", "[]")),
        allowed(with(base, "/output", R"({"amount_minor":5,"currency":"EUR"})")),
        forbidden(without(base, "/output")),  // std::monostate is a value, not an absence
        forbidden(with(base, "/output", "5")),
        forbidden(with(base, "/output", "[1]")),
        forbidden(with(base, "/output", R"({"amount_minor":-1})")),
        forbidden(with(base, "/output", "{}")),
        forbidden(with(base, "/output", R"({"text":"x"})")),
        forbidden(with(base, "/tool", R"("browser")")),
        forbidden(with(base, "/latency_ms", "-1")),
        beyond_type(with(base, "/latency_ms", "4294967296")),
    };
}

std::vector<ToolCallResult> tool_call_result_values() {
    Rng rng(19);
    std::vector<ToolCallResult> values;
    static const char* const tools[] = {"search", "calculator", "weather"};
    for (int i = 0; i < 8; ++i) {
        ToolCallResult r{};
        r.tool = rng.pick(tools);
        switch (i % 4) {
            case 0: r.output = std::monostate{}; break;
            case 1: r.output = std::string(rng.word()); break;
            case 2: r.output = std::vector<std::string>{rng.word(), rng.word()}; break;
            default: r.output = make_money(rng); break;
        }
        r.latency_ms = static_cast<std::uint32_t>(rng.next());
        values.push_back(std::move(r));
    }
    return values;
}

// ---- nested optionals, maps, sets ----

std::vector<Instance> profile_patch_instances() {
    return {
        allowed("{}"),
        allowed(R"({"display_name":null,"bio":"Hi","links":["https://a.example",null],"replacement":null})"),
        allowed(R"({"display_name":"Ada","links":null,"replacement":{"full_name":"Ada","age":30,"email":"ada@x.io"}})"),
        allowed(R"({"bio":null,"links":[]})"),
        forbidden(R"({"links":"https://a.example"})"),
        forbidden(R"({"links":[1]})"),
        forbidden(R"({"replacement":{"full_name":"Ada"}})"),
        forbidden(R"({"avatar":"x.png"})"),
        forbidden(R"({"display_name":5})"),
        forbidden(R"({"replacement":{"full_name":"Ada","age":10,"email":"ada@x.io"}})"),
        forbidden_in_words(R"({"display_name":null,"links":null,"replacement":null,"bio":")" + repeat("b", 161) +
                           "\"}"),
    };
}

std::vector<ProfilePatch> profile_patch_values() {
    std::vector<ProfilePatch> values;
    values.emplace_back();
    ProfilePatch full{};
    full.display_name = std::optional<std::string>("Ada");
    full.bio = std::optional<Annotated<std::string, max_length(160)>>(repeat("ß", 160));
    full.links = std::vector<std::optional<std::string>>{"https://a.example", std::nullopt, ""};
    Rng rng(20);
    full.replacement = std::make_shared<UserProfile>(make_user(rng));
    values.push_back(std::move(full));
    ProfilePatch nulls{};
    nulls.display_name = std::optional<std::string>{};  // engaged, holding nothing: written as null
    nulls.links = std::vector<std::optional<std::string>>{};
    values.push_back(std::move(nulls));
    ProfilePatch bio_only{};
    bio_only.bio = std::optional<Annotated<std::string, max_length(160)>>("Mathematician");
    values.push_back(std::move(bio_only));
    return values;
}

std::vector<Instance> stock_level_instances() {
    return {
        allowed(R"({"on_hand":0})"),
        allowed(R"({"on_hand":5,"reserved":2,"bin":"A-1"})"),
        allowed(R"({"on_hand":2147483647,"reserved":0,"bin":null})"),
        forbidden(R"({"on_hand":-1})"),
        forbidden(R"({"on_hand":1,"reserved":-1})"),
        beyond_type(R"({"on_hand":2147483648})"),
        forbidden(R"({"on_hand":1,"reserved":null})"),
        forbidden(R"({"reserved":1})"),
        forbidden(R"({"on_hand":1,"bin":3})"),
    };
}

StockLevel make_stock_level(Rng& rng) {
    StockLevel s{};
    s.on_hand = static_cast<std::int32_t>(rng.between(0, 100000));
    s.reserved = static_cast<std::int32_t>(rng.between(0, 50));
    if (rng.coin()) s.bin = "B-" + rng.digits(2);
    return s;
}

std::vector<StockLevel> stock_level_values() {
    Rng rng(21);
    std::vector<StockLevel> values;
    for (int i = 0; i < 5; ++i) values.push_back(make_stock_level(rng));
    return values;
}

std::vector<Instance> inventory_instances() {
    const std::string base = R"({"by_warehouse":{},"reorder_points":{},"taken_at":"now"})";
    return {
        allowed(base),
        allowed(R"({"by_warehouse":{"AMS":{"on_hand":5},"NYC":{"on_hand":0,"reserved":0,"bin":null}},
                    "reorder_points":{"widget":10},"taken_at":"2024-01-01"})"),
        allowed(R"({"by_warehouse":{"a/b":{"on_hand":1},"~x":{"on_hand":2},"":{"on_hand":3}},
                    "reorder_points":{"a/b":1,"~0":2},"taken_at":""})"),
        forbidden(with(base, "/by_warehouse", R"({"AMS":{"on_hand":-5}})")),
        forbidden(with(base, "/by_warehouse", R"({"AMS":null})")),
        forbidden(with(base, "/by_warehouse", "[]")),
        forbidden(with(base, "/by_warehouse", R"({"AMS":{"on_hand":1,"aisle":4}})")),
        forbidden(with(base, "/reorder_points", R"({"w":0})")),
        forbidden(with(base, "/reorder_points", R"({"w":"ten"})")),
        forbidden(without(base, "/taken_at")),
        forbidden(with(base, "/taken_by", R"("bot")")),
    };
}

std::vector<InventorySnapshot> inventory_values() {
    Rng rng(22);
    std::vector<InventorySnapshot> values;
    for (int i = 0; i < 5; ++i) {
        InventorySnapshot s{};
        const auto warehouses = rng.below(4);
        for (std::size_t w = 0; w < warehouses; ++w) s.by_warehouse->emplace(rng.word(3, 3), make_stock_level(rng));
        const auto points = rng.below(4);
        for (std::size_t p = 0; p < points; ++p)
            s.reorder_points.emplace(rng.word(), static_cast<int>(rng.between(1, 1000)));
        s.taken_at = "2024-0" + rng.digits(1);
        values.push_back(std::move(s));
    }
    InventorySnapshot odd_keys{};
    odd_keys.by_warehouse->emplace("a/b~c", StockLevel{});
    odd_keys.reorder_points.emplace("", 1);
    values.push_back(std::move(odd_keys));
    return values;
}

std::vector<Instance> article_instances() {
    const std::string base = R"({"headline":"Hello world","keywords":["ai","chips"],"topics":["science"],
        "cited_years":[],"paywalled_sections":[]})";
    const std::string full = with(base, "/author", "null");
    return {
        allowed(base),
        allowed(with(with(with(with(base, "/author", R"({"full_name":"Ada","age":36,"email":"ada@x.io"})"), "/topics",
                               R"(["science","technology","culture"])"),
                          "/cited_years", "[1999,2024,-44]"),
                     "/paywalled_sections", "[true,false,true]")),
        allowed(with(base, "/author", "null")),
        allowed(with(base, "/keywords", R"(["b","a","c"])")),  // any order: it is a set
        forbidden(with(base, "/keywords", R"(["ai"])")),
        forbidden(with(base, "/topics", "[]")),
        forbidden(with(base, "/topics", R"(["science","sports","culture","politics"])")),
        forbidden(with(base, "/topics", R"(["Science"])")),
        beyond_type(with(base, "/cited_years", "[40000]")),
        forbidden(with(base, "/paywalled_sections", R"(["yes"])")),
        forbidden(with(base, "/author", R"({"full_name":"Ada"})")),
        forbidden(without(base, "/cited_years")),
        forbidden_in_words(with(full, "/keywords", R"(["ai","ai"])")),
        forbidden_in_words(with(full, "/keywords", R"(["ai","ai","chips"])")),
        forbidden_in_words(with(full, "/topics", R"(["science","science"])")),
        forbidden_in_words(with(full, "/cited_years", "[1999,1999.0]")),
        forbidden_in_words(with(full, "/headline", R"("News")")),
    };
}

std::vector<ArticleMetadata> article_values() {
    static const Topic topics[] = {Topic::politics, Topic::science, Topic::sports, Topic::culture, Topic::technology};
    Rng rng(23);
    std::vector<ArticleMetadata> values;
    for (int i = 0; i < 6; ++i) {
        ArticleMetadata a{};
        a.headline = rng.word(5, 10) + " " + rng.word();
        if (rng.coin()) a.author = std::make_shared<UserProfile>(make_user(rng));
        while (a.keywords->size() < 2 + static_cast<std::size_t>(i % 3)) a.keywords->insert(rng.word());
        const auto topic_count = 1 + rng.below(3);
        while (a.topics->size() < topic_count) a.topics->insert(rng.pick(topics));
        const auto years = rng.below(5);
        for (std::size_t y = 0; y < years; ++y)
            a.cited_years.insert(static_cast<std::int16_t>(rng.between(-3000, 2100)));
        const auto sections = rng.below(5);
        for (std::size_t s = 0; s < sections; ++s) a.paywalled_sections.push_back(rng.coin());
        values.push_back(std::move(a));
    }
    return values;
}

// ---- templates ----

std::vector<Instance> paged_attendee_instances() {
    const std::string base = R"({"items":[],"page":1,"page_size":20,"has_more":false})";
    return {
        allowed(base),
        allowed(with(with(base, "/items", R"([{"name":"Ann","rsvp":"accepted"}])"), "/has_more", "true")),
        allowed(with(with(base, "/page_size", "100"), "/page", "4294967295")),
        forbidden(with(base, "/page", "0")),
        forbidden(with(base, "/page", "-1")),
        forbidden(with(base, "/page_size", "101")),
        forbidden(with(base, "/items", R"([{"name":"A","rsvp":"nope"}])")),
        forbidden(with(base, "/items", "null")),
        forbidden(without(base, "/has_more")),
    };
}

template <class T, class Make>
Paged<T> make_paged(Rng& rng, Make make) {
    Paged<T> p{};
    const auto count = rng.below(4);
    for (std::size_t i = 0; i < count; ++i) p.items.push_back(make(rng));
    p.page = static_cast<std::uint32_t>(rng.between(1, 50));
    p.page_size = static_cast<std::uint32_t>(rng.between(1, 100));
    p.has_more = rng.coin();
    return p;
}

std::vector<Paged<Attendee>> paged_attendee_values() {
    Rng rng(24);
    std::vector<Paged<Attendee>> values;
    for (int i = 0; i < 5; ++i) values.push_back(make_paged<Attendee>(rng, make_attendee));
    return values;
}

std::vector<Instance> search_results_instances() {
    const std::string base = R"({"query":"team offsite","people":{"items":[],"page":1,"page_size":10,
        "has_more":false},"years":{"items":[1999,2024],"page":1,"page_size":2,"has_more":true}})";
    return {
        allowed(base),
        allowed(with(base, "/people/items", R"([{"name":"Ann","rsvp":"declined","is_organizer":true}])")),
        allowed(with(base, "/years/items", "[-2147483648,2147483647]")),
        forbidden(with(base, "/years/items", R"(["1999"])")),
        beyond_type(with(base, "/years/items", "[2147483648]")),
        forbidden(with(base, "/people/page", "0")),
        forbidden(without(base, "/years")),
        forbidden(with(base, "/people/total", "3")),
        forbidden_in_words(with(base, "/query", R"("")")),
    };
}

std::vector<SearchResults> search_results_values() {
    Rng rng(25);
    std::vector<SearchResults> values;
    for (int i = 0; i < 5; ++i) {
        SearchResults r{};
        r.query = rng.word();
        r.people = make_paged<Attendee>(rng, make_attendee);
        r.years = make_paged<int>(rng, [](Rng& g) { return static_cast<int>(g.between(1900, 2100)); });
        values.push_back(std::move(r));
    }
    return values;
}

// ---- free-form JSON ----

std::vector<Instance> webhook_instances() {
    const std::string base = R"({"event_type":"order.created","payload":{"id":1},"headers":{},"extra":null})";
    return {
        allowed(base),
        allowed(with(with(with(base, "/payload", "null"), "/extra", R"([1,"x",{"y":null}])"), "/headers",
                     R"({"X-Signature":"abc","Content-Type":"application/json"})")),
        allowed(with(with(base, "/payload", R"("plain text")"), "/extra", "12.5")),
        forbidden(with(base, "/event_type", R"("Order.Created")")),
        forbidden(with(base, "/headers", R"({"X-Retry":1})")),
        forbidden(with(base, "/headers", "[]")),
        forbidden(without(base, "/payload")),
        forbidden(without(base, "/extra")),  // a json field may hold null, but must be there
        forbidden(with(base, "/received_at", R"("now")")),
    };
}

std::vector<WebhookEvent> webhook_values() {
    std::vector<WebhookEvent> values;
    WebhookEvent a{};
    a.event_type = "order.created";
    a.payload =
        json{{"id", 1}, {"lines", json::array({1, 2.5, "x", nullptr, true})}, {"nested", {{"deep", json::object()}}}};
    a.headers = {{"X-Signature", "abc"}, {"", "empty key"}};
    a.extra = nullptr;
    values.push_back(a);
    WebhookEvent b{};
    b.event_type = "invoice.payment_failed";
    b.payload = "just text";
    b.extra = json::array();
    values.push_back(b);
    WebhookEvent c{};
    c.event_type = "user.deleted";
    c.payload = nullptr;
    c.extra = -18446744073709551615.0;
    values.push_back(c);
    return values;
}

// ---- enums with overrides, SupportTicket (meta), Inbox ----

std::vector<Instance> build_job_instances() {
    const std::string base = R"({"pipeline":"ci","exit_status":"ok","step_statuses":[],"duration_s":0})";
    return {
        allowed(base),
        allowed(with(with(with(base, "/exit_status", R"("killed")"), "/step_statuses",
                          R"(["unknown","interrupted","timed_out","not_found","failed","ok","ok"])"),
                     "/log_excerpt", "null")),
        allowed(with(with(base, "/duration_s", "86400"), "/log_excerpt", R"("error: linker failed")")),
        forbidden(with(base, "/exit_status", R"("OK")")),
        forbidden(with(base, "/exit_status", "137")),
        forbidden(with(base, "/exit_status", R"("signal")")),
        forbidden(with(base, "/step_statuses", R"(["ok",null])")),
        forbidden(with(base, "/duration_s", "86401")),
        forbidden(with(base, "/duration_s", "-1")),
        forbidden(without(base, "/exit_status")),
        forbidden_in_words(with(with(base, "/log_excerpt", "null"), "/pipeline", R"("")")),
    };
}

std::vector<BuildJob> build_job_values() {
    static const ExitStatus statuses[] = {ExitStatus::unknown,   ExitStatus::ok,        ExitStatus::failed,
                                          ExitStatus::timed_out, ExitStatus::not_found, ExitStatus::interrupted,
                                          ExitStatus::killed};
    Rng rng(26);
    std::vector<BuildJob> values;
    for (int i = 0; i < 7; ++i) {
        BuildJob job{};
        job.pipeline = rng.word();
        job.exit_status = statuses[i];
        const auto steps = rng.below(6);
        for (std::size_t s = 0; s < steps; ++s) job.step_statuses.push_back(rng.pick(statuses));
        job.duration_s = static_cast<std::uint32_t>(rng.between(0, 86400));
        if (rng.coin()) job.log_excerpt = rng.word(0, 30);
        values.push_back(std::move(job));
    }
    return values;
}

std::vector<Instance> support_ticket_instances() {
    const std::string base = R"({"subject":"Broken zipper","body":"The zipper broke on day two.",
        "customer_email":"a@b","sentiment":-0.5,"attachments":["photo.jpg"]})";
    const std::string full = R"({"subject":"Broken zipper","body":"","customer_email":"a@b","channel":"phone",
        "priority":"low","labels":[],"satisfaction":3,"sentiment":0,"escalate":false,"order_reference":null,
        "attachments":["photo.jpg"]})";
    return {
        allowed(base),
        allowed(with(with(with(with(with(with(with(base, "/channel", R"("chat")"), "/priority", R"("urgent")"),
                                         "/labels", R"(["refund","damaged"])"),
                                    "/satisfaction", "1"),
                               "/escalate", "true"),
                          "/order_reference", R"("ORD-12")"),
                     "/attachments", R"(["a.png","b.png","c.png"])")),
        allowed(with(with(with(base, "/order_reference", "null"), "/satisfaction", "5"), "/sentiment", "0.999")),
        allowed(with(base, "/labels", string_array("l", 8))),
        forbidden(with(base, "/customer_email", R"("nobody")")),
        forbidden(with(base, "/channel", R"("fax")")),
        forbidden(with(base, "/priority", R"("URGENT")")),
        forbidden(with(base, "/labels", string_array("l", 9))),
        forbidden(with(base, "/satisfaction", "0")),
        forbidden(with(base, "/satisfaction", "6")),
        forbidden(with(base, "/sentiment", "1.0")),
        forbidden(with(base, "/sentiment", "-1")),
        forbidden(with(base, "/escalate", R"("no")")),
        forbidden(with(base, "/order_reference", R"("12")")),
        forbidden(with(base, "/attachments", "[]")),
        forbidden(with(base, "/attachments", R"(["a","b","c","d"])")),
        forbidden(without(base, "/sentiment")),
        forbidden(with(base, "/channel", "null")),
        allowed(full),
        forbidden_in_words(with(full, "/subject", R"("Hi")")),
        forbidden_in_words(with(full, "/subject", "\"" + repeat("s", 121) + "\"")),
        forbidden_in_words(with(full, "/labels", R"(["a","a"])")),
    };
}

SupportTicket make_ticket(Rng& rng) {
    static const char* const channels[] = {"email", "chat", "phone"};
    static const Priority priorities[] = {Priority::low, Priority::normal, Priority::high, Priority::urgent};
    SupportTicket t{};
    t.subject = rng.word(3, 10) + " " + rng.word();
    t.body = rng.word(0, 50);
    t.customer_email = rng.word() + "@" + rng.word();
    t.channel = rng.pick(channels);
    t.priority = rng.pick(priorities);
    const auto labels = rng.below(9);
    for (std::size_t l = 0; l < labels; ++l) t.labels.push_back("label" + std::to_string(l));
    t.satisfaction = static_cast<int>(rng.between(1, 5));
    t.sentiment = rng.real(-0.984375, 0.984375);
    t.escalate = rng.coin();
    if (rng.coin()) t.order_reference = "ORD-" + rng.digits(5);
    const auto attachments = 1 + rng.below(3);
    for (std::size_t a = 0; a < attachments; ++a) t.attachments.push_back(rng.word() + ".pdf");
    return t;
}

std::vector<SupportTicket> support_ticket_values() {
    Rng rng(27);
    std::vector<SupportTicket> values;
    for (int i = 0; i < 8; ++i) values.push_back(make_ticket(rng));
    return values;
}

std::vector<Instance> inbox_instances() {
    const std::string ticket = R"({"subject":"Refund","body":"","customer_email":"a@b","sentiment":0,
        "attachments":["r.pdf"]})";
    return {
        allowed(R"({"mailbox":"help@shop.example","tickets":[]})"),
        allowed(R"({"mailbox":"help@shop.example","tickets":[)" + ticket + "," + ticket + R"(],"unread":2})"),
        allowed(R"({"mailbox":"","tickets":[],"unread":4294967295})"),
        forbidden(R"({"mailbox":"help@shop.example","tickets":[],"unread":-1})"),
        forbidden(R"({"mailbox":"help@shop.example","tickets":[{}]})"),
        forbidden(R"({"mailbox":"help@shop.example","tickets":null})"),
        beyond_type(R"({"mailbox":"help@shop.example","tickets":[],"unread":4294967296})"),
        forbidden(R"({"mailbox":"help@shop.example","tickets":[],"folder":"inbox"})"),
        forbidden(R"({"mailbox":"help@shop.example","tickets":[)" + with(ticket, "/priority", R"("asap")") + "]}"),
    };
}

std::vector<Inbox> inbox_values() {
    Rng rng(28);
    std::vector<Inbox> values;
    for (int i = 0; i < 5; ++i) {
        Inbox box{};
        box.mailbox = rng.word() + "@example.com";
        const auto tickets = rng.below(4);
        for (std::size_t t = 0; t < tickets; ++t) box.tickets.push_back(make_ticket(rng));
        box.unread = static_cast<std::uint32_t>(rng.between(0, 100));
        values.push_back(std::move(box));
    }
    return values;
}

// ---- arrays and floats ----

std::vector<Instance> color_palette_instances() {
    const std::string base = R"({"name":"Sunset","primary":["#ff0000","#00ff00","#0000ff"],"stops":[0,0.25,0.5,1]})";
    return {
        allowed(base),
        allowed(with(base, "/stops", "[-1.5,1e10,3,4]")),
        allowed(with(with(base, "/primary", R"(["#abcdef","#abcdef","#012345"])"), "/name", R"("Dup")")),
        forbidden(with(base, "/primary", R"(["#ff0000","#00ff00"])")),
        forbidden(with(base, "/primary", R"(["#FF0000","#00ff00","#0000ff"])")),
        forbidden(with(base, "/stops", "[0,0.25,0.5,1,2]")),
        forbidden(with(base, "/stops", R"(["0",0.25,0.5,1])")),
        forbidden(with(base, "/stops", "[0,null,0.5,1]")),
        forbidden(without(base, "/stops")),
        forbidden_in_words(with(base, "/stops", "[0,0,0.5,1]")),
        forbidden_in_words(with(base, "/stops", "[1,0.5,1.0,0]")),
        forbidden_in_words(with(base, "/name", R"("")")),
    };
}

std::vector<ColorPalette> color_palette_values() {
    Rng rng(29);
    std::vector<ColorPalette> values;
    static constexpr std::string_view hex = "0123456789abcdef";
    for (int i = 0; i < 5; ++i) {
        ColorPalette p{};
        p.name = rng.word(1, 8);
        for (auto& colour : p.primary) {
            std::string text = "#";
            for (int d = 0; d < 6; ++d) text += hex[rng.below(16)];
            colour = text;
        }
        for (std::size_t s = 0; s < 4; ++s) (*p.stops)[s] = static_cast<double>(s) / 4.0 + rng.real(0, 0.2);
        values.push_back(std::move(p));
    }
    return values;
}

std::vector<Instance> sentiment_instances() {
    const std::string base = R"({"polarity":0.5,"confidence":1,"key_phrases":[],"label":"positive"})";
    return {
        allowed(base),
        allowed(R"({"polarity":-1,"confidence":0.01,"key_phrases":["great service"],"label":"neutral",
                    "subjectivity":null})"),
        allowed(with(with(base, "/subjectivity", "1"), "/polarity", "1")),
        allowed(with(base, "/key_phrases", string_array("p", 10))),
        forbidden(with(base, "/polarity", "1.5")),
        forbidden(with(base, "/polarity", R"("0.5")")),
        forbidden(with(base, "/confidence", "0")),
        forbidden(with(base, "/confidence", "1.01")),
        forbidden(with(base, "/subjectivity", "0")),
        forbidden(with(base, "/key_phrases", string_array("p", 11))),
        forbidden(with(base, "/label", R"("mixed")")),
        forbidden_in_words(with(with(base, "/subjectivity", "null"), "/key_phrases", "[\"" + repeat("k", 41) + "\"]")),
    };
}

std::vector<SentimentAnalysis> sentiment_values() {
    static const char* const labels[] = {"positive", "neutral", "negative"};
    Rng rng(30);
    std::vector<SentimentAnalysis> values;
    for (int i = 0; i < 6; ++i) {
        SentimentAnalysis s{};
        s.polarity = static_cast<float>(rng.real(-1, 1));
        s.confidence = rng.real(0.015625, 1);
        const auto phrases = rng.below(11);
        for (std::size_t p = 0; p < phrases; ++p) s.key_phrases->push_back(rng.word(1, 40));
        s.label = rng.pick(labels);
        if (rng.coin()) s.subjectivity = static_cast<float>(rng.real(0.015625, 1));
        values.push_back(std::move(s));
    }
    SentimentAnalysis fractions{};
    fractions.polarity = -0.3f;  // not a binary fraction: the float's own value must round-trip
    fractions.confidence = 0.1;
    fractions.label = "negative";
    fractions.subjectivity = 0.7f;
    values.push_back(std::move(fractions));
    return values;
}

// ==== the corpus ======================================================================================

const std::vector<CorpusType>& corpus_types() {
    static const std::vector<CorpusType> types = [] {
        std::vector<CorpusType> t;
        t.push_back(make_type<UserProfile>("UserProfile", false, user_profile_instances(), &user_profile_values));
        t.push_back(make_type<billing::PostalAddress>("billing_PostalAddress", false, billing_address_instances(),
                                                      &billing_address_values));
        t.push_back(make_type<shipping::PostalAddress>("shipping_PostalAddress", false, shipping_address_instances(),
                                                       &shipping_address_values));
        t.push_back(make_type<Money>("Money", false, money_instances(), &money_values));
        t.push_back(make_type<LineItem>("LineItem", false, line_item_instances(), &line_item_values));
        t.push_back(make_type<Invoice>("Invoice", false, invoice_instances(), &invoice_values));
        t.push_back(make_type<vendor::GeoPoint>("vendor_GeoPoint", false, geo_point_instances(), &geo_point_values));
        t.push_back(make_type<Attendee>("Attendee", false, attendee_instances(), &attendee_values));
        t.push_back(
            make_type<CalendarEvent>("CalendarEvent", false, calendar_event_instances(), &calendar_event_values));
        t.push_back(make_type<TelemetryFrame>("TelemetryFrame", false, telemetry_instances(), &telemetry_values));
        t.push_back(make_type<OrgUnit>("OrgUnit", true, org_unit_instances(), &org_unit_values));
        t.push_back(
            make_type<ReasoningStep>("ReasoningStep", true, reasoning_step_instances(), &reasoning_step_values));
        t.push_back(make_type<EmailMessage>("EmailMessage", true, email_message_instances(), &email_message_values));
        t.push_back(make_type<Question>("Question", true, question_instances(), &question_values));
        t.push_back(make_type<Answer>("Answer", true, answer_instances(), &answer_values));
        t.push_back(make_type<SpreadsheetCell>("SpreadsheetCell", false, spreadsheet_cell_instances(),
                                               &spreadsheet_cell_values));
        t.push_back(make_type<CardPayment>("CardPayment", false, card_payment_instances(), &card_payment_values));
        t.push_back(make_type<BankTransfer>("BankTransfer", false, bank_transfer_instances(), &bank_transfer_values));
        t.push_back(make_type<CashPayment>("CashPayment", false, cash_payment_instances(), &cash_payment_values));
        t.push_back(make_type<Payment>("Payment", false, payment_instances(), &payment_values));
        t.push_back(
            make_type<ToolCallResult>("ToolCallResult", false, tool_call_result_instances(), &tool_call_result_values));
        t.push_back(make_type<ProfilePatch>("ProfilePatch", false, profile_patch_instances(), &profile_patch_values));
        t.push_back(make_type<StockLevel>("StockLevel", false, stock_level_instances(), &stock_level_values));
        t.push_back(make_type<InventorySnapshot>("InventorySnapshot", false, inventory_instances(), &inventory_values));
        t.push_back(make_type<ArticleMetadata>("ArticleMetadata", false, article_instances(), &article_values));
        t.push_back(
            make_type<Paged<Attendee>>("Paged_Attendee", false, paged_attendee_instances(), &paged_attendee_values));
        t.push_back(
            make_type<SearchResults>("SearchResults", false, search_results_instances(), &search_results_values));
        t.push_back(make_type<WebhookEvent>("WebhookEvent", false, webhook_instances(), &webhook_values));
        t.push_back(make_type<BuildJob>("BuildJob", false, build_job_instances(), &build_job_values));
        t.push_back(
            make_type<SupportTicket>("SupportTicket", false, support_ticket_instances(), &support_ticket_values));
        t.push_back(make_type<Inbox>("Inbox", false, inbox_instances(), &inbox_values));
        t.push_back(make_type<ColorPalette>("ColorPalette", false, color_palette_instances(), &color_palette_values));
        t.push_back(make_type<SentimentAnalysis>("SentimentAnalysis", false, sentiment_instances(), &sentiment_values));
        return t;
    }();
    return types;
}

// ==== schema helpers ==================================================================================

constexpr std::pair<SchemaForm, const char*> forms[] = {
    {SchemaForm::plain, "plain"}, {SchemaForm::openai_strict, "openai_strict"}, {SchemaForm::inlined, "inlined"}};

bool is_error(const ojson& schema) { return schema.size() == 1 && schema.contains("error"); }

std::filesystem::path golden_path(const std::string& name, const char* form) {
    return std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "corpus" / (name + "." + form + ".json");
}

bool updating_golden_files() {
    const char* flag = std::getenv("INSTRUCTOR_UPDATE_GOLDEN");
    return flag != nullptr && std::string_view(flag) == "1";
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A "$ref" (whose siblings are only annotations) resolved against its root; other schemas as they are.
const ojson& resolve(const ojson& root, const ojson& schema) {
    if (!schema.is_object() || !schema.contains("$ref")) return schema;
    const auto& ref = schema["$ref"].get_ref<const std::string&>();
    return root.at(ojson::json_pointer(ref.substr(1)));
}

bool is_nullable(const ojson& schema) {
    if (!schema.contains("anyOf")) return false;
    const auto& options = schema["anyOf"];
    return std::any_of(options.begin(), options.end(), [](const ojson& option) {
        return option == ojson{{"type", "null"}};
    });
}

std::string description_of(const ojson& schema) {
    return schema.contains("description") ? schema["description"].get<std::string>() : std::string();
}

/// Checks the rules every schema of `form` obeys, walking every subschema; adds what breaks them.
void check_form_rules(const ojson& schema, SchemaForm form, bool recursive, const std::string& where,
                      std::vector<std::string>& problems) {
    auto problem = [&](const std::string& text) { problems.push_back(where + ": " + text); };
    if (!schema.is_object()) {
        problem("a subschema is not an object");
        return;
    }
    if (schema.contains("$ref")) {
        if (schema["$ref"] == "#") problem("$ref to the root \"#\" (servers resolve only #/$defs/Name)");
        if (form == SchemaForm::inlined && !recursive) problem("$ref in the inlined form of a non-recursive type");
        for (const auto& [key, value] : schema.items())
            if (key != "$ref" && key != "description" && key != "default") problem("$ref next to " + key);
        if (form == SchemaForm::openai_strict && schema.size() != 1) problem("$ref with siblings in strict form");
    }
    if (schema.contains("$defs")) {
        if (form == SchemaForm::inlined && !recursive) problem("$defs in the inlined form of a non-recursive type");
        static const std::regex identifier("^[A-Za-z_][A-Za-z0-9_]*$");
        for (const auto& [name, definition] : schema["$defs"].items()) {
            if (!std::regex_match(name, identifier)) problem("$defs name is not identifier-safe: " + name);
            check_form_rules(definition, form, recursive, where + "/$defs/" + name, problems);
        }
    }
    if (form == SchemaForm::openai_strict) {
        for (const char* key : {"default", "minLength", "maxLength", "uniqueItems"})
            if (schema.contains(key)) problem(std::string("strict form carries ") + key);
    }
    if (schema.contains("properties")) {
        if (schema.value("type", "") != "object") problem("properties without type object");
        if (!schema.contains("additionalProperties") || schema["additionalProperties"] != false)
            problem("object not closed with additionalProperties: false");
        const auto& properties = schema["properties"];
        std::vector<std::string> names;
        for (const auto& [name, property] : properties.items()) {
            names.push_back(name);
            check_form_rules(property, form, recursive, where + "/properties/" + name, problems);
        }
        std::vector<std::string> required;
        if (schema.contains("required"))
            for (const auto& name : schema["required"]) required.push_back(name.get<std::string>());
        // required lists properties in declaration order.
        std::size_t at = 0;
        for (const auto& name : required) {
            while (at < names.size() && names[at] != name) ++at;
            if (at == names.size()) problem("required names a missing or out-of-order property: " + name);
        }
        if (form == SchemaForm::openai_strict && required != names)
            problem("strict form does not require every property");
        if (form == SchemaForm::openai_strict && !schema.contains("required")) problem("strict form without required");
    } else if (schema.value("type", "") == "object") {
        if (form == SchemaForm::openai_strict) problem("strict form with an open object (a map)");
        if (schema.contains("additionalProperties"))
            check_form_rules(schema["additionalProperties"], form, recursive, where + "/additionalProperties",
                             problems);
        else
            problem("a map without additionalProperties");
    }
    if (schema.contains("items")) check_form_rules(schema["items"], form, recursive, where + "/items", problems);
    if (schema.contains("anyOf")) {
        std::size_t i = 0;
        for (const auto& option : schema["anyOf"])
            check_form_rules(option, form, recursive, where + "/anyOf/" + std::to_string(i++), problems);
    }
}

/// Walks the plain and the OpenAI strict schema side by side: an optional property becomes a
/// nullable (or defaulted) required one, and each keyword strict form cannot carry is said in words.
void compare_plain_and_strict(const ojson& plain_root, const ojson& plain_at, const ojson& strict_root,
                              const ojson& strict_at, const std::string& where,
                              std::set<std::pair<const ojson*, const ojson*>>& seen,
                              std::vector<std::string>& problems) {
    auto problem = [&](const std::string& text) { problems.push_back(where + ": " + text); };
    const ojson& p = resolve(plain_root, plain_at);
    const ojson& s = resolve(strict_root, strict_at);
    const std::string words = description_of(strict_at.contains("$ref") ? s : strict_at);
    if (plain_at.contains("default") && words.find("default " + plain_at["default"].dump()) == std::string::npos)
        problem("strict description does not state the default " + plain_at["default"].dump());
    if ((p.contains("minLength") || p.contains("maxLength")) && words.find("character") == std::string::npos)
        problem("strict description does not state the length limit");
    if (p.contains("uniqueItems") && words.find("unique items") == std::string::npos)
        problem("strict description does not state unique items");
    if (!seen.emplace(&p, &s).second) return;
    if (p.value("type", "") != s.value("type", "")) problem("types differ");
    for (const char* key :
         {"enum", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems"})
        if (p.contains(key) && (!s.contains(key) || p[key] != s[key])) problem(std::string("strict form lost ") + key);
    if (p.contains("properties")) {
        const auto& pp = p["properties"];
        if (!s.contains("properties") || s["properties"].size() != pp.size()) {
            problem("properties differ");
            return;
        }
        const ojson plain_required = p.value("required", ojson::array());
        for (const auto& [name, property] : pp.items()) {
            if (!s["properties"].contains(name)) {
                problem("strict form lost property " + name);
                continue;
            }
            const auto& strict_property = s["properties"][name];
            const bool required = std::find(plain_required.begin(), plain_required.end(), name) != plain_required.end();
            if (!required && !is_nullable(strict_property) && !property.contains("default") &&
                !resolve(plain_root, property).contains("default"))
                problem("optional property " + name + " is neither nullable nor defaulted in strict form");
            compare_plain_and_strict(plain_root, property, strict_root, strict_property, where + "/" + name, seen,
                                     problems);
        }
    }
    if (p.contains("items") && s.contains("items"))
        compare_plain_and_strict(plain_root, p["items"], strict_root, s["items"], where + "/items", seen, problems);
    if (p.contains("anyOf")) {
        if (!s.contains("anyOf") || s["anyOf"].size() != p["anyOf"].size()) {
            problem("anyOf differs");
            return;
        }
        for (std::size_t i = 0; i < p["anyOf"].size(); ++i)
            compare_plain_and_strict(plain_root, p["anyOf"][i], strict_root, s["anyOf"][i],
                                     where + "/anyOf/" + std::to_string(i), seen, problems);
    }
}

/// The plain schema with every "$ref" replaced by what it refers to (its siblings kept) and no $defs:
/// what the inlined form should be. Only for non-recursive schemas.
json expand_refs(const json& root, const json& schema) {
    if (schema.is_array()) {
        json out = json::array();
        for (const auto& item : schema) out.push_back(expand_refs(root, item));
        return out;
    }
    if (!schema.is_object()) return schema;
    json out = json::object();
    if (schema.contains("$ref")) {
        const auto& ref = schema["$ref"].get_ref<const std::string&>();
        out = expand_refs(root, root.at(json::json_pointer(ref.substr(1))));
        out.erase("$defs");
    }
    for (const auto& [key, value] : schema.items()) {
        if (key == "$ref" || key == "$defs") continue;
        // Keyword values that hold schemas are expanded; others (enum, default, required) are data.
        const bool holds_schemas = key == "items" || key == "anyOf" || key == "additionalProperties";
        if (key == "properties") {
            json properties = json::object();
            for (const auto& [name, property] : value.items()) properties[name] = expand_refs(root, property);
            out[key] = properties;
        } else {
            out[key] = holds_schemas ? expand_refs(root, value) : value;
        }
    }
    return out;
}

const char* verdict_name(Verdict v) {
    switch (v) {
        case Verdict::allowed: return "allowed";
        case Verdict::forbidden: return "forbidden";
        case Verdict::forbidden_in_words: return "forbidden (strict form says it in words)";
        case Verdict::beyond_type: return "forbidden by the parser only (beyond the C++ type's range)";
    }
    return "?";
}

std::string violations_text(const json& schema, const json& instance) {
    std::string text;
    for (const auto& v : test_support::validate_against_schema(schema, instance))
        text += "\n  " + (v.pointer.empty() ? std::string("(root)") : v.pointer) + " [" + v.keyword + "] " + v.message;
    return text.empty() ? std::string(" none") : text;
}

}  // namespace

// ==== tests =============================================================================================

TEST_CASE("the corpus covers at least 28 types, each with at least 3 allowed and 4 forbidden instances") {
    const auto& types = corpus_types();
    CHECK(types.size() >= 28);
    std::set<std::string> names;
    for (const auto& type : types) {
        INFO(type.name);
        CHECK(names.insert(type.name).second);
        const auto allowed_count = std::count_if(type.instances.begin(), type.instances.end(),
                                                 [](const Instance& i) { return i.verdict == Verdict::allowed; });
        CHECK(allowed_count >= 3);
        CHECK(static_cast<std::ptrdiff_t>(type.instances.size()) - allowed_count >= 4);
        for (const auto& instance : type.instances) {
            INFO(instance.text);
            CHECK_FALSE(json::parse(instance.text, nullptr, false).is_discarded());
        }
    }
}

TEST_CASE("every corpus schema, in every form, equals its golden file") {
    const bool update = updating_golden_files();
    if (update) {
        WARN("INSTRUCTOR_UPDATE_GOLDEN=1: writing golden files under " << INSTRUCTOR_GOLDEN_DIR
                                                                       << "/corpus instead of comparing");
        std::filesystem::create_directories(std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "corpus");
    }
    std::set<std::filesystem::path> expected_files;
    for (const auto& type : corpus_types()) {
        for (const auto& [form, form_name] : forms) {
            const auto path = golden_path(type.name, form_name);
            expected_files.insert(path);
            const ojson actual = type.schema(form);
            INFO(path.string());
            if (update) {
                std::ofstream(path, std::ios::binary) << actual.dump(2) << '\n';
                continue;
            }
            if (!std::filesystem::exists(path)) {
                FAIL_CHECK("missing golden file; run the tests with INSTRUCTOR_UPDATE_GOLDEN=1 and review it");
                continue;
            }
            const ojson golden = ojson::parse(read_text(path), nullptr, false);
            REQUIRE_FALSE(golden.is_discarded());
            INFO("actual:\n" << actual.dump(2) << "\ngolden:\n" << golden.dump(2));
            CHECK(actual == golden);  // ordered_json: key order counts
        }
    }
    // No stale golden file for a type that left the corpus.
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "corpus")) {
        INFO(entry.path().string());
        CHECK(expected_files.count(entry.path()) == 1);
    }
}

TEST_CASE("only maps and free-form JSON make the OpenAI strict form throw; the inlined form takes every type") {
    for (const auto& type : corpus_types()) {
        INFO(type.name);
        CHECK_FALSE(is_error(type.schema(SchemaForm::plain)));
        CHECK_FALSE(is_error(type.schema(SchemaForm::inlined)));
    }
    auto strict_error = [](const std::string& name) {
        for (const auto& type : corpus_types())
            if (type.name == name) return type.schema(SchemaForm::openai_strict).value("error", std::string());
        return std::string("no such corpus type");
    };
    CHECK(strict_error("InventorySnapshot").find("a map (std::map / std::unordered_map) at /by_warehouse") == 0);
    CHECK(strict_error("WebhookEvent").find("a free-form value (nlohmann::json) at /payload") == 0);
    for (const auto& type : corpus_types()) {
        if (type.name == "InventorySnapshot" || type.name == "WebhookEvent") continue;
        INFO(type.name);
        CHECK_FALSE(is_error(type.schema(SchemaForm::openai_strict)));
    }
}

TEST_CASE("corpus schemas follow the rules of their form") {
    for (const auto& type : corpus_types()) {
        for (const auto& [form, form_name] : forms) {
            const ojson schema = type.schema(form);
            if (is_error(schema)) continue;
            std::vector<std::string> problems;
            check_form_rules(schema, form, type.recursive, "#", problems);
            INFO(type.name << " (" << form_name << "):\n" << schema.dump(2));
            for (const auto& problem : problems) FAIL_CHECK(problem);
        }
        const ojson plain = type.schema(SchemaForm::plain);
        const ojson strict = type.schema(SchemaForm::openai_strict);
        if (is_error(strict)) continue;
        std::vector<std::string> problems;
        std::set<std::pair<const ojson*, const ojson*>> seen;
        compare_plain_and_strict(plain, plain, strict, strict, "#", seen, problems);
        INFO(type.name << " plain vs strict");
        for (const auto& problem : problems) FAIL_CHECK(problem);
    }
}

TEST_CASE(
    "the inlined schema of a non-recursive corpus type is its plain schema with every $ref expanded "
    "and every pattern spelled for grammars") {
    for (const auto& type : corpus_types()) {
        if (type.recursive) continue;
        const json plain = type.schema(SchemaForm::plain);
        const json inlined = type.schema(SchemaForm::inlined);
        const json expanded = test_support::grammar_spelling(expand_refs(plain, plain));
        INFO(type.name << "\ninlined:\n" << inlined.dump(2) << "\nplain, expanded:\n" << expanded.dump(2));
        CHECK(inlined == expanded);
    }
}

TEST_CASE("same-named structs get distinct $defs names, and name overrides and templates name their $defs") {
    auto defs_of = [](const std::string& name) {
        for (const auto& type : corpus_types())
            if (type.name == name) {
                const ojson schema = type.schema(SchemaForm::plain);
                std::vector<std::string> names;
                for (const auto& [key, value] : schema["$defs"].items()) names.push_back(key);
                return names;
            }
        return std::vector<std::string>{};
    };
    CHECK(defs_of("Invoice") == std::vector<std::string>{"InvoiceLine", "PostalAddress", "PostalAddress_2", "Money"});
    CHECK(defs_of("CalendarEvent") == std::vector<std::string>{"Location", "Attendee"});
    CHECK(defs_of("SearchResults") == std::vector<std::string>{"Paged_Attendee", "Paged_int", "Attendee"});
    CHECK(defs_of("Inbox") == std::vector<std::string>{"Ticket"});
    // A reference back to the root names the root's own $defs entry.
    CHECK(defs_of("Question") == std::vector<std::string>{"Answer", "Question"});
    CHECK(defs_of("Answer") == std::vector<std::string>{"Question", "Answer"});
    CHECK(instructor::schema_name<Paged<Attendee>>() == "Paged_Attendee");
    CHECK(instructor::schema_name<vendor::GeoPoint>() == "Location");
    CHECK(instructor::schema_name<LineItem>() == "InvoiceLine");
    CHECK(instructor::schema_name<SupportTicket>() == "Ticket");
    CHECK(instructor::schema_name<billing::PostalAddress>() == "PostalAddress");
    CHECK(instructor::schema_description<UserProfile>() == "A person mentioned in the text");
    CHECK(instructor::schema_description<vendor::GeoPoint>() == "A point on the Earth (WGS 84)");
    CHECK(instructor::schema_description<Money>().empty());
}

TEST_CASE("the plain schema and the strict parser give every corpus instance its intended verdict") {
    std::size_t checked = 0;
    for (const auto& type : corpus_types()) {
        const json plain = type.schema(SchemaForm::plain);
        for (const auto& instance : type.instances) {
            const json value = json::parse(instance.text);
            const bool intended = instance.verdict == Verdict::allowed;
            const bool schema_says = test_support::schema_allows(plain, value);
            const ParseOutcome strict = type.parse(value, true);
            INFO(type.name << ": " << value.dump() << "\n  intended: " << verdict_name(instance.verdict)
                           << "\n  plain schema: " << (schema_says ? "allows" : "forbids")
                           << "; violations:" << violations_text(plain, value)
                           << "\n  strict parser: " << (strict.accepted ? "accepts" : "rejects: " + strict.errors));
            CHECK(schema_says == (intended || instance.verdict == Verdict::beyond_type));
            CHECK(strict.accepted == intended);
            ++checked;
        }
    }
    CHECK(checked >= 28 * 7);
}

TEST_CASE("the inlined schema of every corpus type gives the same verdicts as the plain one") {
    for (const auto& type : corpus_types()) {
        const json plain = type.schema(SchemaForm::plain);
        const json inlined = type.schema(SchemaForm::inlined);
        for (const auto& instance : type.instances) {
            const json value = json::parse(instance.text);
            INFO(type.name << ": " << value.dump() << "\n  plain violations:" << violations_text(plain, value)
                           << "\n  inlined violations:" << violations_text(inlined, value));
            CHECK(test_support::schema_allows(inlined, value) == test_support::schema_allows(plain, value));
        }
    }
}

TEST_CASE("whatever the OpenAI strict schema allows, the lax parser accepts") {
    for (const auto& type : corpus_types()) {
        const ojson strict_schema = type.schema(SchemaForm::openai_strict);
        if (is_error(strict_schema)) continue;
        const json strict(strict_schema);
        const json plain = type.schema(SchemaForm::plain);
        for (const auto& instance : type.instances) {
            const json value = json::parse(instance.text);
            const bool strict_allows = test_support::schema_allows(strict, value);
            const ParseOutcome lax = type.parse(value, false);
            INFO(type.name << ": " << value.dump() << "\n  intended: " << verdict_name(instance.verdict)
                           << "\n  strict-form violations:" << violations_text(strict, value)
                           << "\n  lax parser: " << (lax.accepted ? "accepts" : "rejects: " + lax.errors));
            if (instance.verdict == Verdict::forbidden_in_words) {
                // The label must be true: the strict form allows it and the plain schema does not.
                CHECK(strict_allows);
                CHECK_FALSE(test_support::schema_allows(plain, value));
            } else if (instance.verdict == Verdict::beyond_type) {
                CHECK_FALSE(lax.accepted);  // no reading makes 32768 an int16_t
            } else if (strict_allows) {
                CHECK(lax.accepted);
            }
        }
    }
}

TEST_CASE("the lax parser accepts what the strict parser accepts, and what it accepts the plain schema allows") {
    for (const auto& type : corpus_types()) {
        const json plain = type.schema(SchemaForm::plain);
        for (const auto& instance : type.instances) {
            const json value = json::parse(instance.text);
            const ParseOutcome strict = type.parse(value, true);
            const ParseOutcome lax = type.parse(value, false);
            INFO(type.name << ": " << value.dump() << "\n  strict parser: "
                           << (strict.accepted ? "accepts" : "rejects: " + strict.errors) << "\n  lax parser: "
                           << (lax.accepted ? "accepts, reads " + lax.written.dump() : "rejects: " + lax.errors));
            if (strict.accepted) {
                CHECK(lax.accepted);
                CHECK(lax.written == strict.written);
            }
            if (lax.accepted) {
                INFO("plain-schema violations of what lax read:" << violations_text(plain, lax.written));
                CHECK(test_support::schema_allows(plain, lax.written));
                CHECK(type.parse(lax.written, true).accepted);
            }
        }
    }
}

TEST_CASE("every corpus value survives to_json, a strict from_json and to_json again unchanged") {
    std::size_t values = 0;
    for (const auto& type : corpus_types()) {
        const auto trips = type.round_trips();
        INFO(type.name);
        CHECK(trips.size() >= 3);
        for (const auto& trip : trips) {
            INFO("to_json: " << trip.first.dump()
                             << "\nread back: " << (trip.reread ? trip.second.dump() : "rejected: " + trip.errors));
            REQUIRE(trip.reread);
            CHECK(trip.second == trip.first);
            CHECK(trip.second.dump() == trip.first.dump());  // same JSON types too (1 vs 1.0)
            ++values;
        }
    }
    CHECK(values >= 150);
}

TEST_CASE("every schema form that exists allows the JSON of every corpus value") {
    for (const auto& type : corpus_types()) {
        const auto trips = type.round_trips();
        for (const auto& [form, form_name] : forms) {
            const ojson schema_ordered = type.schema(form);
            if (is_error(schema_ordered)) continue;
            const json schema(schema_ordered);
            for (const auto& trip : trips) {
                INFO(type.name << " (" << form_name << "): " << trip.first.dump()
                               << "\n  violations:" << violations_text(schema, trip.first));
                CHECK(test_support::schema_allows(schema, trip.first));
            }
        }
    }
}
