// JUnit (a testsuite per rule, a testcase per finding, parse failures as <error>) and
// Checkstyle (source="fa-check.<category>.<code>"), both written with tinyxml2.
#include "fa_check/formats.hpp"

#include <tinyxml2.h>
#include <framealloc/diagnostic_codes.hpp>

#include <map>

namespace fa::check {
namespace {

std::string print(tinyxml2::XMLDocument& doc) {
  tinyxml2::XMLPrinter printer;
  doc.Print(&printer);
  return printer.CStr();
}

std::string at(const Location& l, const FormatOptions& o) {
  return relative_path(l.file, o.root) + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
}

}  // namespace

std::string format_junit(const Report& r, const FormatOptions& o) {
  tinyxml2::XMLDocument doc;
  doc.InsertEndChild(doc.NewDeclaration());
  auto* suites = doc.NewElement("testsuites");
  suites->SetAttribute("name", "fa-check");
  suites->SetAttribute("tests", static_cast<int64_t>(r.findings.size() + r.errors.size()));
  suites->SetAttribute("failures", static_cast<int64_t>(r.findings.size()));
  suites->SetAttribute("errors", static_cast<int64_t>(r.errors.size()));
  suites->SetAttribute("time", r.seconds);
  doc.InsertEndChild(suites);
  std::map<std::string, std::vector<const Finding*>> by_rule;
  for (const Finding& f : r.findings) by_rule[f.code].push_back(&f);
  for (const auto& [code, findings] : by_rule) {
    auto* suite = doc.NewElement("testsuite");
    const CodeInfo* info = find_code(code);
    suite->SetAttribute("name", (code + (info ? " " + std::string(info->name) : std::string())).c_str());
    suite->SetAttribute("tests", static_cast<int64_t>(findings.size()));
    suite->SetAttribute("failures", static_cast<int64_t>(findings.size()));
    suite->SetAttribute("errors", 0);
    std::map<std::string, int> used;
    for (const Finding* f : findings) {
      auto* tc = doc.NewElement("testcase");
      std::string name = code + " " + at(f->location, o);
      if (int n = used[name]++; n > 0) name += " #" + std::to_string(n + 1);  // unique names
      tc->SetAttribute("name", name.c_str());
      tc->SetAttribute("classname", ("fa-check." + code).c_str());
      tc->SetAttribute("file", relative_path(f->location.file, o.root).c_str());
      tc->SetAttribute("line", f->location.line);
      auto* failure = doc.NewElement("failure");
      failure->SetAttribute("message", f->message.c_str());
      failure->SetAttribute("type", std::string(to_string(f->severity)).c_str());
      std::string body = at(f->location, o) + ": " + f->message + "\n";
      for (const Note& n : f->notes) body += at(n.location, o) + ": note: " + n.message + "\n";
      if (!f->help.empty()) body += "help: " + f->help + "\n";
      failure->SetText(body.c_str());
      tc->InsertEndChild(failure);
      suite->InsertEndChild(tc);
    }
    suites->InsertEndChild(suite);
  }
  if (!r.errors.empty()) {
    auto* suite = doc.NewElement("testsuite");
    suite->SetAttribute("name", "fa-check parse");
    suite->SetAttribute("tests", static_cast<int64_t>(r.errors.size()));
    suite->SetAttribute("failures", 0);
    suite->SetAttribute("errors", static_cast<int64_t>(r.errors.size()));
    for (const TuError& e : r.errors) {
      auto* tc = doc.NewElement("testcase");
      tc->SetAttribute("name", ("parse " + relative_path(e.file, o.root)).c_str());
      tc->SetAttribute("classname", "fa-check.parse");
      auto* err = doc.NewElement("error");
      err->SetAttribute("message", e.message.substr(0, e.message.find('\n')).c_str());
      err->SetText(e.message.c_str());
      tc->InsertEndChild(err);
      suite->InsertEndChild(tc);
    }
    suites->InsertEndChild(suite);
  }
  return print(doc);
}

std::string format_checkstyle(const Report& r, const FormatOptions& o) {
  tinyxml2::XMLDocument doc;
  doc.InsertEndChild(doc.NewDeclaration());
  auto* root = doc.NewElement("checkstyle");
  root->SetAttribute("version", "4.3");
  doc.InsertEndChild(root);
  std::map<std::string, tinyxml2::XMLElement*> files;
  auto file_element = [&](const std::string& path) {
    auto& el = files[path];
    if (el == nullptr) {
      el = doc.NewElement("file");
      el->SetAttribute("name", path.c_str());
      root->InsertEndChild(el);
    }
    return el;
  };
  for (const Finding& f : r.findings) {
    auto* e = doc.NewElement("error");
    const CodeInfo* info = find_code(f.code);
    e->SetAttribute("line", std::max(1u, f.location.line));
    e->SetAttribute("column", std::max(1u, f.location.column));
    e->SetAttribute("severity",
                    f.severity == Severity::Hint ? "info" : std::string(to_string(f.severity)).c_str());
    e->SetAttribute("message", (f.message + " [" + f.code + "]").c_str());
    e->SetAttribute(
        "source",
        ("fa-check." + (info ? std::string(info->category) : std::string("unknown")) + "." + f.code).c_str());
    file_element(relative_path(f.location.file, o.root))->InsertEndChild(e);
  }
  for (const TuError& te : r.errors) {
    auto* e = doc.NewElement("error");
    e->SetAttribute("line", 1);
    e->SetAttribute("column", 1);
    e->SetAttribute("severity", "error");
    e->SetAttribute("message", te.message.c_str());
    e->SetAttribute("source", "fa-check.tool.parse");
    file_element(relative_path(te.file, o.root))->InsertEndChild(e);
  }
  return print(doc);
}

}  // namespace fa::check
