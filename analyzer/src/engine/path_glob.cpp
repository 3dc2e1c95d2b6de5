#include "path_glob.hpp"

#include <fnmatch.h>

namespace fa::check {

bool matches_glob(const std::string& file, const std::string& glob) {
  if (fnmatch(glob.c_str(), file.c_str(), 0) == 0) return true;
  return !glob.empty() && glob.front() != '/' && fnmatch(("*/" + glob).c_str(), file.c_str(), 0) == 0;
}

}  // namespace fa::check
