#pragma once
// The corpus: realistic structs of the kind people ask a language model to fill in (users, invoices,
// calendar events, telemetry, support tickets, ...). Together they use every supported field type,
// every annotation, both ways of attaching annotations (inline Annotated and instructor::meta<T>),
// type descriptions, name overrides, enum overrides, recursion and templates. test_corpus.cpp checks
// each of them against golden schemas, the independent validator, the parser and round trips.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/instructor.hpp>

namespace corpus {

using instructor::Annotated;
using instructor::choices;
using instructor::default_value;
using instructor::description;
using instructor::exclusive_maximum;
using instructor::exclusive_minimum;
using instructor::max_items;
using instructor::max_length;
using instructor::maximum;
using instructor::min_items;
using instructor::min_length;
using instructor::minimum;
using instructor::pattern;
using instructor::unique_items;

// ---- people and addresses -------------------------------------------------------------------

/// Inline annotations of every string kind, a bool and a vector default, a static type description.
struct UserProfile {
    static constexpr std::string_view schema_description = "A person mentioned in the text";

    Annotated<std::string, description("Full name as written, e.g. \"José Álvarez\""), min_length(1), max_length(80)>
        full_name;
    Annotated<std::uint8_t, description("Age in years"), minimum(13), maximum(120)> age;
    Annotated<std::string, pattern("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$")> email;
    std::optional<std::string> nickname;
    Annotated<bool, default_value(false)> is_verified;
    Annotated<std::vector<Annotated<std::string, min_length(2)>>, description("Hobbies and topics"), unique_items,
              max_items(5), default_value()>
        interests;
};

// Two structs called PostalAddress: their $defs names must come out de-duplicated.
namespace billing {
struct PostalAddress {
    std::string street;
    std::string city;
    Annotated<std::string, pattern("^[0-9]{5}$")> postal_code;
    Annotated<std::string, choices("US", "CA", "MX"), default_value("US")> country;
};
}  // namespace billing

namespace shipping {
struct PostalAddress {
    std::string recipient;
    std::string line1;
    std::optional<std::string> line2;
    std::string city;
    Annotated<std::string, description("ISO 3166-1 alpha-2"), min_length(2), max_length(2)> country_code;
};
}  // namespace shipping

// ---- invoices -------------------------------------------------------------------------------

struct Money {
    Annotated<std::int64_t, description("Amount in the smallest currency unit (cents)"), minimum(0)> amount_minor;
    Annotated<std::string, choices("USD", "EUR", "GBP", "JPY"), default_value("USD")> currency;
};

/// Named "InvoiceLine" in schemas through a static member; exclusive integer bound, double default.
struct LineItem {
    static constexpr std::string_view schema_name = "InvoiceLine";

