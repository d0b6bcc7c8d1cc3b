// A real Prometheus (Debian's package) on loopback scraping a real `reelstat serve --store` on a
// real PostgreSQL, and a real node exporter whose textfile collector reads the file `reelstat
// ingest --metrics-file` wrote, laid out as deploy/prometheus/prometheus.yml lays out a fleet. Every
// expression of the alerting rules and of the Grafana dashboard is then asked of it
// (tests/prometheus_queries.py, by Debian's Python, which has python3-yaml): each must run, and
// every series it names must be scraped.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "http_support.hpp"
#include "postgres_server.hpp"
#include "test_support.hpp"

using namespace reelstat::testing;
using Json = nlohmann::json;

namespace {

const std::filesystem::path kSource = REELSTAT_SOURCE_DIR;

// A program of the machine's, started with its output in `dir`, stopped by its PID (SIGTERM, then
// waited for) when the test is done.
class Child {
 public:
  Child(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& dir,
        const std::string& name)
      : log_(dir / (name + ".log")) {
    pid_ = spawn_process(program, args, dir / (name + ".out"), log_);
  }
  ~Child() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::string log() const { return read_file(log_); }

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_;
};

TEST(Prometheus, EveryRuleAndPanelQueryRunsOnSeriesThatAreScraped) {
  TempDir dir;
  PostgresServer postgres;
  const std::string store = postgres.url(postgres.create_test_database("p_"));
  const auto data = dir.path() / "data";
  const auto textfiles = dir.path() / "textfiles";
  std::filesystem::create_directories(textfiles);
  const std::string store_flag =
      " --data-dir " + shell_quote(data.string()) + " --store " + shell_quote(store);
  ASSERT_EQ(run_reelstat("store init" + store_flag).exit_code, 0);
  const auto ingested =
      run_reelstat("ingest " + shell_quote(sample_csv().string()) + store_flag + " --metrics-file " +
                   shell_quote((textfiles / "reelstat_ingest.prom").string()));
  ASSERT_EQ(ingested.exit_code, 0) << ingested.out;
  const std::string key = run_reelstat("keys create --name scraped" + store_flag + " 2>/dev/null").out;

  ServerProcess server(dir.path() / "server", {"--store", store}, dir.path());
  HttpClient client(server.port());
  ASSERT_EQ(client.get("/v1/companies/3/years", {{"X-API-Key", key.substr(0, key.find('\n'))}}).status, 200);
  EXPECT_EQ(client.get("/v1/genres").status, 401);

  const int node_port = free_loopback_port(), prometheus_port = free_loopback_port();
  Child node("/usr/bin/prometheus-node-exporter",
             {"--web.listen-address=127.0.0.1:" + std::to_string(node_port), "--collector.disable-defaults",
              "--collector.textfile", "--collector.textfile.directory=" + textfiles.string()},
             dir.path(), "node-exporter");
  write_file(
      dir.path() / "prometheus.yml",
      "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - " +
          (kSource / "deploy/prometheus/reelstat-alerts.yml").string() +
          "\nscrape_configs:\n  - job_name: reelstat\n    static_configs:\n      - targets: ['127.0.0.1:" +
          std::to_string(server.port()) + "']\n  - job_name: node\n    static_configs:\n" +
          "      - targets: ['127.0.0.1:" + std::to_string(node_port) + "']\n");
  Child prometheus("/usr/bin/prometheus",
                   {"--config.file=" + (dir.path() / "prometheus.yml").string(),
                    "--storage.tsdb.path=" + (dir.path() / "tsdb").string(),
                    "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port)},
                   dir.path(), "prometheus");

  // Both targets up, and a scrape of each stored (30 s at most).
  const std::string base = "http://127.0.0.1:" + std::to_string(prometheus_port);
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto r =
        run_command("curl -sf --max-time 2 " + shell_quote(base + "/api/v1/query?query=count(up==1)"));
    if (r.exit_code != 0) continue;
    const Json answer = Json::parse(r.out, nullptr, false);
    up = !answer.is_discarded() && !answer["data"]["result"].empty() &&
         answer["data"]["result"][0]["value"][1] == "2";
  }
  ASSERT_TRUE(up) << "Prometheus did not scrape both targets:\n" << prometheus.log() << node.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // two more scrapes: rates have points

  const auto checked = run_command(
      "/usr/bin/python3 " + shell_quote((kSource / "tests/prometheus_queries.py").string()) + " " +
      shell_quote(base) + " " + shell_quote((kSource / "deploy/prometheus/reelstat-alerts.yml").string()) +
      " " + shell_quote((kSource / "deploy/grafana/reelstat.json").string()) + " 2>&1");
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
  // The rules loaded into this Prometheus as they are, and the ingest's metrics read through the
  // textfile collector with their figures (the sample: 2,996 records read).
  const auto rules = run_command("curl -sf --max-time 5 " + shell_quote(base + "/api/v1/rules"));
  EXPECT_EQ(Json::parse(rules.out)["data"]["groups"].size(), 2u) << rules.out;
  const auto read = run_command(
      "curl -sf --max-time 5 " +
      shell_quote(base + "/api/v1/query?query=reelstat_ingest_last_run_records%7Boutcome%3D%22read%22%7D"));
  EXPECT_EQ(Json::parse(read.out)["data"]["result"][0]["value"][1], "2996") << read.out;
}

}  // namespace
