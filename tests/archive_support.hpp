#pragma once
// Compressed and archived inputs for the tests, written with zlib and libarchive (not with the code
// under test), and SHA-256 by coreutils.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace reelstat::testing {

// Computed by coreutils, independently of the program under test.
inline std::string sha256sum(const std::filesystem::path& path) {
  FILE* pipe = popen(("sha256sum " + shell_quote(path.string())).c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  char hex[64] = {};
  size_t n = fread(hex, 1, sizeof hex, pipe);
  pclose(pipe);
  return std::string(hex, n);
}

inline void write_gzip(const std::filesystem::path& path, const std::string& content) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, content.data(), static_cast<unsigned>(content.size())),
            static_cast<int>(content.size()));
  gzclose(f);
}

// A zip of (member name, content), in this order; the Kaggle download has several members.
inline void write_zip(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, std::string>>& members) {
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (const auto& [name, data] : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

}  // namespace reelstat::testing
