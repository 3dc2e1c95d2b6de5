// Hooks of the frame features into the core frame paths (internal).
#pragma once

#include <cstddef>

#include <framealloc/detail/thread_state.hpp>

namespace fa::detail {

// Destroys (runs the destructors of) retained frame objects at or above `from`, newest first.
void discard_retained_from(ThreadState& ts, const std::byte* from) noexcept;
// Called by end_frame() while the frame's memory is still valid: retained objects still
// registered are destroyed, checkpoint bookkeeping is cleared.
void end_frame_features(ThreadState& ts) noexcept;

}  // namespace fa::detail
