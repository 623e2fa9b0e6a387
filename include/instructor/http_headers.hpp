#pragma once
// HTTP header lists: what a transport sends and receives, and what requests and clients add.

#include <string>
#include <utility>
#include <vector>

namespace instructor {

/// Header names and values, in the order sent or received.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

}  // namespace instructor
