// Subcommands other than demo: each opens the hub, does one thing, reports, exits 0/1.
#include "cli/commands.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include <boost/algorithm/string/join.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "audit/audit.h"
#include "hub/admin.h"
#include "hub/auth.h"
#include "hub/ingest.h"
#include "hub/read.h"
#include "hub/search.h"
#include "stix/markings.h"
#include "stix/timestamp.h"
#include "store/sqlite/sqlite.h"
#include "store/store.h"

namespace tansiq::cli {
namespace json = boost::json;
namespace {

int Fail(const Status& s) {
  spdlog::error("{}", s.message());
  return 1;
}

std::unique_ptr<hub::Hub> OpenHub(const std::string& db, const Clock* clock = nullptr) {
  auto h = hub::Hub::Open({.db_path = db, .clock = clock});
  if (!h.ok()) {
    Fail(h.status());
    return nullptr;
  }
  return std::move(*h);
}

Result<policy::Reader> ReaderFor(hub::Hub& hub, const std::string& name) {
  auto u = hub.store().UserByName(name);
  if (!u.ok()) return u.status();
  if (!u->has_value()) return NotFound("no user '" + name + "'");
  if ((*u)->disabled) return PermissionDenied("user '" + name + "' is disabled");
  return policy::Reader{(*u)->id, (*u)->name, (*u)->party, (*u)->roles};
}

Result<std::string> ReadAll(const std::string& path) {
  std::ostringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return NotFound("cannot read " + path);
    ss << in.rdbuf();
  }
  return ss.str();
}

// Marks the objects of an import that carry no releasability of their own with the one the
// importer chose (ImportRelease): the contributor's markings, as a TAXII client would add them
// before a POST. The objects keep every other byte. Returns the marking refs added (none when
// nothing was chosen); a releasability marking-definition, when `release_to` is given, is put
// first in `objects`.
Result<std::size_t> MarkImport(const hub::Directory& dir, const policy::Reader& reader,
                               const ImportRelease& release, json::array& objects) {
  std::vector<std::string> add;
  if (!release.tlp.empty()) {
    stix::Tlp tlp = stix::Tlp::kNone;
    for (auto t :
         {stix::Tlp::kClear, stix::Tlp::kGreen, stix::Tlp::kAmber, stix::Tlp::kAmberStrict}) {
      if (release.tlp == stix::TlpName(t)) tlp = t;
    }
    if (tlp == stix::Tlp::kNone) {
      return InvalidArgument("--tlp must be clear, green, amber or amber+strict");
    }
    add.emplace_back(stix::TlpMarkingId(tlp));
  }
  std::optional<json::object> marking;
  if (!release.release_to.empty()) {
    const store::Party* own = dir.PartyByIndex(reader.party);
    if (!own) return InvalidArgument("--release-to: " + reader.user_name + " has no party");
    json::array to_refs;
    for (const auto& code : release.release_to) {
      const store::Party* p = dir.PartyByCode(code);
      if (!p) return InvalidArgument("--release-to: no party '" + code + "'");
      to_refs.push_back(json::value(p->identity_id));
    }
    const std::string now = stix::FormatMicros(SystemClock().NowMicros());
    json::object m;
    m["type"] = "marking-definition";
    m["spec_version"] = "2.1";
    m["id"] = hub::Hub::NewId("marking-definition");
    m["created_by_ref"] = own->identity_id;
    m["created"] = now;
    m["name"] = "releasable to " + boost::algorithm::join(release.release_to, ", ");
    m["extensions"] = json::object{
        {std::string(stix::kReleasabilityExtensionId),
         json::object{{"extension_type", "property-extension"}, {"releasable_to_refs", to_refs}}}};
    add.emplace_back(m["id"].as_string());
    marking = std::move(m);
  }
  if (add.empty()) return 0;
  // Releasability markings the file defines: an object referring to one has its own.
  std::set<std::string> own_markings;
  for (const auto& v : objects) {
    const json::object* o = v.if_object();
    if (!o || !o->contains("id") || !o->at("id").is_string()) continue;
    if (auto rel = stix::ParseReleasability(*o); rel.ok() && rel->has_value()) {
      own_markings.emplace(o->at("id").get_string());
    }
  }
  std::size_t marked = 0;
  for (auto& v : objects) {
    json::object* o = v.if_object();
    if (!o) continue;  // refused by validation, with its reason
    const json::value* id = o->if_contains("id");
    if (id && id->is_string() &&
        (stix::TlpOfMarking(id->get_string()) != stix::Tlp::kNone ||
         own_markings.count(std::string(id->get_string())))) {
      continue;  // a TLP or releasability marking-definition has its own rule
    }
    json::value& refs = (*o)["object_marking_refs"];
    if (refs.is_null()) refs = json::array();
    if (!refs.is_array()) continue;  // refused by validation
    bool has_own = false;
    for (const auto& r : refs.get_array()) {
      has_own |= r.is_string() && (stix::TlpOfMarking(r.get_string()) != stix::Tlp::kNone ||
                                   own_markings.count(std::string(r.get_string())));
    }
    if (has_own) continue;
    for (const auto& a : add) refs.get_array().push_back(json::value(a));
    ++marked;
  }
  if (marking) objects.insert(objects.begin(), json::value(std::move(*marking)));
  return marked;
}

std::string ReadSecret(const std::string& prompt) {
  if (::isatty(0)) std::cerr << prompt << std::flush;
  std::string line;
  std::getline(std::cin, line);
  return line;
}

}  // namespace

