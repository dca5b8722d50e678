// Webhook allow-list matching (with its traps), the signature (RFC 4231 test vectors) and
// the retry back-off.
#include "dissem/webhook.h"

#include <gtest/gtest.h>

#include <sodium.h>

namespace tansiq::dissem {
namespace {

WebhookAllowList List(std::vector<std::string> entries) {
  auto l = WebhookAllowList::Parse(entries);
  EXPECT_TRUE(l.ok()) << l.status().message();
  return l.ok() ? std::move(*l) : WebhookAllowList();
}

bool Allowed(const WebhookAllowList& l, std::string_view url) { return l.Check(url).ok(); }

TEST(WebhookSignature, Rfc4231TestCase1) {
  ASSERT_GE(sodium_init(), 0);
  const std::string key(20, '\x0b');
  EXPECT_EQ(HmacSha256Hex(key, "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(WebhookSignature, Rfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignature, Rfc4231TestCase6LongKey) {
  // A key longer than the block size is hashed first.
  const std::string key(131, '\xaa');
  EXPECT_EQ(HmacSha256Hex(key, "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(WebhookSignature, CoversTimestampAndBody) {
  const std::string secret(32, 's');
  const std::string sig = WebhookSignature(secret, "1700000000", "{\"a\":1}");
  EXPECT_EQ(sig, "sha256=" + HmacSha256Hex(secret, "1700000000.{\"a\":1}"));
  EXPECT_NE(sig, WebhookSignature(secret, "1700000001", "{\"a\":1}"));
  EXPECT_NE(sig, WebhookSignature(secret, "1700000000", "{\"a\":2}"));
  EXPECT_NE(sig, WebhookSignature(std::string(32, 't'), "1700000000", "{\"a\":1}"));
}

TEST(WebhookAllowList, PrefixOfSchemeHostPortAndPath) {
  auto l = List({"https://hooks.nation-a.example/", "http://127.0.0.1:18080/"});
  EXPECT_TRUE(Allowed(l, "https://hooks.nation-a.example/tansiq"));
  EXPECT_TRUE(Allowed(l, "https://hooks.nation-a.example/a/b?x=1"));
  EXPECT_TRUE(Allowed(l, "http://127.0.0.1:18080/hook"));
  EXPECT_FALSE(Allowed(l, "http://hooks.nation-a.example/tansiq"));  // scheme
  EXPECT_FALSE(Allowed(l, "https://hooks.nation-b.example/"));       // host
  EXPECT_FALSE(Allowed(l, "https://evil.example/hooks.nation-a.example/"));
  EXPECT_FALSE(Allowed(l, "https://hooks.nation-a.example.evil.com/"));  // suffix trap
  EXPECT_FALSE(Allowed(l, "http://127.0.0.1:18081/hook"));               // port
  EXPECT_FALSE(Allowed(l, "http://127.0.0.1/hook"));                     // default port 80
  EXPECT_FALSE(Allowed(l, "ftp://127.0.0.1:18080/"));
  EXPECT_FALSE(Allowed(l, "/relative"));
}

TEST(WebhookAllowList, PortTrapIsNoUrl) {
  auto l = List({"http://127.0.0.1:18080/"});
  auto r = l.Check("http://127.0.0.1:18080.evil.com/");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(Allowed(l, "http://127.0.0.1:18080.evil.com:18080/"));
}

TEST(WebhookAllowList, UserinfoRefused) {
  auto l = List({"http://127.0.0.1:18080/"});
  EXPECT_FALSE(Allowed(l, "http://127.0.0.1:18080@evil.com/"));
  EXPECT_FALSE(Allowed(l, "http://user:pw@127.0.0.1:18080/"));
  EXPECT_FALSE(Allowed(l, "http://evil.com@127.0.0.1:18080/"));
  EXPECT_EQ(l.Check("http://evil.com@127.0.0.1:18080/").status().code(), ErrorCode::kUnprocessable);
  EXPECT_FALSE(Allowed(l, "http://127.0.0.1:18080/#frag"));
}

TEST(WebhookAllowList, UpperCaseHostAndSchemeNormalised) {
  auto l = List({"https://hooks.nation-a.example/"});
  EXPECT_TRUE(Allowed(l, "HTTPS://HOOKS.Nation-A.Example/x"));
  auto u = ParseWebhookUrl("HTTPS://HOOKS.Nation-A.Example/x");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->normalized, "https://hooks.nation-a.example/x");
  auto upper = List({"https://HOOKS.NATION-A.EXAMPLE/"});
  EXPECT_TRUE(Allowed(upper, "https://hooks.nation-a.example/x"));
}

TEST(WebhookAllowList, DefaultPortEqualsExplicit) {
  auto l = List({"https://hooks.nation-a.example/"});
  EXPECT_TRUE(Allowed(l, "https://hooks.nation-a.example:443/x"));
  EXPECT_EQ(ParseWebhookUrl("https://hooks.nation-a.example:443/x")->normalized,
            "https://hooks.nation-a.example/x");
  EXPECT_EQ(ParseWebhookUrl("http://127.0.0.1:18080/x")->normalized, "http://127.0.0.1:18080/x");
  EXPECT_FALSE(Allowed(l, "https://hooks.nation-a.example:8443/x"));
  auto explicit_port = List({"http://hooks.example:80/"});
  EXPECT_TRUE(Allowed(explicit_port, "http://hooks.example/x"));
}

TEST(WebhookAllowList, PathTraversalResolvedBeforeMatching) {
  auto l = List({"https://hooks.example/tansiq/"});
  EXPECT_TRUE(Allowed(l, "https://hooks.example/tansiq/a"));
  EXPECT_FALSE(Allowed(l, "https://hooks.example/tansiq/../admin"));
  EXPECT_FALSE(Allowed(l, "https://hooks.example/tansiq/%2e%2e/admin"));
  EXPECT_FALSE(Allowed(l, "https://hooks.example/tansiq/%2E%2E/admin"));
  EXPECT_FALSE(Allowed(l, "https://hooks.example/tansiq/./../admin"));
  EXPECT_FALSE(Allowed(l, "https://hooks.example/admin"));
  // Resolved inside the prefix: allowed, and what is posted to is the resolved path.
  auto u = l.Check("https://hooks.example/tansiq/a/../b");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->path, "/tansiq/b");
}

TEST(WebhookAllowList, PrefixEndsAtSegmentBoundary) {
  auto l = List({"https://hooks.example/tansiq"});
  EXPECT_TRUE(Allowed(l, "https://hooks.example/tansiq"));
  EXPECT_TRUE(Allowed(l, "https://hooks.example/tansiq/x"));
  EXPECT_FALSE(Allowed(l, "https://hooks.example/tansiqevil"));
}

TEST(WebhookAllowList, EmptyListDisablesWebhooks) {
  WebhookAllowList l;
  auto r = l.Check("http://127.0.0.1:18080/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnprocessable);
  EXPECT_NE(r.status().message().find("disabled"), std::string::npos);
}

TEST(WebhookAllowList, BadEntriesRefused) {
  EXPECT_FALSE(WebhookAllowList::Parse({"not a url"}).ok());
  EXPECT_FALSE(WebhookAllowList::Parse({"http://u@h/"}).ok());
  EXPECT_FALSE(WebhookAllowList::Parse({"http://h/?q=1"}).ok());
  EXPECT_FALSE(WebhookAllowList::Parse({"gopher://h/"}).ok());
}

TEST(WebhookAddress, NeverLinkLocalUnspecifiedMulticastOrBroadcast) {
  using boost::asio::ip::make_address;
  for (const char* a : {"169.254.169.254", "169.254.0.1", "0.0.0.0", "0.1.2.3", "224.0.0.1",
                        "255.255.255.255", "::", "fe80::1", "ff02::1", "::ffff:169.254.169.254"}) {
    EXPECT_FALSE(WebhookAddressAllowed(make_address(a), "hooks.example")) << a;
    EXPECT_FALSE(WebhookAddressAllowed(make_address(a), a)) << a << " named literally";
  }
}

TEST(WebhookAddress, LoopbackOnlyWhenTheHostNamesIt) {
  using boost::asio::ip::make_address;
  // An allowed name that resolves to the hub's own machine (DNS rebinding) is refused.
  EXPECT_FALSE(WebhookAddressAllowed(make_address("127.0.0.1"), "hooks.nation-a.example"));
  EXPECT_FALSE(WebhookAddressAllowed(make_address("::1"), "hooks.nation-a.example"));
  EXPECT_FALSE(WebhookAddressAllowed(make_address("::ffff:127.0.0.1"), "hooks.nation-a.example"));
  EXPECT_FALSE(WebhookAddressAllowed(make_address("127.0.0.1"), "2130706433"));
  EXPECT_TRUE(WebhookAddressAllowed(make_address("127.0.0.1"), "127.0.0.1"));
  EXPECT_TRUE(WebhookAddressAllowed(make_address("127.0.0.1"), "localhost"));
  EXPECT_TRUE(WebhookAddressAllowed(make_address("::1"), "[::1]"));
}

TEST(WebhookAddress, OrdinaryAndPrivateAddressesAllowed) {
  using boost::asio::ip::make_address;
  // Coalition networks are often private: 10/8, 172.16/12, 192.168/16 and ULAs stay usable.
  for (const char* a :
       {"10.1.2.3", "172.16.0.5", "192.168.1.10", "203.0.113.7", "fd00::5", "2001:db8::1"}) {
    EXPECT_TRUE(WebhookAddressAllowed(make_address(a), "hooks.example")) << a;
  }
}

TEST(WebhookAllowList, NeverTargetLiteralEntriesRefused) {
  EXPECT_FALSE(WebhookAllowList::Parse({"http://169.254.169.254/"}).ok());
  EXPECT_FALSE(WebhookAllowList::Parse({"http://[fe80::1]/"}).ok());
  EXPECT_FALSE(WebhookAllowList::Parse({"http://0.0.0.0:8080/"}).ok());
  EXPECT_TRUE(WebhookAllowList::Parse({"http://127.0.0.1:8080/", "http://[::1]:8080/"}).ok());
}

TEST(WebhookRetry, ExponentialWithJitterAndCap) {
  WebhookRetryPolicy p;  // 1 s, cap 5 min
  for (std::uint32_t r : {0u, 1u, 12345u, 0xffffffffu}) {
    const Micros d1 = RetryDelay(1, p, r);
    EXPECT_GE(d1, 500'000);
    EXPECT_LE(d1, 1'000'000);
    const Micros d3 = RetryDelay(3, p, r);
    EXPECT_GE(d3, 2'000'000);
    EXPECT_LE(d3, 4'000'000);
    const Micros d30 = RetryDelay(30, p, r);
    EXPECT_GE(d30, 150'000'000);
    EXPECT_LE(d30, 300'000'000);
  }
  EXPECT_NE(RetryDelay(5, p, 1), RetryDelay(5, p, 7777777));
}

TEST(WebhookRetry, GivesUpAfterAttemptsOrAge) {
  WebhookRetryPolicy p;
  p.max_attempts = 3;
  p.give_up_after = 1000;
  EXPECT_FALSE(GiveUp(2, 0, 999, p));
  EXPECT_TRUE(GiveUp(3, 0, 10, p));
  EXPECT_TRUE(GiveUp(1, 0, 1000, p));
}

}  // namespace
}  // namespace tansiq::dissem
