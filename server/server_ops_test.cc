// The operators' pieces of the server: the Date header's format, API paths the web app never
// answers, route templates in matches, the Prometheus text of the HTTP metrics.
#include <gtest/gtest.h>

#include "server/http_date.h"
#include "server/http_metrics.h"
#include "server/router.h"

namespace tansiq::server {
namespace {

TEST(HttpDate, IsImfFixdateInGmt) {
  // 1994-11-06T08:49:37Z, RFC 9110's example.
  EXPECT_EQ(HttpDate(784111777LL * 1'000'000), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(HttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(HttpDate(1'796'000'000LL * 1'000'000 + 999'999), "Mon, 30 Nov 2026 00:53:20 GMT");
}

TEST(Router, ApiPathsNeverFallBackToTheWebApp) {
  Router router;
  router.SetFallback([](Call&) -> boost::asio::awaitable<Response> { co_return Response{}; });
  router.Add(http::verb::get, "/taxii2/{}/collections/{}/objects",
             [](Call&) -> boost::asio::awaitable<Response> { co_return Response{}; });
  std::vector<std::string> captures;
  for (std::string_view path : {"/api/v1/nope", "/api", "/taxii2/x", "/readyz/x", "/health",
                                "/version", "/metrics/", "/livez"}) {
    auto m = router.Find(http::verb::get, path, &captures);
    EXPECT_EQ(m.handler, nullptr) << path;
    EXPECT_TRUE(m.route.empty()) << path;
  }
  for (std::string_view path : {"/", "/inbox", "/apix", "/assets/app.js", "/versions"}) {
    auto m = router.Find(http::verb::get, path, &captures);
    EXPECT_NE(m.handler, nullptr) << path;
    EXPECT_EQ(m.route, "static") << path;
  }
  auto m = router.Find(http::verb::get, "/taxii2/hub/collections/c1/objects/", &captures);
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.route, "/taxii2/{}/collections/{}/objects");
  EXPECT_EQ(captures, (std::vector<std::string>{"hub", "c1"}));
}

TEST(HttpMetrics, CountsAndCumulativeBucketsByRouteAndStatus) {
  HttpMetrics metrics;
  metrics.Observe("GET", "/taxii2/", 200, 0.002, 10);
  metrics.Observe("GET", "/taxii2/", 200, 0.2, 5);
  metrics.Observe("GET", "/taxii2/", 401, 0.0001, 1);
  const std::string text = metrics.Prometheus();
  EXPECT_NE(text.find("tansiq_http_requests_total{method=\"GET\",route=\"/taxii2/\",status=\"200\"}"
                      " 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tansiq_http_response_bytes_total{method=\"GET\",route=\"/taxii2/\","
                      "status=\"200\"} 15\n"),
            std::string::npos);
  EXPECT_NE(text.find("tansiq_http_request_duration_seconds_bucket{method=\"GET\",route=\"/"
                      "taxii2/\",status=\"200\",le=\"0.0025\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tansiq_http_request_duration_seconds_bucket{method=\"GET\",route=\"/"
                      "taxii2/\",status=\"200\",le=\"+Inf\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("tansiq_http_request_duration_seconds_count{method=\"GET\",route=\"/"
                      "taxii2/\",status=\"401\"} 1\n"),
            std::string::npos);
}

TEST(HttpMetrics, LabelValuesAreEscaped) {
  EXPECT_EQ(PrometheusLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace tansiq::server
