// The CLI says of itself what the README says of it (and so does the man page, written from
// --help): the commands of `reelstat --help` are the README's CLI table's, each command's --help
// lists the flags the table gives it, and --version names the build.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "test_support.hpp"

using reelstat::testing::read_file;
using reelstat::testing::run_reelstat;

namespace {

// "| `reelstat COMMAND [SUBCOMMAND] ARGS` | ..." rows of the README: each command (its words in
// lower case, "keys create") with the flags its row names.
std::map<std::string, std::set<std::string>> readme_commands() {
  std::map<std::string, std::set<std::string>> commands;
  std::istringstream in(read_file(std::filesystem::path(REELSTAT_SOURCE_DIR) / "README.md"));
  const std::regex row(R"(^\| `reelstat ([a-z]+(?: [a-z]+)*)([^`]*)` \|)"), flag(R"(--[a-z][a-z0-9-]*)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    auto& flags = commands[m[1]];
    const std::string args = m[2];
    for (auto it = std::sregex_iterator(args.begin(), args.end(), flag); it != std::sregex_iterator(); ++it)
      flags.insert(it->str());
  }
  return commands;
}

TEST(CliHelp, TheCommandsAndTheirFlagsAreTheReadmes) {
  const std::string help = run_reelstat("--help").out;
  const size_t at = help.find("Subcommands:");
  ASSERT_NE(at, std::string::npos) << help;
  std::set<std::string> listed;
  std::istringstream in(help.substr(at));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name;
    if (words >> name) listed.insert(name);
  }
  const auto readme = readme_commands();
  std::set<std::string> documented;
  for (const auto& [name, flags] : readme)
    documented.insert(name.substr(0, name.find(' ')));
  EXPECT_EQ(listed, documented);
  for (const auto& [name, flags] : readme) {
    const std::string own = run_reelstat(name + " --help 2>&1").out;
    for (const std::string& f : flags) {
      EXPECT_NE(own.find(f), std::string::npos) << "reelstat " << name << " --help lacks " << f;
    }
  }
}

TEST(CliHelp, VersionNamesTheBuild) {
  EXPECT_TRUE(std::regex_match(run_reelstat("--version").out,
                               std::regex(R"(reelstat \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown)\)\n)")))
      << run_reelstat("--version").out;
}

}  // namespace