    Annotated<std::string, description("Stock keeping unit, e.g. ABC-1234"), pattern("^[A-Z]{3}-[0-9]{4}$")> sku;
    Annotated<std::string, min_length(1), max_length(200)> label;
    Annotated<int, exclusive_minimum(0), maximum(10000)> quantity;
    Money unit_price;
    Annotated<double, minimum(0.0), exclusive_maximum(1.0), default_value(0.0)> discount_rate;
};

/// Enumerator names replaced through meta<InvoiceStatus>::enumerators.
enum class InvoiceStatus { draft, sent, paid, voided };

struct Invoice {
    Annotated<std::string, pattern("^INV-[0-9]+$")> invoice_number;
    Annotated<std::string, description("Issue date, YYYY-MM-DD"), pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")> issued_on;
    InvoiceStatus status;
    Annotated<std::vector<LineItem>, min_items(1), max_items(50)> lines;
    Annotated<billing::PostalAddress, description("Where the invoice is sent")> bill_to;
    std::optional<shipping::PostalAddress> ship_to;
    Money total;
    Annotated<Money, description("Tax; zero when the document states none"), default_value()> tax;
    std::optional<std::string> notes;
};

// ---- calendar ----------------------------------------------------------------------------------

/// A type "you cannot change" (think of a third-party header): everything about it comes from meta<>.
namespace vendor {
struct GeoPoint {
    double lat;
    double lon;
    std::optional<float> altitude_m;
};
}  // namespace vendor

enum class RsvpStatus { accepted, declined, tentative, no_response };

struct Attendee {
    std::string name;
    std::optional<Annotated<std::string, pattern("@")>> email;
    RsvpStatus rsvp;
    Annotated<bool, default_value(false)> is_organizer;
};

/// An unscoped enum.
enum Weekday { monday, tuesday, wednesday, thursday, friday, saturday, sunday };

struct CalendarEvent {
    Annotated<std::string, min_length(1)> title;
    Annotated<std::string, description("Local start, YYYY-MM-DDTHH:MM"),
              pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$")>
        starts_at;
    Annotated<std::uint16_t, description("Length in minutes"), minimum(5), maximum(1440)> duration_minutes;
    std::optional<vendor::GeoPoint> location;
    std::vector<Attendee> attendees;
    std::set<Weekday> repeats_on;
    Annotated<std::array<Annotated<int, minimum(0)>, 2>, description("Minutes before the start")> reminders;
};

// ---- every integer width -----------------------------------------------------------------------

struct TelemetryFrame {
    std::uint64_t device_id;
    std::uint32_t sequence;
    std::int64_t uptime_ms;
    std::int8_t rssi_dbm;
    std::uint8_t battery_percent;
    std::int16_t altitude_dm;
    std::uint16_t voltage_mv;
    Annotated<std::int32_t, exclusive_minimum(-1000), exclusive_maximum(1000)> error_delta;
    short retry_count;
    unsigned short queue_depth;
    long boot_count;
    unsigned long free_heap_bytes;
    long long epoch_ms;
    unsigned long long packets_total;
    char channel;
    signed char gain_db;
    unsigned char flags;
    Annotated<float, description("Degrees Celsius"), minimum(-40.0f), maximum(85.0f)> temperature_c;
    Annotated<double, exclusive_minimum(0.0), exclusive_maximum(100.0)> humidity_percent;
    float pressure_hpa;
    double load_average;
};

// ---- recursion ---------------------------------------------------------------------------------

/// Recursive through a vector of itself.
struct OrgUnit {
    Annotated<std::string, min_length(1)> name;
    std::optional<std::string> head;
    std::vector<OrgUnit> sub_units;
};

/// Recursive through a unique_ptr to itself: a chain of reasoning.
struct ReasoningStep {
    Annotated<std::string, description("What was concluded at this step")> thought;
    Annotated<double, minimum(0), maximum(1)> confidence;
    std::unique_ptr<ReasoningStep> next;
};

/// Recursive through std::optional<std::unique_ptr<Self>>: a reply quoting the mail it answers.
struct EmailMessage {
    std::string sender;
    std::string subject;
    std::string body;
    // Annotated<> on purpose: a bare std::optional<std::unique_ptr<X>> member does not compile with Boost.PFR
    // 1.81 (its field counting copies a move-only type in unsafe_declval); the wrapper sidesteps that.
    Annotated<std::optional<std::unique_ptr<EmailMessage>>, description("The message this one replies to")> quoted;
};

/// A mutually recursive pair, through vectors: a forum thread.
struct Answer;
struct Question {
    Annotated<std::string, min_length(3)> text;
    std::vector<Answer> answers;
};
struct Answer {
    std::string text;
    Annotated<int, minimum(0)> upvotes;
    bool accepted;
    std::vector<Question> follow_ups;
};

// ---- variants ------------------------------------------------------------------------------------

/// A variant of scalars.
struct SpreadsheetCell {
    Annotated<std::string, description("A1-style reference"), pattern("^[A-Z]+[1-9][0-9]*$")> address;
    std::variant<bool, std::int64_t, double, std::string> value;
    std::optional<std::variant<std::int32_t, std::string>> number_format;
};

struct CardPayment {
    Annotated<std::string, description("Last four digits of the card"), pattern("^[0-9]{4}$")> last4;
    Annotated<std::string, choices("visa", "mastercard", "amex")> brand;
};
struct BankTransfer {
    Annotated<std::string, pattern("^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")> iban;
    std::optional<std::string> reference;
};
/// An empty struct.
struct CashPayment {};

/// A variant of structs, told apart by their keys; meta<Payment> describes two of its fields.
struct Payment {
    std::variant<CardPayment, BankTransfer, CashPayment> method;
    Money amount;
    Annotated<std::string, pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")> paid_on;
};

/// A variant with std::monostate (null), a string, an array and a struct.
struct ToolCallResult {
    Annotated<std::string, choices("search", "calculator", "weather")> tool;
    Annotated<std::variant<std::monostate, std::string, std::vector<std::string>, Money>,
              description("null when the tool returned nothing")>
        output;
    Annotated<std::uint32_t, description("Milliseconds")> latency_ms;
};

// ---- nested optionals, maps, sets, pointers --------------------------------------------------

/// Nested optionals and a shared_ptr.
struct ProfilePatch {
    std::optional<std::optional<std::string>> display_name;
    std::optional<std::optional<Annotated<std::string, max_length(160)>>> bio;
    std::optional<std::vector<std::optional<std::string>>> links;
    std::shared_ptr<UserProfile> replacement;
};

struct StockLevel {
    Annotated<std::int32_t, minimum(0)> on_hand;
    Annotated<std::int32_t, minimum(0), default_value(0)> reserved;
    std::optional<std::string> bin;
};

/// A map of structs and an unordered_map of annotated integers.
struct InventorySnapshot {
    Annotated<std::map<std::string, StockLevel>, description("Keyed by warehouse code")> by_warehouse;
    std::unordered_map<std::string, Annotated<int, minimum(1)>> reorder_points;
    std::string taken_at;
};

enum class Topic : std::uint8_t { politics, science, sports, culture, technology };

/// Sets (of strings, of an enum, of integers), a shared_ptr to a struct.
struct ArticleMetadata {
    Annotated<std::string, min_length(5)> headline;
    std::shared_ptr<UserProfile> author;
    Annotated<std::set<std::string>, min_items(2)> keywords;
    Annotated<std::set<Topic>, min_items(1), max_items(3)> topics;
    std::set<std::int16_t> cited_years;
    std::vector<bool> paywalled_sections;
};

// ---- templates -----------------------------------------------------------------------------------

template <class T>
struct Paged {
    std::vector<T> items;
    Annotated<std::uint32_t, minimum(1)> page;
    Annotated<std::uint32_t, minimum(1), maximum(100)> page_size;
    bool has_more;
};

/// Two instantiations of one template, named Paged_Attendee and Paged_int.
struct SearchResults {
    Annotated<std::string, min_length(1)> query;
    Paged<Attendee> people;
    Paged<int> years;
};

// ---- free-form JSON and maps of strings --------------------------------------------------------

struct WebhookEvent {
    Annotated<std::string, pattern("^[a-z]+\\.[a-z_]+$")> event_type;
    nlohmann::json payload;
    std::map<std::string, std::string> headers;
    Annotated<nlohmann::json, description("Anything else the sender attached")> extra;
};

// ---- enums with overrides ----------------------------------------------------------------------

/// Shell exit statuses: one negative and several above 127, so meta<> widens the scanned range.
enum class ExitStatus : int {
    unknown = -1,
    ok = 0,
    failed = 1,
    timed_out = 124,
    not_found = 127,
    interrupted = 130,
    killed = 137
};

struct BuildJob {
    Annotated<std::string, min_length(1)> pipeline;
    ExitStatus exit_status;
    std::vector<ExitStatus> step_statuses;
    Annotated<std::uint32_t, maximum(86400)> duration_s;
    std::optional<std::string> log_excerpt;
};

/// Described through meta<Priority>.
enum class Priority { low, normal, high, urgent };

/// A struct of our own whose annotations all come from meta<SupportTicket> (named "Ticket" there).
struct SupportTicket {
    std::string subject;
    std::string body;
    std::string customer_email;
    std::string channel;
    Priority priority;
    std::vector<std::string> labels;
    int satisfaction;
    double sentiment;
    bool escalate;
    std::optional<std::string> order_reference;
    std::vector<std::string> attachments;
};

/// Shows the "Ticket" name override in $defs.
struct Inbox {
    Annotated<std::string, description("Mailbox address")> mailbox;
    std::vector<SupportTicket> tickets;
    Annotated<std::uint32_t, description("Unread count"), default_value(0)> unread;
};

// ---- arrays and floats -------------------------------------------------------------------------

struct ColorPalette {
    Annotated<std::string, min_length(1)> name;
    // Annotated<> around the array on purpose: a bare std::array<std::string-like, N> member makes g++ 12
    // crash inside Boost.PFR 1.81's field counting (an internal compiler error, not an instructor bug).
    Annotated<std::array<Annotated<std::string, pattern("^#[0-9a-f]{6}$")>, 3>, description("Three colours")> primary;
    Annotated<std::array<double, 4>, description("Gradient stops"), unique_items> stops;
};

struct SentimentAnalysis {
    Annotated<float, description("-1 negative, +1 positive"), minimum(-1.0f), maximum(1.0f)> polarity;
    Annotated<double, exclusive_minimum(0.0), maximum(1.0)> confidence;
    Annotated<std::vector<Annotated<std::string, max_length(40)>>, max_items(10)> key_phrases;
    Annotated<std::string, choices("positive", "neutral", "negative")> label;
    std::optional<Annotated<float, exclusive_minimum(0.0f), maximum(1.0f)>> subjectivity;
};

}  // namespace corpus

