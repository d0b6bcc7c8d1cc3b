// The reproductions of the "untrusted input" issue, through the real CLI: each was a wrong number,
// a hang or a silent substitution before it was fixed.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "archive_support.hpp"
#include "cli_fixture.hpp"
#include "common/utc_time.hpp"
#include "csv/record_reader.hpp"
#include "ingest/input_file.hpp"
#include "ingest/raw_input.hpp"
#include "store/key_store.hpp"
#include "store/local/sqlite_key_store.hpp"
#include "test_support.hpp"

namespace reelstat {
namespace {

using Json = nlohmann::json;
using reelstat::testing::CommandResult;
using reelstat::testing::kHeader;
using reelstat::testing::record;
using reelstat::testing::Row;
using reelstat::testing::run_reelstat;
using reelstat::testing::sha256sum;
using reelstat::testing::shell_quote;
using reelstat::testing::TempDir;
using reelstat::testing::write_gzip;
using reelstat::testing::write_zip;

class HostileInput : public reelstat::testing::CliTest {
 protected:
  HostileInput() { merge_stderr_ = true; }
  Json ingest_json(const std::string& path_arg, int expected_exit = 0) {
    CommandResult r = reelstat("ingest --json " + path_arg);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out;
    return Json::parse(r.out.substr(r.out.find('{')));
  }
};

// The header and the first `count` records of the real sample, byte for byte.
std::string sample_head(size_t count) {
  auto source = ingest::open_input(reelstat::testing::sample_csv());
  csv::RecordReader reader(*source);
  csv::RawRecord r;
  if (!reader.read_header(r)) return {};
  std::string out = std::string(r.text) + "\n";
  for (size_t i = 0; i < count && reader.next(r); ++i)
    out += std::string(r.text) + "\n";
  return out;
}

TEST_F(HostileInput, AMovieInsideAQuotedOverviewOfABadRecordIsNeverLoaded) {
  // The middle line of the overview is a complete, valid movie row without quotes; the record
  // itself has one field too many.
  const std::string phantom =
      "False,,100,,,999999,tt9999999,en,Phantom,An overview,1.5,/p.jpg,,,2000-01-01,300,90.0,,Released,,"
      "Phantom,False,7.0,10";
  const std::string bad =
      "False,,5,\"[]\",,424242,tt1,en,Carrier,\"line one\n" + phantom +
      "\nline three\",1.0,/c.jpg,\"[]\",\"[]\",2001-02-03,7,90.0,\"[]\",Released,,Carrier,"
      "False,7.0,10,extra\n";
  const std::string head = sample_head(100);
  const auto first_bad_line = static_cast<size_t>(std::count(head.begin(), head.end(), '\n')) + 1;
  Json report = ingest_json(file("phantom.csv", head + bad));
  EXPECT_EQ(report["records"]["read"], 101);
  EXPECT_EQ(report["records"]["loaded"], 100);
  EXPECT_EQ(report["records"]["rejected"], 1);
  EXPECT_EQ(report["rejected_by_reason"]["field_count"], 1);
  EXPECT_EQ(report["snapshot"]["movies"], 100);
  EXPECT_EQ(reelstat("query /v1/companies/999999/years").exit_code, 1);
  const std::string rejects = reelstat::testing::read_file(dir_ / "data" / "runs" / "000001" / "rejects.csv");
  const std::string reject_line = fmt::format("\n{},field_count,", first_bad_line);
  EXPECT_NE(rejects.find(reject_line), std::string::npos) << rejects;
  EXPECT_NE(rejects.find("line three"), std::string::npos) << "the whole record is in the rejects file";
}

// 1,100 movies at popularity 9e9 in one genre-year: 9.9e18 millionths, past 64 bits. The sum used
// to wrap around into an average of -7.8e9; now the run fails by name and publishes nothing.
TEST_F(HostileInput, PopularityThatWouldOverflowFailsTheRunByName) {
  std::string input = kHeader;
  for (int i = 1; i <= 1100; ++i)
    input += record(Row{.id = std::to_string(i), .popularity = "9000000000"});
  CommandResult r = reelstat("ingest " + file("popular.csv", input));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("overflow: the total popularity of"), std::string::npos) << r.out;
  EXPECT_EQ(reelstat("query /v1/dataset").exit_code, 3) << "nothing was published";
}

std::string sample_text() {
  return reelstat::testing::read_file(reelstat::testing::sample_csv());
}

// A FIFO used to block for ever in a second open() for the hash, holding the writer lock.
TEST_F(HostileInput, AFifoIsReadOnceAsAStream) {
  const auto fifo = dir_ / "movies.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The writer gives up by itself if the ingest never opens the FIFO.
  const std::string writer = "timeout 60 sh -c " +
                             shell_quote("cat " + shell_quote(reelstat::testing::sample_csv().string()) +
                                         " > " + shell_quote(fifo.string())) +
                             " &";
  ASSERT_EQ(std::system(writer.c_str()), 0);
  Json report = ingest_json(shell_quote(fifo.string()));
  EXPECT_EQ(report["records"]["loaded"], 2995);
  EXPECT_EQ(report["sha256"], sha256sum(reelstat::testing::sample_csv()));
  // The lock is free again: the next ingest runs (and finds the same content already published).
  EXPECT_EQ(reelstat("ingest " + shell_quote(reelstat::testing::sample_csv().string())).exit_code, 0);
}

TEST_F(HostileInput, StandardInputIsAnInputPlainOrCompressed) {
  write_gzip(dir_ / "sample.csv.gz", sample_text());
  Json report = ingest_json("- < " + shell_quote((dir_ / "sample.csv.gz").string()));
  EXPECT_EQ(report["input_kind"], "compressed");
  EXPECT_EQ(report["records"]["loaded"], 2995);
  EXPECT_EQ(report["sha256"], sha256sum(dir_ / "sample.csv.gz"));
  Json plain = ingest_json("- < " + shell_quote(reelstat::testing::sample_csv().string()));
  EXPECT_EQ(plain["outcome"], "published");
  EXPECT_EQ(plain["sha256"], sha256sum(reelstat::testing::sample_csv()));
  Json runs = Json::parse(reelstat("runs --json").out);
  EXPECT_EQ(runs[1]["file"], "-");
}

TEST_F(HostileInput, ADirectoryIsNamedAsOne) {
  std::filesystem::create_directory(dir_ / "adir");
  CommandResult r = reelstat("ingest " + shell_quote((dir_ / "adir").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("is a directory"), std::string::npos) << r.out;
}

// Two movies_metadata.csv in one zip used to ingest the first silently, replacing a 2,995-movie
// snapshot with a 10-movie one.
TEST_F(HostileInput, AZipWithTwoDataFilesIsRefusedByName) {
  ASSERT_EQ(reelstat("ingest " + shell_quote(reelstat::testing::sample_csv().string())).exit_code, 0);
  std::string small = kHeader;
  for (int i = 1; i <= 10; ++i)
    small += record(Row{.id = std::to_string(i)});
  write_zip(dir_ / "two.zip",
            {{"old/movies_metadata.csv", small}, {"new/movies_metadata.csv", sample_text()}});
  CommandResult r = reelstat("ingest " + shell_quote((dir_ / "two.zip").string()));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("old/movies_metadata.csv, new/movies_metadata.csv"), std::string::npos) << r.out;
  EXPECT_EQ(Json::parse(reelstat("query /v1/dataset").out)["movies"], 2995) << "the snapshot stands";
}

// Zips written by Python's zipfile (tests/fixtures/zip_cases.py), and what zipfile itself reads
// from each: reelstat must read what every other tool reads, or refuse the archive.
class ZipCases : public HostileInput {
 protected:
  void SetUp() override {
    const auto r = reelstat::testing::run_command(
        "python3 " + shell_quote(std::string(REELSTAT_SOURCE_DIR) + "/tests/fixtures/zip_cases.py") + " " +
        shell_quote(reelstat::testing::sample_csv().string()) + " " + shell_quote((dir_ / "zips").string()));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    python_ = Json::parse(r.out);
  }
  std::string zip(const std::string& name) { return shell_quote((dir_ / "zips" / (name + ".zip")).string()); }
  Json python_;
};

TEST_F(ZipCases, WellFormedZipsFromAFileOrAPipeGiveTheSample) {
  const auto sample_bytes = std::filesystem::file_size(reelstat::testing::sample_csv());
  for (const char* name : {"deflated", "stored", "zip64", "streamed", "streamed64"}) {
    ASSERT_EQ(python_[name]["member_bytes"], sample_bytes) << name;
    EXPECT_EQ(ingest_json("--force " + zip(name))["snapshot"]["movies"], 2995) << name;
    EXPECT_EQ(ingest_json("--force - < " + zip(name))["snapshot"]["movies"], 2995) << name << " on a pipe";
  }
}

// Issue 18.2: `cat hidden.zip shown.zip`: Python's zipfile (and unzip) read the one-movie member its
// central directory lists; reading local headers forward met the whole sample first and published it.
TEST_F(ZipCases, ArchivesWhoseTwoDescriptionsDifferAreRefused) {
  ASSERT_EQ(python_["concatenated"]["member_bytes"], sample_head(1).size()) << "zipfile sees one movie";
  ASSERT_EQ(python_["unlisted"]["member_bytes"], nullptr) << "zipfile sees no movies_metadata.csv";
  ASSERT_EQ(python_["renamed"]["member_bytes"], nullptr);
  ASSERT_EQ(reelstat("ingest " + file("one.csv", sample_head(1))).exit_code, 0);
  const std::map<std::string, std::string> why = {
      {"concatenated", "more bytes follow the end of the zip archive"},
      {"unlisted", "old/movies_metadata.csv at offset 0 is not listed by the archive's central directory"},
      {"renamed", "differ in name"}};
  for (const auto& [name, message] : why) {
    for (const std::string& how : {zip(name), "- < " + zip(name)}) {
      CommandResult r = reelstat("ingest " + how);
      EXPECT_EQ(r.exit_code, 1) << how << ": " << r.out;
      EXPECT_NE(r.out.find(message), std::string::npos) << how << ": " << r.out;
      EXPECT_EQ(Json::parse(reelstat("query /v1/dataset").out)["movies"], 1)
          << how << ": the snapshot stands";
    }
  }
}

// Issue 18.5: `--rate nan` made an unlimited key on PostgreSQL and a raw constraint error here;
// `--rate 1e-300` sent RateLimit-Reset: -9223372036854775808. Limits are checked where a key is made.
TEST_F(HostileInput, KeyLimitsAreFiniteAndPositiveWithAClearMessage) {
  for (const char* rate : {"nan", "inf", "-1", "0", "1e-300", "0.0005", "2e6"}) {
    CommandResult r = reelstat(std::string("keys create --name k --rate ") + rate);
    EXPECT_EQ(r.exit_code, 1) << rate << ": " << r.out;
    EXPECT_NE(r.out.find("a key's rate is a number of requests per second from 0.001 to 1000000"),
              std::string::npos)
        << rate << ": " << r.out;
  }
  for (const char* burst : {"0", "-5", "1000000001"}) {
    CommandResult r = reelstat(std::string("keys create --name k --burst ") + burst);
    EXPECT_EQ(r.exit_code, 1) << burst << ": " << r.out;
    EXPECT_NE(r.out.find("a key's burst is a whole number from 1 to 1000000000"), std::string::npos) << r.out;
  }
  EXPECT_EQ(reelstat("keys create --name k --rate 0.001 --burst 1").exit_code, 0);
  EXPECT_NE(reelstat("keys list").out.find("0.001"), std::string::npos);
}

// Issue 18.16: a server whose clock ran ten years ahead left "last used 2036" in `keys list` for
// good. A reported time is never kept later than the recording store's own clock.
TEST_F(HostileInput, AKeyUseFromTheFutureIsKeptAtNow) {
  const auto keys = store::local::open_sqlite_key_store(dir_ / "keys.sqlite");
  keys->create("ahead", 50, 100);
  const auto hash = keys->active().at(0).hash;
  keys->record_use({{hash, 3, "2036-06-01T00:00:00Z"}});
  const std::string after = reelstat::utc_now();
  const auto listed = keys->list().at(0);
  EXPECT_EQ(listed.requests, 3);
  EXPECT_LE(listed.last_used_at, after) << "kept at the recording clock";
  EXPECT_GE(listed.last_used_at, "2026-01-01T00:00:00Z");
}

// Issue 18.16: a CR-only or UTF-16 file was reported as a header that lacks columns.
TEST_F(HostileInput, CrOnlyAndUtf16FilesAreNamedAsSuch) {
  std::string cr_only = sample_head(3);
  std::replace(cr_only.begin(), cr_only.end(), '\n', '\r');
  CommandResult cr = reelstat("ingest " + file("cr.csv", cr_only));
  EXPECT_EQ(cr.exit_code, 1);
  EXPECT_NE(cr.out.find("lines end in CR alone"), std::string::npos) << cr.out;
  std::string utf16 = "\xFF\xFE";
  for (char c : sample_head(3))
    utf16 += std::string(1, c) + '\0';
  CommandResult wide = reelstat("ingest " + file("u16.csv", utf16));
  EXPECT_EQ(wide.exit_code, 1);
  EXPECT_NE(wide.out.find("the file is UTF-16"), std::string::npos) << wide.out;
  EXPECT_EQ(
      reelstat("ingest " + file("crlf.csv", kHeader.substr(0, kHeader.size() - 1) + "\r\n" +
                                                record(Row{}).substr(0, record(Row{}).size() - 1) + "\r\n"))
          .exit_code,
      0)
      << "CRLF is read";
}

TEST_F(HostileInput, EmptyZipAndTruncatedGzipSayWhatIsWrong) {
  write_zip(dir_ / "empty.zip", {});
  CommandResult empty = reelstat("ingest " + shell_quote((dir_ / "empty.zip").string()));
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.out.find("the zip archive is empty"), std::string::npos) << empty.out;

