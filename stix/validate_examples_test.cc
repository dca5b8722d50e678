// Every STIX object in the shared example data (OASIS schema examples, OASIS CTI documentation
// examples, MITRE ATT&CK ICS and Mobile bundles) must validate; known-invalid ones must not.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "stix/object.h"
#include "stix/validate.h"

namespace tansiq::stix {
namespace {
namespace json = boost::json;
namespace fs = std::filesystem;

fs::path SharedDir() {
  const char* env = std::getenv("TANSIQ_SHARED");
  return env != nullptr ? fs::path(env) : fs::path("../shared");
}

std::vector<fs::path> ExampleFiles() {
  std::vector<fs::path> files;
  for (const char* dir : {"data/stix2-json-schemas/examples", "data/cti-documentation-examples",
                          "data/attack-stix-data"}) {
    const fs::path root = SharedDir() / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Objects of a bundle, a TAXII envelope, a list, or a single object.
std::vector<json::object> ObjectsOf(const json::value& doc) {
  std::vector<json::object> out;
  const json::array* list = doc.if_array();
  if (const json::object* o = doc.if_object()) {
    const json::value* objects = o->if_contains("objects");
    if (objects != nullptr) {
      list = objects->if_array();
    } else {
      out.push_back(*o);
    }
  }
  if (list != nullptr) {
    for (const json::value& v : *list) {
      if (const json::object* o = v.if_object()) out.push_back(*o);
    }
  }
  return out;
}

// Example objects the hub refuses (by id). One OASIS example carries upper-case hex in its UUID,
// which the JSON schema's pattern allows but the hub refuses: RFC 4122 compares UUIDs
// case-insensitively, so an upper-case form would be a second id for one object (issue 16).
const std::set<std::string>& KnownInvalid() {
  static const std::set<std::string> kKnownInvalid = {
      "relationship--81f12913-1372-4c96-85ec-E9034ac98aba"};
  return kKnownInvalid;
}

TEST(ValidateExamples, EveryExampleObjectValidates) {
  const std::vector<fs::path> files = ExampleFiles();
  ASSERT_GE(files.size(), 20u) << "shared data not found under " << SharedDir();
  size_t objects = 0;
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    boost::system::error_code ec;
    json::value doc = json::parse(buf.str(), ec);
    ASSERT_FALSE(ec) << path << ": " << ec.message();
    if (const json::object* o = doc.if_object(); o != nullptr && o->contains("objects")) {
      Status envelope = ValidateBundleEnvelope(*o);
      EXPECT_TRUE(envelope.ok()) << path << ": " << envelope.message();
    }
    for (const json::object& o : ObjectsOf(doc)) {
      ++objects;
      const json::value* id = o.if_contains("id");
      const std::string id_text =
          id != nullptr && id->is_string() ? std::string(id->get_string()) : "";
      Status st = ValidateObject(o);
      if (KnownInvalid().contains(id_text)) {
        EXPECT_FALSE(st.ok()) << path << ": " << id_text << " is listed as invalid";
        continue;
      }
      EXPECT_TRUE(st.ok()) << path << ": " << st.message();
      Result<ObjectFacts> facts = Inspect(o);
      EXPECT_TRUE(facts.ok()) << path << ": " << facts.status().message();
    }
  }
  EXPECT_GT(objects, 4000u);
}

}  // namespace
}  // namespace tansiq::stix