bool ParseListen(const std::string& listen, server::ServerOptions* options) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) return false;
    options->host = host;
    options->port = static_cast<unsigned short>(port);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

int Init(const std::string& db, const std::string& config) {
  auto text = ReadAll(config);
  if (!text.ok()) return Fail(text.status());
  auto spec = hub::ParseHubToml(*text, config);
  if (!spec.ok()) return Fail(spec.status());
  Status s = hub::InitHub(db, *spec, SystemClock());
  if (!s.ok()) return Fail(s);
  spdlog::info("created hub '{}' at {} with {} parties and {} users", spec->name, db,
               spec->parties.size(), spec->users.size());
  return 0;
}

int Serve(const std::string& db, server::ServerOptions options) {
  // Fault injection for tests/integration/test_faults.py only (see store/sqlite/fault_vfs.h).
  if (const char* fault_file = std::getenv("TANSIQ_FAULT_FILE"); fault_file && *fault_file) {
    Status s = store::InstallSqliteFaultInjection(fault_file);
    if (!s.ok()) return Fail(s);
    spdlog::warn("fault injection on: SQLite I/O faults are read from {}", fault_file);
  }
  // One server per database file, decided before anything reads or migrates it.
  if (!std::filesystem::exists(db))
    return Fail(NotFound("no hub at " + db + " (run tansiq init first)"));
  auto lock = store::ServeLock::Acquire(db);
  if (!lock.ok()) return Fail(lock.status());
  std::optional<FileOffsetClock> clock;
  if (!options.clock_file.empty()) clock.emplace(options.clock_file);
  auto hub = OpenHub(db, clock ? &*clock : nullptr);
  if (!hub) return 1;
  Status s = server::Serve(*hub, options);
  return s.ok() ? 0 : Fail(s);
}

