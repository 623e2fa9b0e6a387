// The corpus, part 3 of 3: see corpus_registry.hpp.

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

}  // namespace

void add_corpus_part_3(std::vector<CorpusType>& types) {
    types.push_back(make_type<ProfilePatch>("ProfilePatch", false, profile_patch_instances(), &profile_patch_values));
    types.push_back(make_type<StockLevel>("StockLevel", false, stock_level_instances(), &stock_level_values));
    types.push_back(make_type<InventorySnapshot>("InventorySnapshot", false, inventory_instances(), &inventory_values));
    types.push_back(make_type<ArticleMetadata>("ArticleMetadata", false, article_instances(), &article_values));
    types.push_back(
        make_type<Paged<Attendee>>("Paged_Attendee", false, paged_attendee_instances(), &paged_attendee_values));
    types.push_back(
        make_type<SearchResults>("SearchResults", false, search_results_instances(), &search_results_values));
    types.push_back(make_type<WebhookEvent>("WebhookEvent", false, webhook_instances(), &webhook_values));
    types.push_back(make_type<BuildJob>("BuildJob", false, build_job_instances(), &build_job_values));
    types.push_back(
        make_type<SupportTicket>("SupportTicket", false, support_ticket_instances(), &support_ticket_values));
    types.push_back(make_type<Inbox>("Inbox", false, inbox_instances(), &inbox_values));
    types.push_back(make_type<ColorPalette>("ColorPalette", false, color_palette_instances(), &color_palette_values));
    types.push_back(make_type<SentimentAnalysis>("SentimentAnalysis", false, sentiment_instances(), &sentiment_values));
}

}  // namespace corpus_test
