// A Server wired to recording hooks: what it sends, submits and logs, for transcript tests.
#pragma once

#include "server.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace fa::lsp::testing {

struct Harness {
  std::vector<nlohmann::json> sent;
  std::vector<AnalysisJob> jobs;
  std::vector<std::string> logs;
  std::vector<std::string> watched;
  Server server{Hooks{[this](const nlohmann::json& m) { sent.push_back(m); },
                      [this](AnalysisJob j) { jobs.push_back(std::move(j)); },
                      [this](const std::string& s) { logs.push_back(s); },
                      [this](const std::string& d) { watched.push_back(d); }}};

  // Sends a message and returns what the server sent in answer.
  std::vector<nlohmann::json> send(const nlohmann::json& message) {
    sent.clear();
    server.handle(message);
    return sent;
  }
  nlohmann::json request(int id, const std::string& method,
                         nlohmann::json params = nlohmann::json::object()) {
    auto out = send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return out.size() == 1 ? out[0] : nlohmann::json{{"unexpected_count", out.size()}};
  }
  void notify(const std::string& method, nlohmann::json params = nlohmann::json::object()) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  nlohmann::json initialize(nlohmann::json options = nlohmann::json::object(),
                            std::string root = "/tmp/fa-lsp-ws") {
    nlohmann::json r = request(1, "initialize",
                               {{"processId", nullptr},
                                {"rootUri", "file://" + root},
                                {"capabilities", nlohmann::json::object()},
                                {"initializationOptions", std::move(options)}});
    notify("initialized");
    return r;
  }
};

inline int error_code_of(const nlohmann::json& reply) {
  return reply.contains("error") ? reply.at("error").at("code").get<int>() : 0;
}

}  // namespace fa::lsp::testing
