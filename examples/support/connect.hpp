#pragma once
// The model an example talks to: a real one when configured, else a local server replaying
// recorded replies.

#include <optional>
#include <vector>

#include <instructor/instructor.hpp>

#include "replay_server.hpp"

namespace examples {

/// A client for the first model found of:
///   INSTRUCTOR_PROVIDER   "provider/model", e.g. groq/llama-3.3-70b-versatile (the key from GROQ_API_KEY),
///                         at INSTRUCTOR_BASE_URL when set (e.g. llama-cpp/any at http://127.0.0.1:9000/v1)
///   OPENAI_API_KEY        OpenAI, with INSTRUCTOR_MODEL (default gpt-4o-mini)
/// and when there is none, `replies` served in order by a ReplayServer started in `replay` (talked
/// to in `replay_mode`). Prints one line saying which. `options` are the client's settings (hooks,
/// HTTP retries, ...); where to connect is filled in here.
[[nodiscard]] instructor::Client connect(std::optional<ReplayServer>& replay, std::vector<Reply> replies,
                                         instructor::ClientOptions options = {},
                                         instructor::Mode replay_mode = instructor::Mode::tools);

/// The same, with a replay server that answers each request from its body.
[[nodiscard]] instructor::Client connect(std::optional<ReplayServer>& replay, ReplayServer::Responder respond,
                                         instructor::ClientOptions options = {},
                                         instructor::Mode replay_mode = instructor::Mode::tools);

}  // namespace examples
