// fa-schema-check <schema.json> <file.json>...: validates files with fa-lsp's schema validator and
// prints one "<file>: valid" or "<file>: invalid: <why>" line each, in the order given.
// Exit 0 when all are valid, 1 when some are not, 2 on a usage, I/O or unsupported-schema error.
#include "schema_validator.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace {

nlohmann::json read_json(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string(path) + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(std::string(path) + ": not valid JSON");
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: fa-schema-check <schema.json> <file.json>...\n";
    return 2;
  }
  try {
    const fa::lsp::SchemaValidator validator(read_json(argv[1]));
    int invalid = 0;
    for (int i = 2; i < argc; ++i) {
      const std::string error = validator.validate(read_json(argv[i]));
      std::cout << argv[i] << (error.empty() ? ": valid" : ": invalid: " + error) << "\n";
      invalid += error.empty() ? 0 : 1;
    }
    return invalid == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "fa-schema-check: " << e.what() << "\n";
    return 2;
  }
}
