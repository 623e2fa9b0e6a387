// A folder of texts to typed results through a provider's Batch API: half the price of live calls,
// finished within a day. The job is resumable: stop the program (Ctrl-C, a reboot) and start it
// again with the same state file, and it goes on polling the same batch; nothing is uploaded or
// paid for twice.
//
//     batch_folder FOLDER STATE_FILE
//
// Reads FOLDER/*.txt. The provider is INSTRUCTOR_PROVIDER ("provider/model", default
// openai/gpt-4o-mini; its key from the provider's variable, e.g. OPENAI_API_KEY), at
// INSTRUCTOR_BASE_URL when set; INSTRUCTOR_BATCH_POLL_MS sets how often it looks (default 30 s).
// Its CTest runs it against the loopback batch server, offline.

#include <instructor/instructor.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

struct Person {
    instructor::Annotated<std::string, instructor::max_length(40)> name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

namespace {

std::string environment(const char* name, const char* otherwise) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : otherwise;
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: batch_folder FOLDER STATE_FILE\n";
        return 2;
    }
    // Each text one request; its file name is its id in the batch (and in the results).
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(argv[1]))
        if (entry.path().extension() == ".txt") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<instructor::Request> requests;
    std::vector<std::string> ids;
    for (const auto& file : files) {
        requests.push_back(
            {.messages = {instructor::user("Extract the person: " + read_text(file))}, .max_retries = 2});
        ids.push_back(file.stem().string());
    }
    try {
        const auto client = instructor::from_provider(environment("INSTRUCTOR_PROVIDER", "openai/gpt-4o-mini"),
                                                      {.base_url = environment("INSTRUCTOR_BASE_URL", "")});

        instructor::BatchJobOptions options{.state_file = argv[2], .ids = ids};
        options.poll_interval = std::chrono::milliseconds(std::stol(environment("INSTRUCTOR_BATCH_POLL_MS", "30000")));
        options.on_progress = [](const instructor::BatchJobProgress& progress) {
            std::cout << "\rround " << progress.round << ": " << instructor::to_string(progress.status) << ", "
                      << progress.succeeded + progress.failed << "/" << progress.total << " lines run, "
                      << progress.inputs_done << "/" << progress.inputs << " texts done" << std::flush;
        };
        const auto people = instructor::create_batch<Person>(client, requests, options);
        std::cout << "\n";

        for (std::size_t i = 0; i < people.size(); ++i) {
            if (people[i])
                std::cout << ids[i] << ": " << people[i]->value.name << ", " << people[i]->value.age << " ("
                          << people[i]->completions.size() << " round(s))\n";
            else
                std::cout << ids[i] << " failed: " << people[i].error().what() << "\n";
        }
    } catch (const instructor::Error& e) {
        std::cerr << "\n" << e.what() << "\n";
        return 1;
    }
}
