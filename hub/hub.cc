// Hub: opening an initialised hub and keeping its directory snapshot.
#include "hub/hub.h"

#include <sodium.h>

#include <spdlog/spdlog.h>
#include <array>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hub/admin.h"
#include "stix/identifier.h"
#include "store/sqlite/sqlite.h"

namespace tansiq::hub {

std::optional<policy::PartyIndex> Directory::PartyOfIdentity(std::string_view identity_id) const {
  for (const auto& p : parties) {
    if (p.identity_id == identity_id) return p.index;
  }
  return std::nullopt;
}

const store::Party* Directory::PartyByIndex(policy::PartyIndex index) const {
  for (const auto& p : parties) {
    if (p.index == index) return &p;
  }
  return nullptr;
}

const store::Party* Directory::PartyByCode(std::string_view code) const {
  for (const auto& p : parties) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

const store::Collection* Directory::FindCollection(std::string_view id_or_alias) const {
  for (const auto& c : collections) {
    if (c.id == id_or_alias || c.alias == id_or_alias) return &c;
  }
  return nullptr;
}

const store::Collection* Directory::Coalition() const { return FindCollection(kCoalitionAlias); }

bool CanAccessCollection(const policy::Reader& reader, const store::Collection& c) {
  return !c.owner || *c.owner == reader.party;
}

bool CanWriteCollection(const policy::Reader& reader, const store::Collection& c) {
  return CanAccessCollection(reader, c) && policy::CanWriteObjects(reader);
}

std::string KeyPath(const std::string& db_path) { return db_path + ".key"; }

std::string Hub::NewId(std::string_view type) {
  std::array<std::uint8_t, 16> random{};
  randombytes_buf(random.data(), random.size());
  return stix::MakeIdentifier(type, random);
}

std::string Hub::NewUuid() {
  std::string id = NewId("x");
  return id.substr(id.find("--") + 2);
}

Result<std::unique_ptr<Hub>> Hub::Open(const Options& options) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  if (!std::filesystem::exists(options.db_path)) {
    return NotFound("no hub at " + options.db_path + " (run tansiq init first)");
  }
  auto hub = std::unique_ptr<Hub>(new Hub());
  hub->clock_ = options.clock ? options.clock : &SystemClock();
  auto key = audit::HubKey::Load(KeyPath(options.db_path));
  if (!key.ok()) return key.status();
  hub->key_ = std::move(*key);
  auto store = store::OpenSqlite({.path = options.db_path,
                                  .clock = hub->clock_,
                                  .create = false,
                                  .notice = [](const std::string& m) { spdlog::info("{}", m); }});
  if (!store.ok()) return store.status();
  hub->store_ = std::move(*store);
  hub->auditor_ = std::make_unique<audit::Auditor>(hub->key_, *hub->clock_);
  TANSIQ_RETURN_IF_ERROR(hub->Reload());
  hub->data_dir_ = options.data_dir;
  auto settings = LoadSettings(*hub->store_);
  if (!settings.ok()) return settings.status();
  hub->set_settings(std::move(*settings));
  return hub;
}

namespace {
std::optional<std::string> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

void Hub::LoadReferenceData() const {
  std::call_once(reference_once_, [this] { LoadReferenceDataNow(); });
}

std::string Hub::data_dir() const {
  if (!data_dir_.empty()) return data_dir_;
  const char* env = std::getenv("TANSIQ_DATA");
  return env && *env ? env : TANSIQ_DEFAULT_DATA_DIR;
}

void Hub::LoadReferenceDataNow() const {
  const std::filesystem::path dir = data_dir();
  std::vector<std::string> texts, names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "aliases", ec)) {
    if (entry.path().extension() != ".jsonl") continue;
    if (auto text = ReadFile(entry.path())) {
      texts.push_back(std::move(*text));
      names.push_back(entry.path().filename().string());
    }
  }
  std::vector<text::AliasFile> files;
  for (std::size_t i = 0; i < texts.size(); ++i) files.push_back({names[i], texts[i]});
  if (files.empty()) {
    spdlog::warn("no alias registry under {}: searches are not expanded through aliases",
                 dir.string());
  } else if (auto registry = text::AliasRegistry::Parse(files); registry.ok()) {
    aliases_ = std::move(*registry);
  } else {
    spdlog::warn("alias registry: {}", registry.status().message());
  }
  if (auto tsv = ReadFile(dir / "gazetteer" / "places.tsv")) {
    if (auto g = text::Gazetteer::Parse(*tsv); g.ok()) {
      gazetteer_ = std::move(*g);
    } else {
      spdlog::warn("gazetteer: {}", g.status().message());
    }
  } else {
    spdlog::warn("no gazetteer under {}", dir.string());
  }
  if (auto tsv = ReadFile(dir / "gazetteer" / "countries.tsv")) {
    if (auto g = text::Gazetteer::Parse(*tsv); g.ok()) {
      countries_ = std::move(*g);
    } else {
      spdlog::warn("countries: {}", g.status().message());
    }
  }
}

Settings Hub::settings() const {
  MutexLock lock(mu_);
  return settings_;
}

void Hub::set_settings(Settings settings) {
  set_search_bounds(settings.search_total_bound, settings.search_rank_window);
  MutexLock lock(mu_);
  settings_ = std::move(settings);
}

std::shared_ptr<const Directory> Hub::directory() const {
  MutexLock lock(mu_);
  return directory_;
}

Status Hub::Reload() {
  auto d = std::make_shared<Directory>();
  auto parties = store_->Parties();
  if (!parties.ok()) return parties.status();
  d->parties = std::move(*parties);
  for (const auto& p : d->parties) d->all_parties |= policy::Bit(p.index);
  auto collections = store_->Collections();
  if (!collections.ok()) return collections.status();
  d->collections = std::move(*collections);
  auto name = store_->Meta("hub.name");
  if (!name.ok()) return name.status();
  d->hub_name = name->value_or("Tansiq hub");
  auto identity = store_->Meta("hub.identity");
  if (!identity.ok()) return identity.status();
  d->hub_identity = identity->value_or("");
  MutexLock lock(mu_);
  directory_ = std::move(d);
  return Status::Ok();
}

void Hub::ProbeWrite(std::string value, std::function<void(Status)> done) {
  store_->Submit([value = std::move(value)](
                     store::WriteTxn& txn) { return txn.PutMeta("ops.readiness_probe", value); },
                 std::move(done));
}

}  // namespace tansiq::hub