// ---- meta<T> specialisations ---------------------------------------------------------------------

template <>
struct instructor::meta<corpus::InvoiceStatus> {
    static constexpr std::string_view description = "Where the invoice is in its life cycle";
    static constexpr std::pair<corpus::InvoiceStatus, const char*> enumerators[] = {
        {corpus::InvoiceStatus::draft, "DRAFT"},
        {corpus::InvoiceStatus::sent, "SENT"},
        {corpus::InvoiceStatus::paid, "PAID"},
        {corpus::InvoiceStatus::voided, "VOID"}};
};

template <>
struct instructor::meta<corpus::vendor::GeoPoint> {
    static constexpr std::string_view name = "Location";
    static constexpr std::string_view description = "A point on the Earth (WGS 84)";
    static constexpr auto fields =
        instructor::fields(instructor::field("lat", instructor::description("Latitude in degrees"),
                                             instructor::minimum(-90.0), instructor::maximum(90.0)),
                           instructor::field("lon", instructor::exclusive_minimum(-180.0), instructor::maximum(180.0)),
                           instructor::field("altitude_m", instructor::minimum(-500.0f), instructor::maximum(9000.0f)));
};

template <>
struct instructor::meta<corpus::Payment> {
    static constexpr auto fields =
        instructor::fields(instructor::field("method", instructor::description("How it was paid")),
                           instructor::field("amount", instructor::description("What was paid")));
};

