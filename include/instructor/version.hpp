#pragma once

#define INSTRUCTOR_VERSION_MAJOR 0
#define INSTRUCTOR_VERSION_MINOR 1
#define INSTRUCTOR_VERSION_PATCH 0

namespace instructor {
inline constexpr const char* version = "0.1.0";
}
