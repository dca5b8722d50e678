// libFuzzer target for the search query language: any bytes → hub::BuildSearch (tokenizer,
// name:/type:/OR/-/"phrase" syntax, alias and gazetteer expansion) on a small temporary hub,
// then Store::Search with the built query (FTS5 query compilation in the SQLite backend).
// Neither may crash or answer kInternal: user input gets InvalidArgument at worst.
// Input layout: the first byte picks limit/offset/filters, the rest is `q`.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_hub.h"
#include "hub/search.h"

namespace {

using namespace tansiq;

void RequireNotInternal(const Status& s, const char* where, const std::string& q) {
  if (s.code() == ErrorCode::kInternal) {
    std::fprintf(stderr, "fuzz_search_query: %s answered kInternal: %s\nq=%s\n", where,
                 s.message().c_str(), q.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::SharedHub();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  fuzz::FuzzHub& f = fuzz::SharedHub();
  const std::uint8_t flags = data[0];
  hub::SearchRequest request;
  request.q.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  request.limit = (flags & 0x01) ? 1 + (flags >> 4) * 7 : 20;  // 1..106: 101+ is refused
  request.offset = (flags & 0x02) ? 5 : 0;
  if (flags & 0x04) request.types = {"report", "intrusion-set"};
  if (flags & 0x08) request.langs = {"ar", "fa"};
  if (flags & 0x40) request.since = 1'700'000'000'000'000;
  if (flags & 0x80) request.parties = {"iq"};

  auto query = hub::BuildSearch(*f.hub, request);
  if (!query.ok()) {
    RequireNotInternal(query.status(), "BuildSearch", request.q);
    return 0;
  }
  auto result = f.hub->store().Search(f.officer, *query);
  if (!result.ok()) {
    RequireNotInternal(result.status(), "Store::Search", request.q);
    return 0;
  }
  if (result->hits.size() > query->limit) {
    std::fprintf(stderr, "fuzz_search_query: more hits than the limit\n");
    std::abort();
  }
  return 0;
}