  write_gzip(dir_ / "whole.csv.gz", sample_text());
  const std::string gz = reelstat::testing::read_file(dir_ / "whole.csv.gz");
  reelstat::testing::write_file(dir_ / "cut.csv.gz", gz.substr(0, gz.size() / 2));
  CommandResult cut = reelstat("ingest " + shell_quote((dir_ / "cut.csv.gz").string()));
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_NE(cut.out.find("truncated"), std::string::npos) << cut.out;
}

std::string bad_rows(int count) {
  std::string input = kHeader + record(Row{.id = "1"});
  for (int i = 0; i < count; ++i)
    input += record(Row{.id = "2", .budget = "lots"});
  return input;
}

// A 20 KB gzip of repeated bad rows used to write a 76 MB rejects file, and more would fill the
// disk: the file is capped, and the report says how many rejects it could not hold.
TEST_F(HostileInput, TheRejectsFileIsCappedAndTheReportSaysWhatWasLeftOut) {
  Json report = ingest_json("--max-reject-rate 1 --rejects-limit 20000 " + file("bad.csv", bad_rows(1000)));
  EXPECT_EQ(report["records"]["read"], 1001);
  EXPECT_EQ(report["records"]["rejected"], 1000);
  const auto rejects = dir_ / "data" / "runs" / "000001" / "rejects.csv";
  EXPECT_LE(std::filesystem::file_size(rejects), 20000u);
  const std::string text = reelstat::testing::read_file(rejects);
  const auto written = static_cast<int64_t>(std::count(text.begin(), text.end(), '\n')) - 1;  // the header
  EXPECT_GT(written, 10);
  EXPECT_EQ(report["rejects_not_written"].get<int64_t>(), 1000 - written);
}

