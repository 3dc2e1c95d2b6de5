// Umbrella header for the framealloc runtime.
#pragma once

#include <framealloc/boxes.hpp>
#include <framealloc/config.hpp>
#include <framealloc/diagnostic_codes.hpp>
#include <framealloc/diagnostics.hpp>
#include <framealloc/frame_barrier.hpp>
#include <framealloc/frame_loop.hpp>
#include <framealloc/memory_resource.hpp>
#include <framealloc/smart_alloc.hpp>
#include <framealloc/snapshot.hpp>
#include <framealloc/snapshot_emitter.hpp>
#include <framealloc/stats.hpp>
#include <framealloc/transfer.hpp>
#include <framealloc/version.hpp>
