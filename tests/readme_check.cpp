// Keeps the manual honest (README.md and the pages under docs/):
//  - every ```cpp block that starts with "// examples/<file>" must appear, line for line, in that
//    example program (which CI builds and runs);
//  - every relative link must lead to a file that exists, and every page of docs/ must be linked
//    from the manual's index, docs/README.md;
//  - the README's test command must be the one .ci/run runs.
//
//     readme_check <repository root>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
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

struct Report {
    int failures = 0;
    int snippets = 0;
    int links = 0;
    bool test_command_found = false;

    void fail(const std::string& where, const std::string& what) {
        std::cerr << where << ": " << what << "\n";
        ++failures;
    }
};

// The targets of the Markdown links on one line: "[text](target)", without "#anchor".
std::vector<std::string> link_targets(const std::string& line) {
    std::vector<std::string> targets;
    for (std::size_t at = line.find("]("); at != std::string::npos; at = line.find("](", at + 2)) {
        const std::size_t end = line.find(')', at + 2);
        if (end == std::string::npos) break;
        std::string target = line.substr(at + 2, end - at - 2);
        if (const std::size_t hash = target.find('#'); hash != std::string::npos) target.resize(hash);
        if (!target.empty() && target.find("://") == std::string::npos) targets.push_back(target);
    }
    return targets;
}

// One page of the manual: `name` relative to the root ("README.md", "docs/streaming.md").
void check_page(const std::filesystem::path& root, const std::string& name, const std::string& ci_text,
                std::set<std::filesystem::path>& linked, Report& report) {
    const auto page = read_lines((root / name).string());
    const std::filesystem::path dir = (root / name).parent_path();
    bool in_fence = false;
    for (std::size_t i = 0; i < page.size(); ++i) {
        const std::string& line = page[i];
        const std::string where = name + ":" + std::to_string(i + 1);
        if (line.rfind("```", 0) == 0 && !in_fence && line != "```cpp" && line != "```sh") {
            in_fence = true;  // another fenced block (text, cmake): its lines are not links
            continue;
        }
        if (line == "```" && in_fence) {
            in_fence = false;
            continue;
        }
        if (in_fence) continue;
        if (line == "```cpp" || line == "```sh") {
            std::vector<std::string> block;
            std::size_t j = i + 1;
            for (; j < page.size() && page[j] != "```"; ++j) block.push_back(page[j]);
            if (line == "```sh") {
                for (const auto& command : block)
                    if (name == "README.md" && command.find("ctest --preset default") != std::string::npos) {
                        report.test_command_found = true;
                        if (ci_text.find(command) == std::string::npos)
                            report.fail(name + ":" + std::to_string(i + 2),
                                        "the test command is not what .ci/run runs");
                    }
            } else if (!block.empty() && block.front().rfind("// examples/", 0) == 0) {
                const std::string example = block.front().substr(3);
                const std::vector<std::string> body(block.begin() + 1, block.end());
                ++report.snippets;
                if (!contains_run(read_lines((root / example).string()), body))
                    report.fail(where,
                                "this snippet is not in " + example + " (copy it from the program, line for line)");
            }
            i = j;
            continue;
        }
        for (const auto& target : link_targets(line)) {
            ++report.links;
            const auto path = std::filesystem::weakly_canonical(dir / target);
            if (!std::filesystem::exists(path))
                report.fail(where, "a link to " + target + ", which does not exist");
            else if (name == "docs/README.md")
                linked.insert(path);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: readme_check <repository root>\n";
        return 2;
    }
    const std::filesystem::path root = argv[1];
    std::string ci_text;
    for (const auto& line : read_lines((root / ".ci/run").string())) ci_text += line + "\n";

    std::vector<std::string> pages{"README.md"};
    std::vector<std::string> docs;
    for (const auto& entry : std::filesystem::directory_iterator(root / "docs"))
        if (entry.path().extension() == ".md") docs.push_back("docs/" + entry.path().filename().string());
    std::sort(docs.begin(), docs.end());
    pages.insert(pages.end(), docs.begin(), docs.end());

    Report report;
    std::set<std::filesystem::path> linked;  // the pages the index links to
    for (const auto& page : pages) check_page(root, page, ci_text, linked, report);
    for (const auto& page : docs)
        if (page != "docs/README.md" && !linked.count(std::filesystem::weakly_canonical(root / page)))
            report.fail(page, "not linked from docs/README.md, the manual's index");
    if (!report.test_command_found)
        report.fail("README.md", "no test command (a ```sh line with 'ctest --preset default')");
    std::cout << report.snippets << " snippets in " << pages.size() << " pages checked against examples/, "
              << report.links << " links followed, " << report.failures << " failures\n";
    return report.failures == 0 ? 0 : 1;
}
