#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "test_support.hpp"

namespace fa::test {
namespace {

TEST(Diagnostics, FormatMatchesTheDocumentedLayout) {
  Diagnostic d;
  d.code = Code::FA001;
  d.severity = Severity::Error;
  d.message = "frame allocation used outside an active frame";
  d.notes = {"this allocation was requested after end_frame()"};
  d.help = "call begin_frame() first";
  EXPECT_EQ(format_diagnostic(d),
            "[framealloc][FA001] error: frame allocation used outside an active frame\n"
            "  note: this allocation was requested after end_frame()\n"
            "  help: call begin_frame() first\n");
}

TEST(Diagnostics, AllocatorDiagnosticsCarryContextAndCatalogSeverity) {
  Harness h;
  h.alloc.begin_frame();
  h.alloc.begin_frame();  // FA004 is a warning in the catalog
  h.alloc.end_frame();
  auto diags = h.sink->diagnostics();
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, Code::FA004);
  EXPECT_EQ(diags[0].severity, info(Code::FA004).default_severity);
  EXPECT_EQ(diags[0].instance_id, h.alloc.instance_id());
  EXPECT_EQ(diags[0].thread_index, 1u);
  EXPECT_TRUE(diags[0].frame_active);
  EXPECT_EQ(h.alloc.stats().diagnostics_reported, 1u);
  const std::string text = format_diagnostic(diags[0]);
  EXPECT_NE(text.find("[framealloc][FA004] warning: begin_frame()"), std::string::npos);
  EXPECT_NE(text.find("  note: on thread #1, during frame 1"), std::string::npos);
}

TEST(Diagnostics, DefaultSinkWritesToStderr) {
  SmartAlloc alloc(AllocConfig::minimal());
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(alloc.try_frame_alloc<int>(), nullptr);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("[framealloc][FA001] error: frame allocation used outside an active frame"),
            std::string::npos);
  EXPECT_NE(err.find("  help: "), std::string::npos);
}

TEST(StrictModeTest, ParsesTheEnvironmentValues) {
  EXPECT_EQ(parse_strict_mode("warn"), StrictMode::Warn);
  EXPECT_EQ(parse_strict_mode("error"), StrictMode::PanicOnError);
  EXPECT_EQ(parse_strict_mode("warning"), StrictMode::PanicOnWarning);
  EXPECT_EQ(parse_strict_mode("Error"), std::nullopt);
  EXPECT_EQ(parse_strict_mode(""), std::nullopt);
}

TEST(StrictModeTest, PanicOnErrorThrowsAfterReporting) {
  Harness h;
  {
    auto guard = StrictModeGuard::panic_on_error();
    try {
      h.alloc.try_frame_alloc<int>();
      FAIL() << "expected StrictModeError";
    } catch (const StrictModeError& e) {
      EXPECT_EQ(e.diagnostic().code, Code::FA001);
      EXPECT_NE(std::string(e.what()).find("[FA001]"), std::string::npos);
    }
    EXPECT_EQ(h.sink->count(Code::FA001), 1u);  // reported before panicking
    h.alloc.end_frame();                        // FA004 is a warning: no panic
    EXPECT_EQ(h.sink->count(Code::FA004), 1u);
  }
  EXPECT_EQ(strict_mode(), StrictMode::Warn);  // guard restored the mode
  EXPECT_EQ(h.alloc.try_frame_alloc<int>(), nullptr);
}

TEST(StrictModeTest, PanicOnWarningAlsoPanicsOnWarnings) {
  Harness h;
  StrictModeGuard guard(StrictMode::PanicOnWarning);
  EXPECT_THROW(h.alloc.end_frame(), StrictModeError);
}

// Strict mode read from FRAMEALLOC_STRICT happens once per process: check it in a child.
TEST(StrictModeDeathTest, EnvironmentVariableEnablesPanics) {
  EXPECT_EXIT(
      {
        ::setenv("FRAMEALLOC_STRICT", "error", 1);
        SmartAlloc alloc(AllocConfig::minimal());
        try {
          alloc.try_frame_alloc<int>();
        } catch (const StrictModeError&) {
          std::_Exit(42);
        }
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(42), "FA001");
}

TEST(StrictModeDeathTest, BadEnvironmentValueIsExplainedAndIgnored) {
  EXPECT_EXIT(
      {
        ::setenv("FRAMEALLOC_STRICT", "panic", 1);
        std::_Exit(strict_mode() == StrictMode::Warn ? 7 : 1);
      },
      ::testing::ExitedWithCode(7), "FRAMEALLOC_STRICT='panic' is not one of warn, error, warning");
}

}  // namespace
}  // namespace fa::test
