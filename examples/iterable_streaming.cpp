// Streaming a list: create_iterable<Task> hands over each task, checked, as soon as the model has
// finished writing it, while the rest of the list is still on its way. Or, without a callback, it
// returns them all.
//
// Uses INSTRUCTOR_PROVIDER or OPENAI_API_KEY when set, else replays a recorded stream locally.

#include <instructor/instructor.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "support/connect.hpp"

struct Task {
    std::string title;
    instructor::Annotated<int, instructor::minimum(1), instructor::maximum(3),
                          instructor::description("1 = most urgent")>
        priority;
    std::string owner;
};

namespace {

const std::string meeting = R"(Ana will fix the login bug today, it blocks the release. Ben updates the
changelog before Friday. Someone should look at the flaky upload test next sprint; Chen volunteered.
Ana also asked Ben to send the release notes to support once the changelog is done.)";

// An answer a model gave, streamed back when none is configured (as text: the replay talks JSON mode).
const std::string recorded = R"({"tasks": [
  {"title": "Fix the login bug", "priority": 1, "owner": "Ana"},
  {"title": "Update the changelog", "priority": 2, "owner": "Ben"},
  {"title": "Look at the flaky upload test", "priority": 3, "owner": "Chen"},
  {"title": "Send the release notes to support", "priority": 2, "owner": "Ben"}]})";

long long ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main() {
    std::optional<examples::ReplayServer> replay;  // only when no model is configured
    try {
        const auto client =
            examples::connect(replay, {examples::streamed_content(recorded), examples::streamed_content(recorded)}, {},
                              instructor::Mode::json);
        const instructor::Request request{
            .messages = {instructor::user("List the tasks agreed in this meeting:\n" + meeting)},
            .max_retries = 2,
        };

        // Each task as soon as it is complete (return false from the callback to stop early).
        const auto start = std::chrono::steady_clock::now();
        client.create_iterable<Task>(request, [&](Task task) {
            std::cout << "after " << ms_since(start) << " ms: " << task.title << " (" << task.owner << ", priority "
                      << task.priority << ")\n";
        });
        std::cout << "stream finished after " << ms_since(start) << " ms\n\n";

        // Or all of them at once.
        std::vector<Task> tasks = client.create_iterable<Task>(request);
        std::stable_sort(tasks.begin(), tasks.end(),
                         [](const Task& a, const Task& b) { return *a.priority < *b.priority; });
        std::cout << tasks.size() << " tasks, most urgent first:\n";
        for (const Task& task : tasks)
            std::cout << "  " << task.priority << "  " << task.title << " (" << task.owner << ")\n";
        return 0;
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
