// Umbrella header for the framealloc runtime.
#pragma once

#include <framealloc/boxes.hpp>
#include <framealloc/budgets.hpp>
#include <framealloc/checkpoint.hpp>
#include <framealloc/config.hpp>
#include <framealloc/diagnostic_codes.hpp>
#include <framealloc/diagnostics.hpp>
#include <framealloc/frame_collections.hpp>
#include <framealloc/groups.hpp>
#include <framealloc/handles.hpp>
#include <framealloc/frame_barrier.hpp>
#include <framealloc/frame_loop.hpp>
#include <framealloc/memory_resource.hpp>
#include <framealloc/phases.hpp>
#include <framealloc/smart_alloc.hpp>
#include <framealloc/snapshot.hpp>
#include <framealloc/snapshot_emitter.hpp>
#include <framealloc/stats.hpp>
#include <framealloc/tags.hpp>
#include <framealloc/retention.hpp>
#include <framealloc/scratch_pool.hpp>
#include <framealloc/smart_alloc.hpp>
#include <framealloc/stats.hpp>
#include <framealloc/streaming.hpp>
#include <framealloc/transfer.hpp>
#include <framealloc/version.hpp>
