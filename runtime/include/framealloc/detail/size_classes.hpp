// Pool size classes: 16-byte steps up to 256, then four classes per doubling up to 4096.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace fa::detail {

inline constexpr std::array<std::uint32_t, 32> kClassSizes = {
    16,  32,  48,  64,  80,  96,  112, 128,  144,  160,  176,  192,  208,  224,  240,  256,
    320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096};
inline constexpr std::size_t kNumClasses = kClassSizes.size();

// Index: (size + 15) / 16 for size in [1, 4096].
inline constexpr std::array<std::uint8_t, 257> kClassOfGranule = [] {
  std::array<std::uint8_t, 257> table{};
  std::size_t cls = 0;
  for (std::size_t g = 0; g <= 256; ++g) {
    while (kClassSizes[cls] < g * 16) ++cls;
    table[g] = static_cast<std::uint8_t>(cls);
  }
  return table;
}();

constexpr std::size_t size_class_of(std::size_t size) noexcept {
  return kClassOfGranule[(size + 15) >> 4];
}

}  // namespace fa::detail