int Import(const std::string& db, const std::string& file, const std::string& user,
           const std::string& collection_name, const ImportRelease& release) {
  auto hub = OpenHub(db);
  if (!hub) return 1;
  auto reader = ReaderFor(*hub, user);
  if (!reader.ok()) return Fail(reader.status());
  const auto dir = hub->directory();  // holds the snapshot the pointer points into
  const store::Collection* collection = dir->FindCollection(collection_name);
  if (!collection || !hub::CanWriteCollection(*reader, *collection)) {
    return Fail(NotFound("no collection '" + collection_name + "' that " + user + " may write"));
  }
  auto text = ReadAll(file);
  if (!text.ok()) return Fail(text.status());
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value doc = json::parse(*text, ec, {}, opts);
  if (ec) return Fail(InvalidArgument(file + ": not JSON: " + ec.message()));
  json::array objects;
  if (doc.is_array()) {
    objects = std::move(doc.get_array());
  } else if (doc.is_object() && doc.get_object().contains("objects") &&
             doc.get_object().at("objects").is_array()) {
    objects = std::move(doc.get_object().at("objects").get_array());
  } else {
    objects.push_back(std::move(doc));
  }
  auto marked = MarkImport(*hub->directory(), *reader, release, objects);
  if (!marked.ok()) return Fail(marked.status());
  if (*marked > 0) spdlog::info("{} objects without releasability of their own marked", *marked);
  const bool tty = ::isatty(2);
  const std::size_t total = objects.size();
  constexpr std::size_t kChunk = 1000;
  int ok = 0, failed = 0;
  for (std::size_t start = 0; start < total; start += kChunk) {
    json::array chunk;
    for (std::size_t i = start; i < std::min(total, start + kChunk); ++i) {
      chunk.push_back(std::move(objects[i]));
    }
    auto report = hub::IngestAndWait(*hub, *reader, *collection, std::move(chunk));
    if (!report.ok()) return Fail(report.status());
    ok += report->succeeded;
    failed += report->failed;
    for (const auto& item : report->items) {
      if (!item.ok) spdlog::warn("refused {}: {}", item.id, item.message);
    }
    const std::size_t done = std::min(total, start + kChunk);
    if (tty) {
      int width = 40, filled = static_cast<int>(width * done / std::max<std::size_t>(total, 1));
      std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] "
                << done << "/" << total << std::flush;
    } else if (total > kChunk) {  // a log line per envelope on long imports (no terminal)
      spdlog::info("import: {} of {} objects ({} refused)", done, total, failed);
    }
  }
  if (tty) std::cerr << "\n";
  spdlog::info("imported {} of {} objects into {} ({} refused)", ok, total, collection->alias,
               failed);
  return failed == 0 ? 0 : 1;
}

int Export(const std::string& db, const std::string& user, const std::string& collection_name) {
  auto hub = OpenHub(db);
  if (!hub) return 1;
  auto reader = ReaderFor(*hub, user);
  if (!reader.ok()) return Fail(reader.status());
  const auto dir = hub->directory();  // holds the snapshot the pointer points into
  const store::Collection* collection = dir->FindCollection(collection_name);
  if (!collection || !hub::CanAccessCollection(*reader, *collection)) {
    return Fail(NotFound("no collection '" + collection_name + "'"));
  }
  store::VersionFilter all;
  all.which = store::VersionFilter::Which::kAll;
  std::optional<store::Cursor> cursor;
  std::cout << "{\"type\":\"bundle\",\"id\":\"" << hub::Hub::NewId("bundle") << "\",\"objects\":[";
  bool first = true;
  for (;;) {
    auto page = hub::ReadVersions(*hub, *reader, *collection, all, cursor, 1000,
                                  hub::ReadPurpose::kContent);
    if (!page.ok()) return Fail(page.status());
    for (const auto& row : page->rows) {
      std::cout << (first ? "" : ",") << row.json;
      first = false;
    }
    if (!page->more) break;
    cursor = page->next;
  }
  std::cout << "]}\n";
  return 0;
}

int PartyAdd(const std::string& db, const std::string& id, const std::string& name,
             const std::string& identity) {
  auto hub = OpenHub(db);
  if (!hub) return 1;
  Status s = hub::AddParty(*hub, {id, name, identity});
  if (!s.ok()) return Fail(s);
  spdlog::info("added party {}", id);
  return 0;
}

int UserAdd(const std::string& db, const std::string& name, const std::string& party,
            const std::vector<std::string>& roles, bool password_stdin, bool token_only) {
  if (password_stdin == token_only) {
    return Fail(
        InvalidArgument("give --password-stdin, or --token-only for a user who signs in "
                        "with API tokens only"));
  }
  hub::UserSpec spec{name, party, roles, "", {}, "", token_only};
  if (password_stdin) {
    spec.password = ReadSecret("password: ");
    if (Status s = hub::CheckPassword(spec.password); !s.ok()) return Fail(s);
  }
  auto hub = OpenHub(db);
  if (!hub) return 1;
  Status s = hub::AddUser(*hub, spec);
  if (!s.ok()) return Fail(s);
  spdlog::info("added user {}", name);
  return 0;
}

