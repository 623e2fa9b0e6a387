#pragma once
// Cassettes: a client's real exchanges recorded once, then replayed, so that a test of your own code
// runs offline, without a key, and gets what the provider really said.
//
//     auto client = instructor::from_provider("groq/llama-3.3-70b-versatile", {
//         .transport = instructor::cassette({
//             .path = "tests/cassettes/minutes.jsonl",
//             .mode = instructor::cassette_mode_from_environment(),  // INSTRUCTOR_CASSETTE=record_missing
//         }),
//     });
//
// A cassette is JSON lines: a header line, then one exchange per line (the request's method, URL,
// headers and body; the reply's status, headers and body, or a stream's chunks as they came).
// No credential is written: of the request's headers only named ones (Content-Type, Accept,
// User-Agent, ...) are kept; credentials in URLs, in body fields and reply headers of credential
// names, and the key wherever a reply echoes it, become REDACTED. One writer at a time. A request is
// matched by its method, path and body compared as JSON (key order and spacing do not matter),
// less the fields named in CassetteOptions::ignore; the same request sent again gets the next
// recording of it, and the last one once they run out.

#include <cstddef>
#include <string>
#include <vector>

#include <instructor/error.hpp>
#include <instructor/transport.hpp>

namespace instructor {

enum class CassetteMode {
    replay,          // answer from the cassette only; a request it does not hold is a CassetteError
    record,          // send every request upstream and write the cassette anew
    record_missing,  // answer what the cassette holds; send the rest upstream and add them to it
};

/// The mode INSTRUCTOR_CASSETTE names ("replay", "record", "record_missing"), or `fallback` when it
/// is not set. Any other value is a ConfigurationError.
[[nodiscard]] CassetteMode cassette_mode_from_environment(CassetteMode fallback = CassetteMode::replay);

struct CassetteOptions {
    std::string path{};  // the cassette file (JSON lines)
    CassetteMode mode = CassetteMode::replay;
    /// Where the record modes send: empty means curl_transport(). Never used by replay.
    Transport upstream{};
    /// JSON pointers into request bodies that matching leaves out: fields that differ from run to
    /// run (e.g. "/seed" when your code sets a random one, "/messages/0/content" holding a date).
    /// instructor itself writes nothing that varies per run.
    std::vector<std::string> ignore{};
};

/// A request the cassette holds no recording of (replay mode), or a cassette that cannot be read.
class CassetteError : public Error {
public:
    CassetteError(const std::string& what, std::string path, std::string first_difference = {})
        : Error(what), path_(std::move(path)), first_difference_(std::move(first_difference)) {}

    /// The cassette file.
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    /// Where the closest recorded request's body first differs from the one sent (a JSON
    /// pointer, "" for the whole body); empty when nothing was compared.
    [[nodiscard]] const std::string& first_difference() const noexcept { return first_difference_; }

private:
    std::string path_;
    std::string first_difference_;
};

/// A transport that records to, or replays from, the cassette at options.path. Copies share one
/// cassette, which may be used from several threads at once; each exchange recorded is appended
/// to the file, whole, as soon as it ends. Throws ConfigurationError when replaying a cassette that
/// does not exist; CassetteError when the file is not a cassette (naming the line), or when another
/// client or process is recording to it. A last line cut short (an interrupted recording) is
/// dropped in record_missing mode and named in replay mode.
[[nodiscard]] Transport cassette(CassetteOptions options);

}  // namespace instructor