template <>
struct instructor::meta<corpus::ExitStatus> {
    static constexpr long long enum_min = -1;
    static constexpr long long enum_max = 137;
};

template <>
struct instructor::meta<corpus::Priority> {
    static constexpr std::string_view description = "How soon a human should look at it";
};

template <>
struct instructor::meta<corpus::SupportTicket> {
    static constexpr std::string_view name = "Ticket";
    static constexpr std::string_view description = "A customer support request";
    static constexpr auto fields = instructor::fields(
        instructor::field("subject", instructor::description("One-line summary"), instructor::min_length(3),
                          instructor::max_length(120)),
        instructor::field("customer_email", instructor::pattern("^[^@]+@[^@]+$")),
        instructor::field("channel", instructor::choices("email", "chat", "phone"), instructor::default_value("email")),
        instructor::field("priority", instructor::default_value()),
        instructor::field("labels", instructor::unique_items, instructor::max_items(8), instructor::default_value()),
        instructor::field("satisfaction", instructor::minimum(1), instructor::maximum(5), instructor::default_value(3)),
        instructor::field("sentiment", instructor::exclusive_minimum(-1.0), instructor::exclusive_maximum(1.0)),
        instructor::field("escalate", instructor::default_value(false)),
        instructor::field("order_reference", instructor::pattern("^ORD-[0-9]+$")),
        instructor::field("attachments", instructor::min_items(1), instructor::max_items(3)));
};

namespace corpus {

/// Calls f(std::type_identity<T>{}, "T") for every type of the corpus, in one order, so that each
/// test over the whole corpus names it once.
template <class F>
void for_each_type(F&& f) {
    f(std::type_identity<UserProfile>{}, "UserProfile");
    f(std::type_identity<billing::PostalAddress>{}, "billing::PostalAddress");
    f(std::type_identity<shipping::PostalAddress>{}, "shipping::PostalAddress");
    f(std::type_identity<Money>{}, "Money");
    f(std::type_identity<LineItem>{}, "LineItem");
    f(std::type_identity<Invoice>{}, "Invoice");
    f(std::type_identity<vendor::GeoPoint>{}, "vendor::GeoPoint");
    f(std::type_identity<Attendee>{}, "Attendee");
    f(std::type_identity<CalendarEvent>{}, "CalendarEvent");
    f(std::type_identity<TelemetryFrame>{}, "TelemetryFrame");
    f(std::type_identity<OrgUnit>{}, "OrgUnit");
    f(std::type_identity<ReasoningStep>{}, "ReasoningStep");
    f(std::type_identity<EmailMessage>{}, "EmailMessage");
    f(std::type_identity<Question>{}, "Question");
    f(std::type_identity<Answer>{}, "Answer");
    f(std::type_identity<SpreadsheetCell>{}, "SpreadsheetCell");
    f(std::type_identity<CardPayment>{}, "CardPayment");
    f(std::type_identity<BankTransfer>{}, "BankTransfer");
    f(std::type_identity<CashPayment>{}, "CashPayment");
    f(std::type_identity<Payment>{}, "Payment");
    f(std::type_identity<ToolCallResult>{}, "ToolCallResult");
    f(std::type_identity<ProfilePatch>{}, "ProfilePatch");
    f(std::type_identity<StockLevel>{}, "StockLevel");
    f(std::type_identity<InventorySnapshot>{}, "InventorySnapshot");
    f(std::type_identity<ArticleMetadata>{}, "ArticleMetadata");
    f(std::type_identity<Paged<Attendee>>{}, "Paged<Attendee>");
    f(std::type_identity<SearchResults>{}, "SearchResults");
    f(std::type_identity<WebhookEvent>{}, "WebhookEvent");
    f(std::type_identity<BuildJob>{}, "BuildJob");
    f(std::type_identity<SupportTicket>{}, "SupportTicket");
    f(std::type_identity<Inbox>{}, "Inbox");
    f(std::type_identity<ColorPalette>{}, "ColorPalette");
    f(std::type_identity<SentimentAnalysis>{}, "SentimentAnalysis");
}

inline constexpr int type_count = 33;

}  // namespace corpus