int UserSetDisabled(const std::string& db, const std::string& name, bool disabled) {
  auto hub = OpenHub(db);
  if (!hub) return 1;
  Status s = hub::SetUserDisabled(*hub, name, disabled);
  return s.ok() ? 0 : Fail(s);
}

int UserPasswd(const std::string& db, const std::string& name) {
  auto hub = OpenHub(db);
  if (!hub) return 1;
  Status s = hub::SetPassword(*hub, name, ReadSecret("new password: "));
  return s.ok() ? 0 : Fail(s);
}

int TokenCreate(const std::string& db, const std::string& user, const std::string& label,
                const std::string& scope, int expires_days) {
  auto parsed = hub::ParseScope(scope);
  if (!parsed) return Fail(InvalidArgument("--scope must be full, read or metrics"));
  if (expires_days < 0 || expires_days > 3650) {
    return Fail(InvalidArgument("--expires-days must be from 1 to 3650 (0: never)"));
  }
  auto hub = OpenHub(db);
  if (!hub) return 1;
  hub::TokenRequest request{label, *parsed, 0};
  if (expires_days > 0) {
    request.expires = hub->clock().NowMicros() + expires_days * 86'400'000'000LL;
  }
  auto token = hub::CreateToken(*hub, user, request);
  if (!token.ok()) return Fail(token.status());
  std::cout << *token << std::endl;
  return 0;
}

int TokenList(const std::string& db, const std::string& user) {
  auto hub = OpenHub(db);
  if (!hub) return 1;
  auto tokens = hub::ListAllTokens(*hub, user);
  if (!tokens.ok()) return Fail(tokens.status());
  auto time = [](Micros at) { return at == 0 ? std::string("-") : stix::FormatMicros(at); };
  std::cout << "id\tuser\tparty\tscope\tcreated\texpires\tlast_used\tlabel\n";
  for (const auto& t : *tokens) {
    std::cout << t.id << '\t' << t.user << '\t' << t.party << '\t' << t.scope << '\t'
              << time(t.created) << '\t' << time(t.expires) << '\t' << time(t.last_used) << '\t'
              << t.label << '\n';
  }
  std::cout << std::flush;
  return 0;
}

int TokenRevoke(const std::string& db, const std::string& id) {
  auto hub = OpenHub(db);
  if (!hub) return 1;
  Status s = hub::RevokeTokenById(*hub, id);
  if (!s.ok()) return Fail(s);
  spdlog::info("revoked token {}", id);
  return 0;
}

int AuditVerify(const std::string& db) {
  auto hub = OpenHub(db);
  if (!hub) return 1;
  auto report = audit::Verify(hub->store(), hub->key().PublicKeyHex());
  if (!report.ok()) return Fail(report.status());
  if (!report->ok) {
    std::cout << "audit chain BROKEN: " << report->problem << std::endl;
    return 1;
  }
  std::cout << "audit chain intact: " << report->records << " records, " << report->seals
            << " signed seals" << std::endl;
  return 0;
}

int Search(const std::string& db, const std::string& user, const std::string& query,
           std::size_t limit) {
  auto hub = OpenHub(db);
  if (!hub) return 1;
  auto reader = ReaderFor(*hub, user);
  if (!reader.ok()) return Fail(reader.status());
  hub::SearchRequest request;
  request.q = query;
  request.limit = limit;
  auto body = hub::Search(*hub, *reader, request);
  if (!body.ok()) return Fail(body.status());
  std::cout << *body << std::endl;
  // For the operator, on stderr (stdout stays one JSON document): "10,000+ matches" when the
  // hub stopped counting at its bound.
  boost::system::error_code ec;
  auto parsed = boost::json::parse(*body, ec);
  if (!ec && parsed.is_object()) {
    const auto& o = parsed.get_object();
    const auto* total = o.if_contains("total");
    const auto* relation = o.if_contains("total_relation");
    if (total && total->is_int64()) {
      std::string digits = std::to_string(total->as_int64()), shown;
      for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) shown += ',';
        shown += digits[i];
      }
      const bool more = relation && relation->is_string() && relation->as_string() == "gte";
      std::cerr << shown << (more ? "+" : "") << " matches" << std::endl;
    }
  }
  return 0;
}

