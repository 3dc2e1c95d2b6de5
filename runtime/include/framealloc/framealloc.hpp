// Umbrella header for the framealloc runtime.
#pragma once

#include <framealloc/boxes.hpp>
#include <framealloc/budgets.hpp>
#include <framealloc/config.hpp>
#include <framealloc/diagnostic_codes.hpp>
#include <framealloc/diagnostics.hpp>
#include <framealloc/memory_resource.hpp>
#include <framealloc/phases.hpp>
#include <framealloc/smart_alloc.hpp>
#include <framealloc/stats.hpp>
#include <framealloc/tags.hpp>
#include <framealloc/version.hpp>
