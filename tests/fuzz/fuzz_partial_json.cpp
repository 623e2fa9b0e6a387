// The incremental JSON parser (PartialJsonParser) and the locator in front of it (JsonTextLocator):
//  - fed whole or in pieces, they give the same completed values at the same paths, the same
//    final value, offsets and error; every string_grew is a prefix of the string it grows into;
//  - the value so far always dumps (a cut UTF-8 sequence or escape is held back);
//  - the parser is strict JSON, as nlohmann::json::parse: a value it accepts, nlohmann accepts
//    (the text up to consumed()) and reads the same; text it refuses, nlohmann refuses.
//
// Input: [selector][split seed][stop][text...]. Selector bit 0: through the locator. stop: 0 runs
// to the end; n > 0 has the sink stop the parse at the n-th completed value.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/detail/stream/partial_json.hpp>

#include "fuzz_support.hpp"

namespace {

using instructor::detail::JsonTextLocator;
using instructor::detail::PartialEvent;
using instructor::detail::PartialEventKind;
using instructor::detail::PartialJsonError;
using instructor::detail::PartialJsonParser;
using instructor::detail::to_pointer;
using json = nlohmann::json;

struct Run {
    std::vector<std::string> completed;  // "pointer = value" of each value_complete, in order
    std::optional<std::string> error;    // what() and offset of a PartialJsonError
    bool stopped = false;
    bool complete = false;
    std::size_t bytes_read = 0;
    std::size_t consumed = 0;
    std::string value;  // value().dump(), when the text is comparable
    bool locator_started = false;
    bool locator_failed = false;
    std::string locator_error;
    bool through_locator = false;
};

std::string describe(const PartialJsonError& e) { return std::string(e.what()) + " @" + std::to_string(e.offset()); }

// A completed value in a few words: a scalar whole, a container by its size (its members have
// their own events), so that recording stays linear in the text.
std::string summary(const json& value) {
    if (value.is_array()) return "array of " + std::to_string(value.size());
    if (value.is_object()) return "object of " + std::to_string(value.size());
    return value.dump();
}

class Parse {
public:
    Parse(bool through_locator, std::size_t stop_at, bool comparable)
        : stop_at_(stop_at),
          comparable_(comparable),
          through_locator_(through_locator),
          parser_([this](const PartialEvent& e) { return on_event(e); }),
          locator_(parser_) {}

    Run run(const std::vector<std::string_view>& pieces) {
        // Dumping the value after every piece would be quadratic: about 32 times per run is enough.
        const std::size_t stride = pieces.size() / 32 + 1;
        try {
            for (std::size_t i = 0; i < pieces.size(); ++i) {
                const bool go_on = through_locator_ ? locator_.feed(pieces[i]) : parser_.feed(pieces[i]);
                if (comparable_ && i % stride == 0) check_dumps();
                if (!go_on) {
                    run_.stopped = true;
                    break;
                }
            }
            if (!through_locator_ && !run_.stopped) parser_.finish();
        } catch (const PartialJsonError& e) {
            FUZZ_CHECK(!through_locator_, "the locator let an error through: " + describe(e));
            run_.error = describe(e);
            check_error_sticks(e);
        } catch (const std::exception& e) {
            fuzz::finding(std::string("the parser threw ") + typeid(e).name() +
                          ", not a PartialJsonError: " + e.what());
        }
        run_.complete = parser_.complete();
        run_.bytes_read = parser_.bytes_read();
        run_.consumed = parser_.consumed();
        if (comparable_) run_.value = check_dumps();
        run_.locator_started = locator_.started();
        run_.locator_failed = locator_.failed();
        run_.locator_error = locator_.error();
        run_.through_locator = through_locator_;
        return std::move(run_);
    }

    [[nodiscard]] const json& value() const { return parser_.value(); }

private:
    bool on_event(const PartialEvent& e) {
        const bool completed = e.kind == PartialEventKind::value_complete;
        completed_ += completed ? 1 : 0;
        if (comparable_) record(e);  // (a path costs its depth: only for comparable text)
        return !completed || stop_at_ == 0 || completed_ < stop_at_;
    }

    void record(const PartialEvent& e) {
        const std::string pointer = to_pointer(e.path);
        if (e.kind == PartialEventKind::string_grew) {
            FUZZ_CHECK(e.value.is_string(), pointer + " grew into a " + e.value.type_name());
            grown_[pointer] = e.value.get<std::string>();
            return;
        }
        if (const auto grown = grown_.find(pointer); grown != grown_.end()) {
            FUZZ_CHECK(e.value.is_string() && e.value.get_ref<const std::string&>().rfind(grown->second, 0) == 0,
                       pointer + " grew to \"" + fuzz::shown(grown->second) + "\" but completed as " +
                           fuzz::shown(e.value.dump()));
            grown_.erase(grown);
        }
        run_.completed.push_back(pointer + " = " + summary(e.value));
    }

