// Path globs of .fa.toml (exclude, tags.modules): fnmatch over the absolute path; a relative glob
// also matches anywhere below ("third_party/*" matches ".../third_party/x.cpp").
#pragma once

#include <string>

namespace fa::check {

bool matches_glob(const std::string& file, const std::string& glob);

}  // namespace fa::check
