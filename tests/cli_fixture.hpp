#pragma once
// A test that drives the real reelstat CLI against a data directory of its own.
#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"

namespace reelstat::testing {

class CliTest : public ::testing::Test {
 protected:
  // `reelstat ARGS --data-dir DIR/data`; with merge_stderr_, the messages on stderr come too.
  CommandResult reelstat(const std::string& args) {
    return run_reelstat(args + " --data-dir " + shell_quote((dir_ / "data").string()) +
                        (merge_stderr_ ? " 2>&1" : ""));
  }
  // Writes DIR/NAME and returns its path, shell-quoted.
  std::string file(const std::string& name, const std::string& content) {
    write_file(dir_ / name, content);
    return shell_quote((dir_ / name).string());
  }

  TempDir dir_;
  bool merge_stderr_ = false;
};

}  // namespace reelstat::testing
