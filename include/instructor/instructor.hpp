#pragma once
// instructor-cpp: typed, validated structured output from large language models.
// This header brings in everything.

#include <instructor/annotations.hpp>
#include <instructor/error.hpp>
#include <instructor/from_json.hpp>
#include <instructor/meta.hpp>
#include <instructor/result.hpp>
#include <instructor/schema.hpp>
#include <instructor/to_json.hpp>
#include <instructor/validator.hpp>
#include <instructor/version.hpp>
