// Hub: opening an initialised hub and keeping its directory snapshot.
#include "hub/hub.h"

#include <sodium.h>

#include <array>
#include <filesystem>

#include "stix/identifier.h"

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
  auto store = store::OpenSqlite({.path = options.db_path, .clock = hub->clock_, .create = false});
  if (!store.ok()) return store.status();
  hub->store_ = std::move(*store);
  hub->auditor_ = std::make_unique<audit::Auditor>(hub->key_, *hub->clock_);
  TANSIQ_RETURN_IF_ERROR(hub->Reload());
  return hub;
}

std::shared_ptr<const Directory> Hub::directory() const {
  std::lock_guard lock(mu_);
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
  std::lock_guard lock(mu_);
  directory_ = std::move(d);
  return Status::Ok();
}

}  // namespace tansiq::hub
