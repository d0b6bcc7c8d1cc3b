// What API clients are told of an input (/v1/dataset, /v1/runs): never the server's directories nor
// a URL's credentials or signed query.
#include "common/public_source.hpp"

#include <gtest/gtest.h>

namespace reelstat {
namespace {

TEST(PublicSource, FilesByNameUrlsWithoutSecrets) {
  EXPECT_EQ(public_source("/var/lib/reelstat/in/movies_metadata.csv"), "movies_metadata.csv");
  EXPECT_EQ(public_source("movies.csv.gz"), "movies.csv.gz");
  EXPECT_EQ(public_source("-"), "-");
  EXPECT_EQ(public_source("https://example.org/data/movies.zip"), "https://example.org/data/movies.zip");
  EXPECT_EQ(public_source("https://user:s3cret@example.org/m.csv"), "https://example.org/m.csv");
  EXPECT_EQ(public_source("https://bucket.example/m.csv?X-Amz-Signature=abc&X-Amz-Credential=k"),
            "https://bucket.example/m.csv");
  EXPECT_EQ(public_source("http://u@h:8080/m.csv#part"), "http://h:8080/m.csv");
  EXPECT_EQ(public_source("http://h/a@b.csv"), "http://h/a@b.csv") << "an @ in the path is not userinfo";
}

}  // namespace
}  // namespace reelstat