// A full disk (here: the file-size limit, which fails writes the same way) while writing rejects:
// the run fails naming the file, leaves nothing half-written, the current snapshot stands, and the
// next run works.
TEST_F(HostileInput, AWriteErrorFailsTheRunCleanlyAndTheNextRunWorks) {
  ASSERT_EQ(reelstat("ingest " + file("good.csv", kHeader + record(Row{.id = "7"}))).exit_code, 0);
  const std::string data = shell_quote((dir_ / "data").string());
  const std::string limited =
      "sh -c " +
      shell_quote("trap '' XFSZ; ulimit -f 64; exec " + std::string(REELSTAT_BINARY) + " ingest --data-dir " +
                  data + " --no-gate --max-reject-rate 1 " + file("bad.csv", bad_rows(3000))) +
      " 2>&1";
  const auto [exit_code, out] = reelstat::testing::run_command(limited);
  EXPECT_EQ(exit_code, 1) << out;
  EXPECT_NE(out.find("cannot write " + (dir_ / "data" / "runs" / "000002" / "rejects.csv").string()),
            std::string::npos)
      << out;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data" / "runs" / "000002" / "rejects.csv"));
  EXPECT_EQ(Json::parse(reelstat("query /v1/dataset").out)["run_id"], 1);
  Json runs = Json::parse(reelstat("runs --json").out);
  EXPECT_EQ(runs[1]["outcome"], "failed");
  Json again = ingest_json("--no-gate --max-reject-rate 1 " + file("bad2.csv", bad_rows(3000)));
  EXPECT_EQ(again["outcome"], "published");
}

