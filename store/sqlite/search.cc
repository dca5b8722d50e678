// Full-text search in the SQLite backend: FTS5 MATCH compiled from a SearchQuery, visibility
// decided while walking matches, bounded ranking windows, facets and snippets.
#include "store/sqlite/internal/sqlite_store.h"

namespace tansiq::store::internal {

namespace {

// FTS5 string literal: double quotes doubled.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// One SearchTerm as FTS5 alternatives; `names` restricts every alternative to name fields.
std::string CompileTerm(const SearchTerm& t, bool names) {
  names |= t.names_only;
  std::vector<std::string> alts;
  std::string text = t.text;  // the tokenizer's markers are never the user's to send
  std::erase_if(text, [](char c) { return c == sqlite::kRawMarker || c == sqlite::kNameMarker; });
  if (!text.empty()) alts.push_back((names ? "names : " : "") + Quote(text));
  std::vector<std::string> keys;
  for (const auto& k : t.name_keys) {
    if (!k.empty()) {
      keys.push_back(Quote(std::string(1, sqlite::kRawMarker) + sqlite::kNameKeyPrefix + k));
    }
  }
  if (keys.size() == 1) {
    alts.push_back((names ? "names : " : "") + keys[0]);
  } else if (keys.size() > 1) {
    std::string near = "NEAR(";
    for (const auto& k : keys) near += k + " ";
    near += std::to_string(keys.size() + 2) + ")";
    alts.push_back((names ? "names : " : "") + near);
  }
  std::string out;
  for (const auto& a : alts) out += (out.empty() ? "" : " OR ") + a;
  return out;
}

// Compiles a SearchQuery to an FTS5 MATCH expression. Terms are always quoted strings (the
// tokenizer analyses them), so no user text is ever FTS5 syntax.
std::string CompileMatch(const SearchQuery& q) {
  auto clause = [&](const SearchClause& c) {
    std::string out;
    for (const auto& t : c.any) {
      std::string e = CompileTerm(t, false);
      if (!e.empty()) out += (out.empty() ? "" : " OR ") + e;
    }
    return out.empty() ? out : "(" + out + ")";
  };
  std::string expr;
  for (const auto& c : q.all) {
    std::string e = clause(c);
    if (!e.empty()) expr += (expr.empty() ? "" : " AND ") + e;
  }
  if (expr.empty()) return expr;
  for (const auto& c : q.none) {
    std::string e = clause(c);
    if (!e.empty()) expr = "(" + expr + ") NOT " + e;
  }
  return expr;
}

// The ranking's tier 1 (SearchResult): `match` restricted to rows where some positive term
// of the query occurs in a name field.
std::string CompileNamesTier(const SearchQuery& q, const std::string& match) {
  std::string names;
  for (const auto& c : q.all) {
    for (const auto& t : c.any) {
      std::string e = CompileTerm(t, true);
      if (!e.empty()) names += (names.empty() ? "" : " OR ") + e;
    }
  }
  return "(" + match + ") AND (" + names + ")";
}

}  // namespace

Result<bool> SqliteStore::MatchesSearch(const SearchQuery& q, std::string_view id) {
  const std::string match = CompileMatch(q);
  if (match.empty()) return InvalidArgument("the query has no words to search for");
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto found = QueryOne(
      **db,
      "SELECT 1 FROM search WHERE search MATCH ?1 AND rowid = "
      "(SELECT rowid FROM search_docs WHERE id = ?2)",
      [](const Statement&) { return true; }, match, id);
  if (!found.ok()) return found.status();
  return found->has_value();
}

// Search in four steps, each bounded whatever the number of matches (issue 3):
//  1. The visible matches, newest first (FTS5 walks rowid DESC natively and stops early),
//     until total_bound + 1 and the windows of the page are known. A row whose head is neither
//     TLP:RED nor gated (search_docs.per_row = 0) is visible iff its collection and party
//     bitmask admit the reader — exactly policy::CanRead for such a head — so SQL drops the
//     others; rows with per_row = 1 are decided by policy::IsVisible against their live heads
//     (the same check every other read path makes). Invisible rows never count, so a flood of
//     matches the reader cannot see neither inflates the total nor pushes visible ones out.
//     Total and facets are counted over the first total_bound visible matches.
//  2. Ranking (order in SearchResult) by tansiq_rank — BM25 computed from the row and the query
//     alone, so a score never depends on rows the reader cannot see: with at most rank_window
//     visible matches all are ranked, exactly as an unbounded search; otherwise tier 1
//     (name-field matches among the newest total_bound visible, at most rank_window) and then
//     windows of rank_window visible matches, scored only for the rows of the windows the page
//     touches.
//  3. The page's columns. 4. Snippets for the page only.
Result<SearchResult> SqliteStore::Search(const policy::Reader& reader, const SearchQuery& q) {
  const std::string match = CompileMatch(q);
  if (match.empty()) return InvalidArgument("the query has no words to search for");
  auto db = Acquire();
  if (!db.ok()) return db.status();
  const bool party_ok = reader.party >= 0 && reader.party < policy::kMaxParties;
  const std::int64_t bit = party_ok ? static_cast<std::int64_t>(policy::Bit(reader.party)) : 0;
  // ?1 match, ?2 the reader's party bit, ?3 the reader's party, ?4... the filters.
  std::string where =
      " FROM search JOIN search_docs d ON d.rowid = search.rowid WHERE search MATCH ?1 "
      "AND (d.in_shared = 1 OR (d.private_parties & ?2) != 0)";
  // Filter values are bound, never spliced into the SQL: the text (and so the cached
  // statement) depends only on which filters are present and how many values each has.
  std::vector<std::variant<std::string, std::int64_t>> binds;
  auto param = [&](std::variant<std::string, std::int64_t> value) {
    binds.push_back(std::move(value));
    return "?" + std::to_string(3 + binds.size());  // after ?1..?3
  };
  auto in = [&](std::string_view column, const auto& values, bool negated = false) {
    if (values.empty()) return;
    where += " AND " + std::string(column) + (negated ? " NOT IN (" : " IN (");
    for (std::size_t i = 0; i < values.size(); ++i) {
      if constexpr (std::is_same_v<std::decay_t<decltype(values[i])>, std::string>) {
        where += (i ? "," : "") + param(values[i]);
      } else {
        where += (i ? "," : "") + param(static_cast<std::int64_t>(values[i]));
      }
    }
    where += ")";
  };
  in("d.type", q.types);
  in("d.lang", q.langs);
  if (q.since) where += " AND d.modified >= " + param(static_cast<std::int64_t>(*q.since));
  if (q.until) where += " AND d.modified <= " + param(static_cast<std::int64_t>(*q.until));
  in("d.originator", q.originators);
  in("d.created_by_ref", q.exclude_creators, true);
  // Plain rows the reader may see, and per-row ones for policy::IsVisible.
  where += " AND (d.per_row = 1 OR d.originator = ?3 OR (d.parties & ?2) != 0)";
  auto bind = [&](Statement& s, const std::string& expr) {
    s.Bind(1, expr).Bind(2, bit).Bind(3, reader.party);
    int i = 4;
    for (const auto& b : binds) std::visit([&](const auto& v) { s.Bind(i++, v); }, b);
  };
  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  Status status;

  const std::size_t bound = std::max<std::size_t>(q.total_bound, 1);
  const std::size_t window = std::max<std::size_t>(q.rank_window, 1);
  const std::size_t want = q.offset + q.limit;
  // Every window the page can touch is complete within the first `want` visible matches
  // rounded up to a window (tier 1 only removes rows from the windows).
  const std::size_t target =
      std::max({bound + 1, window + 1, (want + window - 1) / window * window});

  // 1. Visible matches, newest first.
  SearchResult result;
  std::vector<std::int64_t> visible;
  std::map<std::string, std::int64_t> by_type, by_party, by_lang;
  {
    auto st = (*db)->Prepare("SELECT search.rowid, d.per_row, d.id, d.type, d.originator, d.lang" +
                             where + " ORDER BY search.rowid DESC");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    bind(s, match);
    while (visible.size() < target && s.Step(&status)) {
      if (s.Int(1) != 0) {
        cache.Accessible(s.Text(2));
        if (!policy::IsVisible(reader, s.Text(2), lookup)) continue;
      }
      if (visible.size() < bound) {
        ++by_type[s.Text(3)];
        ++by_party[std::to_string(s.Int(4))];
        ++by_lang[s.Text(5)];
      }
      visible.push_back(s.Int(0));
    }
    s.Reset();
    // FTS5 reports query syntax errors at step time.
    if (!status.ok()) return InvalidArgument("search query cannot be evaluated");
  }
  result.total = static_cast<std::int64_t>(std::min(visible.size(), bound));
  result.total_exact = visible.size() <= bound;
  auto facet = [](std::map<std::string, std::int64_t>& m) {
    std::vector<std::pair<std::string, std::int64_t>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    return v;
  };
  result.facets = {{"type", facet(by_type)}, {"party", facet(by_party)}, {"lang", facet(by_lang)}};
  if (q.offset >= visible.size()) return result;

  // 2. Ranking. rank_range appends `members` (visible rowids from lo to hi) scored by the SQL
  // expression `score`, by score descending, then rowid ascending.
  struct Ranked {
    double score;
    std::int64_t rowid;
  };
  auto by_score = [](const Ranked& a, const Ranked& b) {
    return a.score != b.score ? a.score > b.score : a.rowid < b.rowid;
  };
  // tansiq_rank: BM25 from the row and the query alone — no corpus statistics, which would
  // count rows this reader may not see (fts_tokenizer.cc).
  const std::string score = "-tansiq_rank(search, 4.0, 1.0)";
  auto rank_range = [&](std::int64_t lo, std::int64_t hi,
                        const std::unordered_set<std::int64_t>& members,
                        std::vector<Ranked>* out) -> Status {
    if (members.empty()) return Status::Ok();
    const int lo_param = 4 + static_cast<int>(binds.size());
    auto st = (*db)->Prepare("SELECT search.rowid, " + score + where + " AND search.rowid >= ?" +
                             std::to_string(lo_param) + " AND search.rowid <= ?" +
                             std::to_string(lo_param + 1));
    if (!st.ok()) return st.status();
    Statement& s = **st;
    bind(s, match);
    s.Bind(lo_param, lo).Bind(lo_param + 1, hi);
    Status st_status;
    const std::size_t first = out->size();
    while (s.Step(&st_status)) {
      if (members.contains(s.Int(0))) out->push_back({s.Double(1), s.Int(0)});
    }
    s.Reset();
    std::sort(out->begin() + static_cast<std::ptrdiff_t>(first), out->end(), by_score);
    return st_status;
  };
  std::vector<Ranked> ranked;  // positions [skipped, skipped + ranked.size()) of the order
  std::size_t skipped = 0;
  if (visible.size() <= window) {
    const std::unordered_set<std::int64_t> members(visible.begin(), visible.end());
    TANSIQ_RETURN_IF_ERROR(rank_range(visible.back(), visible.front(), members, &ranked));
  } else {
    // Tier 1: among the newest `bound` visible matches (a horizon that does not depend on the
    // page, and bounds the walk when name matches are rare), the newest `window` with a query
    // word in a name field.
    std::vector<Ranked> tier1;
    {
      const int horizon_param = 4 + static_cast<int>(binds.size());
      auto st = (*db)->Prepare("SELECT search.rowid, " + score + ", d.per_row, d.id" + where +
                               " AND search.rowid >= ?" + std::to_string(horizon_param) +
                               " ORDER BY search.rowid DESC");
      if (!st.ok()) return st.status();
      Statement& s = **st;
      bind(s, CompileNamesTier(q, match));
      s.Bind(horizon_param, visible[std::min(bound, visible.size()) - 1]);
      while (tier1.size() < window && s.Step(&status)) {
        if (s.Int(2) != 0) {
          cache.Accessible(s.Text(3));
          if (!policy::IsVisible(reader, s.Text(3), lookup)) continue;
        }
        tier1.push_back({s.Double(1), s.Int(0)});
      }
      s.Reset();
      TANSIQ_RETURN_IF_ERROR(status);
    }
    std::unordered_set<std::int64_t> in_tier1;
    for (const auto& r : tier1) in_tier1.insert(r.rowid);
    std::sort(tier1.begin(), tier1.end(), by_score);
    if (q.offset < tier1.size()) {
      ranked = std::move(tier1);
    } else {
      skipped = tier1.size();
    }
    // Then the windows the page touches.
    for (std::size_t begin = 0; begin < visible.size() && skipped + ranked.size() < want;
         begin += window) {
      const std::size_t end = std::min(begin + window, visible.size());
      std::unordered_set<std::int64_t> members;
      for (std::size_t k = begin; k < end; ++k) {
        if (!in_tier1.contains(visible[k])) members.insert(visible[k]);
      }
      if (skipped + ranked.size() + members.size() <= q.offset) {
        skipped += members.size();  // wholly before the page
        continue;
      }
      TANSIQ_RETURN_IF_ERROR(rank_range(visible[end - 1], visible[begin], members, &ranked));
    }
  }
  if (q.offset >= skipped + ranked.size()) return result;
  ranked.erase(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(q.offset - skipped));
  if (ranked.size() > q.limit) ranked.resize(q.limit);
  if (ranked.empty()) return result;

  // 3. The page's columns.
  // The page's rowids as a JSON array for json_each: one cached statement for every page.
  std::string page;
  for (const auto& r : ranked) page += (page.empty() ? "[" : ",") + std::to_string(r.rowid);
  page += "]";
  std::map<std::int64_t, SearchHit> hits;
  {
    auto st = (*db)->Prepare(
        "SELECT rowid, id, type, title, lang, modified, created_by_ref, originator "
        "FROM search_docs WHERE rowid IN (SELECT value FROM json_each(?1))");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    s.Bind(1, page);
    while (s.Step(&status)) {
      SearchHit hit;
      hit.id = s.Text(1);
      hit.type = s.Text(2);
      hit.title = s.Text(3);
      hit.lang = s.Text(4);
      hit.modified = s.Int(5);
      hit.created_by_ref = s.Text(6);
      hit.originator = static_cast<policy::PartyIndex>(s.Int(7));
      hits[s.Int(0)] = std::move(hit);
    }
    s.Reset();
    TANSIQ_RETURN_IF_ERROR(status);
  }

  // 4. Snippets for the page only, in one statement.
  auto snip = (*db)->Prepare(
      "SELECT rowid, snippet(search, -1, char(2), char(3), '…', 24) FROM search "
      "WHERE search MATCH ?1 AND rowid IN (SELECT value FROM json_each(?2))");
  if (!snip.ok()) return snip.status();
  Statement& sn = **snip;
  sn.Bind(1, match).Bind(2, page);
  std::map<std::int64_t, std::string> snippets;
  while (sn.Step(&status)) {
    std::string text = sn.Text(1);
    std::erase(text, sqlite::kNameMarker);
    snippets[sn.Int(0)] = std::move(text);
  }
  sn.Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  for (const auto& r : ranked) {
    auto it = hits.find(r.rowid);
    if (it == hits.end()) continue;  // deleted between the statements of this read
    SearchHit hit = std::move(it->second);
    hit.score = r.score;
    hit.snippet = std::move(snippets[r.rowid]);
    result.hits.push_back(std::move(hit));
  }
  return result;
}

}  // namespace tansiq::store::internal
