// The corpus, part 1 of 3: see corpus_registry.hpp.

#include "corpus_registry.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "corpus_types.hpp"

namespace corpus_test {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
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

}  // namespace

// Shared with the other parts (corpus_registry.hpp).
corpus::Attendee make_attendee(Rng& rng) {
    static const RsvpStatus rsvps[] = {RsvpStatus::accepted, RsvpStatus::declined, RsvpStatus::tentative,
                                       RsvpStatus::no_response};
    Attendee a{};
    a.name = rng.word();
    if (rng.coin()) a.email = rng.word() + "@" + rng.word() + ".org";
    a.rsvp = rng.pick(rsvps);
    a.is_organizer = rng.coin();
    return a;
}

corpus::UserProfile make_user(Rng& rng) {
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

corpus::Money make_money(Rng& rng) {
    static const char* const currencies[] = {"USD", "EUR", "GBP", "JPY"};
    Money m{};
    m.amount_minor = rng.between(0, 10'000'000);
    m.currency = rng.pick(currencies);
    return m;
}

void add_corpus_part_1(std::vector<CorpusType>& types) {
    types.push_back(make_type<UserProfile>("UserProfile", false, user_profile_instances(), &user_profile_values));
    types.push_back(make_type<billing::PostalAddress>("billing_PostalAddress", false, billing_address_instances(),
                                                      &billing_address_values));
    types.push_back(make_type<shipping::PostalAddress>("shipping_PostalAddress", false, shipping_address_instances(),
                                                       &shipping_address_values));
    types.push_back(make_type<Money>("Money", false, money_instances(), &money_values));
    types.push_back(make_type<LineItem>("LineItem", false, line_item_instances(), &line_item_values));
    types.push_back(make_type<Invoice>("Invoice", false, invoice_instances(), &invoice_values));
    types.push_back(make_type<vendor::GeoPoint>("vendor_GeoPoint", false, geo_point_instances(), &geo_point_values));
    types.push_back(make_type<Attendee>("Attendee", false, attendee_instances(), &attendee_values));
    types.push_back(
        make_type<CalendarEvent>("CalendarEvent", false, calendar_event_instances(), &calendar_event_values));
    types.push_back(make_type<TelemetryFrame>("TelemetryFrame", false, telemetry_instances(), &telemetry_values));
}

}  // namespace corpus_test
