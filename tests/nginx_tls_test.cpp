// TLS at the balancer (README, "Running several servers"): nginx configured by deploy/nginx's own
// reelstat.conf and reelstat-listen-tls.conf, with a certificate openssl makes for the test, in
// front of a real `reelstat serve`. curl, trusting only that certificate, gets the same answer as
// the server gives directly, with HSTS; TLS 1.1 and plain HTTP are refused.
#include <gtest/gtest.h>

#include "http_support.hpp"
#include "nginx_balancer.hpp"
#include "test_support.hpp"

using namespace reelstat::testing;

namespace {

TEST(NginxTls, TheTlsServerBlockServesTheApiWithModernProtocolsAndHsts) {
  TempDir dir;
  const auto cert = dir.path() / "cert.pem", key = dir.path() / "key.pem";
  const auto made = run_command(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      shell_quote(key.string()) + " -out " + shell_quote(cert.string()) + " 2>&1");
  ASSERT_EQ(made.exit_code, 0) << made.out;
  ASSERT_EQ(run_reelstat("ingest " + shell_quote(sample_csv().string()) + " --data-dir " +
                         shell_quote((dir.path() / "data").string()))
                .exit_code,
            0);
  ServerProcess server(dir.path() / "data", {"--no-auth"}, dir.path());
  NginxBalancer nginx({server.port()}, NginxBalancer::Tls{cert, key});
  const std::string https = "https://127.0.0.1:" + std::to_string(nginx.port());
  const std::string curl = "curl -sS --max-time 10 --cacert " + shell_quote(cert.string()) + " ";

  const auto direct = run_command("curl -sS --max-time 10 http://127.0.0.1:" + std::to_string(server.port()) +
                                  "/v1/companies/3/years");
  const auto through = run_command(curl + shell_quote(https + "/v1/companies/3/years"));
  ASSERT_EQ(through.exit_code, 0) << through.out << nginx.error_log();
  EXPECT_EQ(through.out, direct.out);
  EXPECT_NE(through.out.find("Pixar Animation Studios"), std::string::npos);

  const auto head =
      run_command(curl + "-D - -o /dev/null --http2 " + shell_quote(https + "/v1/nothing-here"));
  EXPECT_NE(head.out.find("HTTP/2 404"), std::string::npos) << head.out;
  EXPECT_NE(head.out.find("strict-transport-security: max-age=63072000"), std::string::npos)
      << "HSTS on every answer, errors too:\n"
      << head.out;
  const auto tls13 =
      run_command(curl + "--tlsv1.3 -o /dev/null -w '%{http_code}' " + shell_quote(https + "/healthz"));
  EXPECT_EQ(tls13.out, "200");
  const auto old =
      run_command(curl + "--tlsv1.1 --tls-max 1.1 -o /dev/null " + shell_quote(https + "/healthz") + " 2>&1");
  EXPECT_NE(old.exit_code, 0) << "TLS 1.1 is refused: " << old.out;
  const auto plain =
      run_command("curl -sS --max-time 10 -o /dev/null -w '%{http_code}' " +
                  shell_quote("http://127.0.0.1:" + std::to_string(nginx.port()) + "/healthz"));
  EXPECT_EQ(plain.out, "400") << "plain HTTP on the TLS port is refused";
}

}  // namespace
