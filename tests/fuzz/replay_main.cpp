// The regression replay: runs a fuzz target's LLVMFuzzerTestOneInput over files, without libFuzzer,
// so that every compiler builds it and the ordinary test suite runs it (fuzz_regressions.<target>).
//
//     <target>_replay <file or directory>...
//
// A directory stands for the files in it (not below it, not hidden ones), in name order; one that
// does not exist is skipped, as a target may have no regressions yet. On POSIX systems each input
// runs in a child process, so that one that aborts or crashes is named and the others still run;
// the replay fails if any did. Elsewhere they run in turn, each name printed before it runs.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#define INSTRUCTOR_REPLAY_FORKS 1
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_in(const fs::path& path) {
    std::vector<fs::path> files;
    if (fs::is_regular_file(path)) {
        files.push_back(path);
    } else if (fs::is_directory(path)) {
        for (const auto& entry : fs::directory_iterator(path))
            if (entry.is_regular_file() && entry.path().filename().string().front() != '.')
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
    } else {
        std::cout << "(no " << path.string() << ")\n";
    }
    return files;
}

std::string contents(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int run(const std::string& input) {
    return LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

// Runs one input; returns how it failed, or "" when it did not.
std::string replay(const fs::path& file) {
    const std::string input = contents(file);
    std::cout << file.string() << " (" << input.size() << " bytes)" << std::endl;  // flushed before it runs
#ifdef INSTRUCTOR_REPLAY_FORKS
    const pid_t child = fork();
    if (child == 0) _exit(run(input) == 0 ? 0 : 1);
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child) return "could not run it in a child process";
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    if (WEXITSTATUS(status) != 0) return "exit status " + std::to_string(WEXITSTATUS(status));
    return {};
#else
    return run(input) == 0 ? std::string() : std::string("LLVMFuzzerTestOneInput returned non-zero");
#endif
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        const auto found = inputs_in(argv[i]);
        files.insert(files.end(), found.begin(), found.end());
    }
    if (files.empty()) {
        std::cerr << "no inputs to replay: give files or directories that hold some\n";
        return 1;
    }
    std::vector<std::string> failures;
    for (const auto& file : files)
        if (const std::string failure = replay(file); !failure.empty())
            failures.push_back(file.string() + ": " + failure);
    if (failures.empty()) {
        std::cout << files.size() << " inputs replayed without a finding\n";
        return 0;
    }
    std::cout << "\n" << failures.size() << " of " << files.size() << " inputs failed:\n";
    for (const auto& failure : failures) std::cout << "  " << failure << "\n";
    return 1;
}