int Backup(const std::string& db, const std::string& to) {
  auto hub = OpenHub(db);
  if (!hub) return 1;
  Status s = hub->store().Backup(to);
  if (!s.ok()) return Fail(s);
  std::ifstream key(hub::KeyPath(db), std::ios::binary);
  std::ofstream out(hub::KeyPath(to), std::ios::binary);
  out << key.rdbuf();
  out.close();
  ::chmod(hub::KeyPath(to).c_str(), 0600);
  spdlog::info("backed up {} to {} (with its key file {}: keep a copy of the key apart)", db, to,
               hub::KeyPath(to));
  return 0;
}

int Restore(const std::string& db, const std::string& from, const std::string& key_from_flag) {
  namespace fs = std::filesystem;
  const std::string key_from = key_from_flag.empty() ? hub::KeyPath(from) : key_from_flag;
  for (const auto& f : {from, key_from}) {
    if (!fs::exists(f)) return Fail(NotFound("no " + f));
  }
  // No server may hold the database while it is replaced; this command holds the lock too.
  auto lock = store::ServeLock::Acquire(db);
  if (!lock.ok()) return Fail(lock.status());
  // Checked on a copy beside the database (the same file system, so the final rename is
  // atomic): it opens (and migrates, when older), and its audit chain verifies against the key.
  const std::string staged = db + ".restoring";
  std::error_code ec;
  for (const auto& f : {staged, staged + "-wal", staged + "-shm", hub::KeyPath(staged)}) {
    fs::remove(f, ec);
  }
  fs::copy_file(from, staged, ec);
  if (!ec) fs::copy_file(key_from, hub::KeyPath(staged), ec);
  if (ec) return Fail(Unavailable("cannot copy the backup next to " + db + ": " + ec.message()));
  ::chmod(staged.c_str(), 0600);
  ::chmod(hub::KeyPath(staged).c_str(), 0600);
  {
    auto hub = OpenHub(staged);
    if (!hub) return 1;
    auto report = audit::Verify(hub->store(), hub->key().PublicKeyHex());
    if (!report.ok()) return Fail(report.status());
    if (!report->ok) {
      return Fail(InvalidArgument("the backup's audit chain does not verify (wrong key file?): " +
                                  report->problem));
    }
    spdlog::info("backup checked: audit chain intact, {} records", report->records);
  }
  // The database being replaced is kept aside, never deleted.
  if (fs::exists(db)) {
    const std::string aside = db + ".before-restore-" + std::to_string(std::time(nullptr));
    for (const auto& suffix : {"", "-wal", "-shm"}) {
      if (fs::exists(db + suffix)) fs::rename(db + suffix, aside + suffix, ec);
      if (ec) return Fail(Unavailable("cannot move " + db + suffix + " aside: " + ec.message()));
    }
    if (fs::exists(hub::KeyPath(db))) fs::rename(hub::KeyPath(db), hub::KeyPath(aside), ec);
    if (ec) return Fail(Unavailable("cannot move the key file aside: " + ec.message()));
    spdlog::info("the replaced database is kept as {}", aside);
  }
  for (const auto& suffix : {"-wal", "-shm"}) fs::remove(staged + suffix, ec);
  fs::rename(hub::KeyPath(staged), hub::KeyPath(db), ec);
  if (!ec) fs::rename(staged, db, ec);
  if (ec) return Fail(Unavailable("cannot move the restored database into place: " + ec.message()));
  spdlog::info("restored {} from {}", db, from);
  return 0;
}

}  // namespace tansiq::cli
