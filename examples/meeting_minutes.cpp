// A program's own test, recorded once and replayed offline ever after: meeting minutes in, action
// items out, the owners checked against the minutes themselves (a validation context).
//
//   ./meeting_minutes examples/cassettes/meeting_minutes.jsonl
//       replays the cassette: no network, no key, the same replies every run
//   INSTRUCTOR_CASSETTE=record ./meeting_minutes my_cassette.jsonl
//       records: sends to INSTRUCTOR_PROVIDER (at INSTRUCTOR_BASE_URL, if set) or OpenAI
//       (OPENAI_API_KEY), else to recorded replies served on 127.0.0.1
//
// The cassette in examples/cassettes/ was recorded the last way, with no model configured.

#include <instructor/instructor.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "support/connect.hpp"

// What the validators need besides the answer: the minutes it was taken from.
struct Minutes {
    std::string text;
};

struct ActionItem {
    std::string task;
    std::string owner;
    instructor::Annotated<std::optional<std::string>, instructor::description("YYYY-MM-DD, if the minutes give one")>
        due;

    // Only the source text can tell whether the owner is someone who was there.
    std::optional<std::string> validate(const Minutes& minutes) const {
        if (minutes.text.find(owner) == std::string::npos)
            return "the owner \"" + owner + "\" is not named in the minutes; use a name that is";
        return std::nullopt;
    }
};

struct MeetingSummary {
    std::string title;
    instructor::Annotated<std::vector<ActionItem>, instructor::max_items(5)> action_items;
};

// The code under test: what the program does with a model.
MeetingSummary summarize(const instructor::Client& client, const std::string& minutes) {
    const instructor::ExtractOptions options{
        .model = "gpt-4o-mini",
        .max_retries = 2,
        .system = "Extract the meeting's title and its action items.",
        .temperature = 0.0,
        .max_tokens = 500,
        .timeout = std::chrono::seconds(60),
        .headers = {{"X-Request-Source", "minutes-tests"}},
        .context = Minutes{minutes},
    };
    return instructor::extract<MeetingSummary>(client, minutes, options);
}

namespace {

const std::string minutes_text =
    "Platform sync, 12 March. Present: Priya Nair, Ben Okafor, Lena Fischer.\n"
    "Priya will send the release notes to support by Friday 15 March.\n"
    "Ben is to rotate the staging certificates before the freeze.";

// What a model answered when this cassette was recorded without one: first an owner who was not
// there (the validator sends it back with the error), then the right one.
std::vector<examples::Reply> recorded_replies() {
    return {
        examples::tool_call_reply("MeetingSummary", R"({"title": "Platform sync", "action_items": [
            {"task": "Send the release notes to support", "owner": "Priya Nair", "due": "2025-03-15"},
            {"task": "Rotate the staging certificates", "owner": "Sam", "due": null}]})"),
        examples::tool_call_reply("MeetingSummary", R"({"title": "Platform sync", "action_items": [
            {"task": "Send the release notes to support", "owner": "Priya Nair", "due": "2025-03-15"},
            {"task": "Rotate the staging certificates", "owner": "Ben Okafor", "due": null}]})"),
    };
}

bool configured(const char* variable) {
    const char* value = std::getenv(variable);
    return value != nullptr && *value != '\0';
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: meeting_minutes <cassette.jsonl>   (INSTRUCTOR_CASSETTE=record to record it)\n";
        return 2;
    }
    try {
        const auto mode = instructor::cassette_mode_from_environment();
        instructor::ClientOptions options{.transport = instructor::cassette({.path = argv[1], .mode = mode})};
        std::optional<examples::ReplayServer> replay;  // only when recording without a model
        const auto client =
            mode == instructor::CassetteMode::replay && !configured("INSTRUCTOR_PROVIDER") &&
                    !configured("OPENAI_API_KEY")
                ? instructor::from_openai({.base_url = "http://127.0.0.1:9/v1", .transport = options.transport})
                : examples::connect(replay, recorded_replies(), options);

        // The test: what the program must make of these minutes.
        const MeetingSummary summary = summarize(client, minutes_text);
        std::cout << summary.title << ": " << summary.action_items.size() << " action items\n";
        for (const ActionItem& item : summary.action_items) {
            std::cout << "- " << item.task << " (" << item.owner;
            if (item.due) std::cout << ", due " << *item.due;
            std::cout << ")\n";
        }
        const bool passed = !summary.title.empty() && !summary.action_items.empty() && summary.action_items.size() <= 5;
        std::cout << (passed ? "PASSED" : "FAILED") << "\n";
        return passed ? 0 : 1;
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
