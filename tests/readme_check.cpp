// Keeps the README honest: every ```cpp block that starts with "// examples/<file>" must appear, line
// for line, in that example program (which CI builds and runs), and the README's test command must be
// the one .ci/run runs.
//
//     readme_check <repository root>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

bool contains_run(const std::vector<std::string>& haystack, const std::vector<std::string>& needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: readme_check <repository root>\n";
        return 2;
    }
    const std::string root = argv[1];
    const auto readme = read_lines(root + "/README.md");
    const auto ci = read_lines(root + "/.ci/run");
    std::string ci_text;
    for (const auto& line : ci) ci_text += line + "\n";

    int failures = 0;
    int snippets = 0;
    bool test_command_found = false;
    for (std::size_t i = 0; i < readme.size(); ++i) {
        const std::string& fence = readme[i];
        if (fence != "```cpp" && fence != "```sh") continue;
        std::vector<std::string> block;
        std::size_t j = i + 1;
        for (; j < readme.size() && readme[j] != "```"; ++j) block.push_back(readme[j]);
        if (fence == "```sh") {
            for (const auto& command : block)
                if (command.find("ctest --preset default") != std::string::npos) {
                    test_command_found = true;
                    if (ci_text.find(command) == std::string::npos) {
                        std::cerr << "README.md:" << i + 2 << ": the test command is not what .ci/run runs\n";
                        ++failures;
                    }
                }
        } else if (!block.empty() && block.front().rfind("// examples/", 0) == 0) {
            const std::string example = block.front().substr(3);
            const std::vector<std::string> body(block.begin() + 1, block.end());
            ++snippets;
            if (!contains_run(read_lines(root + "/" + example), body)) {
                std::cerr << "README.md:" << i + 1 << ": this snippet is not in " << example
                          << " (copy it from the program, line for line)\n";
                ++failures;
            }
        }
        i = j;
    }
    if (!test_command_found) {
        std::cerr << "README.md: no test command (a ```sh line with 'ctest --preset default')\n";
        ++failures;
    }
    std::cout << snippets << " README snippets checked against examples/, " << failures << " failures\n";
    return failures == 0 ? 0 : 1;
}
