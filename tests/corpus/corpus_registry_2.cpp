// The corpus, part 2 of 3: see corpus_registry.hpp.

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

}  // namespace

void add_corpus_part_2(std::vector<CorpusType>& types) {
    types.push_back(make_type<OrgUnit>("OrgUnit", true, org_unit_instances(), &org_unit_values));
    types.push_back(
        make_type<ReasoningStep>("ReasoningStep", true, reasoning_step_instances(), &reasoning_step_values));
    types.push_back(make_type<EmailMessage>("EmailMessage", true, email_message_instances(), &email_message_values));
    types.push_back(make_type<Question>("Question", true, question_instances(), &question_values));
    types.push_back(make_type<Answer>("Answer", true, answer_instances(), &answer_values));
    types.push_back(
        make_type<SpreadsheetCell>("SpreadsheetCell", false, spreadsheet_cell_instances(), &spreadsheet_cell_values));
    types.push_back(make_type<CardPayment>("CardPayment", false, card_payment_instances(), &card_payment_values));
    types.push_back(make_type<BankTransfer>("BankTransfer", false, bank_transfer_instances(), &bank_transfer_values));
    types.push_back(make_type<CashPayment>("CashPayment", false, cash_payment_instances(), &cash_payment_values));
    types.push_back(make_type<Payment>("Payment", false, payment_instances(), &payment_values));
    types.push_back(
        make_type<ToolCallResult>("ToolCallResult", false, tool_call_result_instances(), &tool_call_result_values));
}

}  // namespace corpus_test