// Once CURRENT names a run, a later step that fails (here report.json cannot be replaced) must not
// record the run as failed: it is the current snapshot.
TEST_F(HostileInput, AFailureAfterPublishingNeverRecordsThePublishedRunAsFailed) {
  std::filesystem::create_directories(dir_ / "data" / "runs" / "000001" / "report.json" / "in-the-way");
  CommandResult r = reelstat("ingest " + file("good.csv", kHeader + record(Row{})));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("a step after publishing failed"), std::string::npos) << r.out;
  Json runs = Json::parse(reelstat("runs --json").out);
  EXPECT_EQ(runs[0]["outcome"], "published");
  EXPECT_EQ(runs[0]["current"], true);
}

// `runs` used to take the writer lock for a moment, which made 1 ingest in 20 beside it fail.
TEST_F(HostileInput, ReadOnlyCommandsNeverMakeAnIngestFail) {
  const std::string data = shell_quote((dir_ / "data").string());
  const std::string binary = shell_quote(REELSTAT_BINARY);
  ASSERT_EQ(reelstat("ingest " + file("good.csv", kHeader + record(Row{}))).exit_code, 0);
  // Readers in a bounded loop, beside twenty ingests.
  const std::string readers =
      "timeout 120 sh -c " +
      shell_quote("for i in $(seq 400); do [ -d " + data + " ] || exit 0; " + binary + " runs --data-dir " +
                  data + " >/dev/null 2>&1; " + binary + " query /v1/dataset --data-dir " + data +
                  " >/dev/null 2>&1; done") +
      " &";
  ASSERT_EQ(std::system(readers.c_str()), 0);
  for (int i = 0; i < 20; ++i) {
    CommandResult r = reelstat("ingest --force " + file("good.csv", kHeader + record(Row{})));
    EXPECT_EQ(r.exit_code, 0) << "ingest " << i << ": " << r.out;
  }
}

// A file still being copied: what was read is not the whole file, whatever the parse thought.
TEST(RawInput, AFileThatChangesWhileItIsReadIsRefused) {
  TempDir dir;
  reelstat::testing::write_file(dir / "growing.csv", std::string(100000, 'x'));
  ingest::RawInput input(dir / "growing.csv");
  char buffer[4096];
  ASSERT_EQ(input.read(buffer, sizeof buffer), sizeof buffer);
  {
    std::ofstream more(dir / "growing.csv", std::ios::app);
    more << "the rest of the copy\n";
  }
  try {
    input.finish();
    FAIL() << "the change went unnoticed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("changed while it was read"), std::string::npos) << e.what();
  }
}

TEST(RawInput, AnUnchangedFileHashesLikeCoreutils) {
  TempDir dir;
  reelstat::testing::write_file(dir / "same.csv", std::string(300000, 'y'));
  ingest::RawInput input(dir / "same.csv");
  char buffer[100];
  ASSERT_EQ(input.peek(6), "yyyyyy");
  ASSERT_EQ(input.read(buffer, sizeof buffer), 6u) << "the peeked bytes come first";
  EXPECT_EQ(input.finish(), sha256sum(dir / "same.csv"));
}

}  // namespace
}  // namespace reelstat