    // The promise of value(): valid JSON that dumps, at any point.
    std::string check_dumps() {
        std::string text;
        try {
            text = parser_.value().dump();
        } catch (const json::exception& e) {
            fuzz::finding(std::string("value() does not dump after ") + std::to_string(parser_.bytes_read()) +
                          " bytes: " + e.what());
        }
        return text;
    }

    // After an error, every feed() and finish() throws the same error again.
    void check_error_sticks(const PartialJsonError& first) {
        for (int i = 0; i < 2; ++i) {
            try {
                if (i == 0)
                    (void)parser_.feed("]");
                else
                    parser_.finish();
            } catch (const PartialJsonError& again) {
                FUZZ_CHECK(describe(again) == describe(first), describe(again) + " after " + describe(first));
                continue;
            }
            fuzz::finding("the parser forgot its error: " + describe(first));
        }
    }

    std::size_t stop_at_;
    bool comparable_;
    bool through_locator_ = false;
    PartialJsonParser parser_;
    JsonTextLocator locator_;
    Run run_;
    std::map<std::string, std::string> grown_;  // the last string_grew of each open string
    std::size_t completed_ = 0;                 // value_complete events so far
};

void check_same(const Run& whole, const Run& cut) {
    std::size_t i = 0;
    while (i < whole.completed.size() && i < cut.completed.size() && whole.completed[i] == cut.completed[i]) ++i;
    FUZZ_CHECK(whole.completed == cut.completed,
               "completed value " + std::to_string(i) + ": whole " +
                   (i < whole.completed.size() ? fuzz::shown(whole.completed[i]) : "(none)") + ", in pieces " +
                   (i < cut.completed.size() ? fuzz::shown(cut.completed[i]) : "(none)"));
    FUZZ_CHECK(whole.error == cut.error, whole.error.value_or("no error") + " vs " + cut.error.value_or("no error"));
    FUZZ_CHECK(whole.stopped == cut.stopped, "the sink stopped one run only");
    FUZZ_CHECK(whole.complete == cut.complete, "complete() differs");
    // After an error (thrown, or caught by the locator) the offsets and the value so far say
    // nothing: the parser stops inside the piece that failed, without counting its bytes or adding
    // the text of it read so far. The error's offset says where.
    if (!whole.error && !whole.locator_failed) {
        FUZZ_CHECK(whole.value == cut.value, fuzz::shown(whole.value) + " vs " + fuzz::shown(cut.value));
        // (The locator feeds the parser nothing after the value: how much text after it the parser
        // saw depends on the pieces.)
        FUZZ_CHECK(whole.bytes_read == cut.bytes_read || whole.through_locator,
                   std::to_string(whole.bytes_read) + " vs " + std::to_string(cut.bytes_read) + " bytes read");
        FUZZ_CHECK(whole.consumed == cut.consumed,
                   std::to_string(whole.consumed) + " vs " + std::to_string(cut.consumed) + " bytes consumed");
    }
    FUZZ_CHECK(whole.locator_started == cut.locator_started, "started() differs");
    FUZZ_CHECK(whole.locator_failed == cut.locator_failed, "failed() differs");
    FUZZ_CHECK(whole.locator_error == cut.locator_error, whole.locator_error + " vs " + cut.locator_error);
}

// The parser against nlohmann::json::parse, for a parse that ran to its end.
void check_against_nlohmann(std::string_view text, const Run& run, const json& value) {
    if (!run.error && run.complete) {
        json expected;
        try {
            expected = json::parse(text.substr(0, run.consumed));
        } catch (const json::exception& e) {
            fuzz::finding("the parser accepted " + fuzz::shown(text.substr(0, run.consumed)) +
                          ", which nlohmann refuses: " + e.what());
        }
        FUZZ_CHECK(expected.dump() == run.value, fuzz::shown(expected.dump()) + " vs " + fuzz::shown(run.value));
        FUZZ_CHECK(expected == value, "equal dumps, different values");
        return;
    }
    // The parser refused the text (or it ended early): nlohmann must refuse it too. Not promised:
    // a leading UTF-8 byte order mark, which RFC 8259 lets a parser skip (nlohmann does) or refuse.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") return;
    const json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
    FUZZ_CHECK(parsed.is_discarded(), "nlohmann reads " + fuzz::shown(parsed.dump()) + " where the parser said " +
                                          run.error.value_or("nothing, incomplete"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    const bool through_locator = (input.byte() & 1u) != 0;
    const std::uint8_t seed = input.byte();
    const std::size_t stop_at = input.byte();
    const std::string_view text = input.rest();
    const bool comparable = fuzz::comparable(text);

    Parse whole(through_locator, stop_at, comparable);
    const Run whole_run = whole.run({text});
    Parse cut(through_locator, stop_at, comparable);
    const Run cut_run = cut.run(fuzz::pieces(text, seed));
    check_same(whole_run, cut_run);
    if (!through_locator && stop_at == 0 && comparable) check_against_nlohmann(text, whole_run, whole.value());
    return 0;
}
