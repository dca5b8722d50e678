// Audit chain: hashing, appending inside write jobs, sealing with Ed25519, verification.
#include "audit/audit.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace tansiq::audit {
namespace {

std::string Hex(const unsigned char* data, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

bool Unhex(std::string_view hex, unsigned char* out, std::size_t n) {
  std::size_t len = 0;
  return sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 && len == n;
}

void Feed(crypto_hash_sha256_state& st, std::string_view field) {
  std::uint64_t n = field.size();
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  crypto_hash_sha256_update(&st, len, sizeof len);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(field.data()),
                            field.size());
}

std::string SealMessage(std::int64_t seq, std::string_view hash) {
  return "tansiq-audit-seal:" + std::to_string(seq) + ":" + std::string(hash);
}

}  // namespace

Result<HubKey> HubKey::Load(const std::string& path) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  std::ifstream in(path);
  if (!in) return NotFound("hub key file " + path + " is missing");
  std::string hex;
  in >> hex;
  HubKey key;
  if (!Unhex(hex, key.secret_.data(), key.secret_.size())) {
    return Unprocessable("hub key file " + path + " is corrupt");
  }
  crypto_sign_ed25519_sk_to_pk(key.public_.data(), key.secret_.data());
  return key;
}

Result<HubKey> HubKey::LoadOrCreate(const std::string& path) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  struct stat sb {};
  if (::stat(path.c_str(), &sb) == 0) return Load(path);
  HubKey key;
  crypto_sign_keypair(key.public_.data(), key.secret_.data());
  std::string tmp = path + ".tmp";
  {
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f) return Unavailable("cannot write hub key file " + path);
    ::chmod(tmp.c_str(), 0600);
    std::string hex = Hex(key.secret_.data(), key.secret_.size()) + "\n";
    bool ok = std::fwrite(hex.data(), 1, hex.size(), f) == hex.size() && std::fflush(f) == 0 &&
              ::fsync(fileno(f)) == 0;
    std::fclose(f);
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
      return Unavailable("cannot write hub key file " + path);
    }
  }
  return key;
}

std::string HubKey::PublicKeyHex() const { return Hex(public_.data(), public_.size()); }

std::string HubKey::SignHex(std::string_view message) const {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_.data());
  return Hex(sig, sizeof sig);
}

bool HubKey::VerifyHex(std::string_view public_key_hex, std::string_view message,
                       std::string_view signature_hex) {
  if (sodium_init() < 0) return false;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sig[crypto_sign_BYTES];
  if (!Unhex(public_key_hex, pk, sizeof pk) || !Unhex(signature_hex, sig, sizeof sig)) {
    return false;
  }
  return crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), pk) == 0;
}

std::array<unsigned char, 32> HubKey::DeriveKey(std::string_view context) const {
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(context.data()),
                     context.size(), secret_.data(), 32);
  return out;
}

std::string RecordHash(const store::AuditRecord& r) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  Feed(st, r.prev_hash);
  Feed(st, std::to_string(r.seq));
  Feed(st, std::to_string(r.at));
  Feed(st, r.actor);
  Feed(st, r.party);
  Feed(st, r.action);
  Feed(st, r.target);
  Feed(st, r.outcome);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  return Hex(out, sizeof out);
}

Status Auditor::Append(store::WriteTxn& txn, const std::vector<Entry>& entries) {
  if (entries.empty()) return Status::Ok();
  auto last = txn.LastAudit();
  if (!last.ok()) return last.status();
  std::int64_t seq = last->has_value() ? (*last)->seq : 0;
  std::string prev = last->has_value() ? (*last)->hash : std::string(kGenesisHash);
  const Micros now = clock_.NowMicros();
  for (const auto& e : entries) {
    store::AuditRecord r{++seq, now, e.actor, e.party, e.action, e.target, e.outcome, prev, ""};
    r.hash = RecordHash(r);
    TANSIQ_RETURN_IF_ERROR(txn.AppendAudit(r));
    prev = r.hash;
  }
  Micros last_seal = last_seal_.load();
  if (now - last_seal >= seal_interval_ && last_seal_.compare_exchange_strong(last_seal, now)) {
    TANSIQ_RETURN_IF_ERROR(txn.AppendSeal({seq, prev, key_.SignHex(SealMessage(seq, prev)), now}));
  }
  return Status::Ok();
}

void Auditor::Record(store::Store& store, std::vector<Entry> entries) {
  store.Submit([this, e = std::move(entries)](store::WriteTxn& t) { return Append(t, e); },
               nullptr);
}

Result<VerifyReport> Verify(store::Store& store, std::string_view public_key_hex) {
  VerifyReport report;
  std::int64_t expect_seq = 1;
  std::string prev(kGenesisHash);
  std::vector<std::pair<std::int64_t, std::string>> hashes;  // seq → hash, for seals
  Status scan = store.ScanAudit([&](const store::AuditRecord& r) {
    std::ostringstream why;
    if (r.seq != expect_seq) {
      why << "record " << r.seq << ": expected sequence number " << expect_seq
          << " (a record was deleted or inserted)";
    } else if (r.prev_hash != prev) {
      why << "record " << r.seq << ": does not follow record " << r.seq - 1
          << " (chain broken: inserted, deleted or reordered)";
    } else if (RecordHash(r) != r.hash) {
      why << "record " << r.seq << ": content does not match its hash (modified)";
    }
    if (!why.str().empty()) {
      report.problem = why.str();
      return false;
    }
    hashes.emplace_back(r.seq, r.hash);
    prev = r.hash;
    ++expect_seq;
    ++report.records;
    return true;
  });
  TANSIQ_RETURN_IF_ERROR(scan);
  if (!report.problem.empty()) return report;
  auto seals = store.Seals();
  if (!seals.ok()) return seals.status();
  for (const auto& s : *seals) {
    if (!HubKey::VerifyHex(public_key_hex, SealMessage(s.seq, s.hash), s.signature)) {
      report.problem = "seal at record " + std::to_string(s.seq) + ": bad signature";
      return report;
    }
    if (s.seq < 1 || s.seq > report.records) {
      report.problem = "seal at record " + std::to_string(s.seq) +
                       ": the record is missing (records were deleted from the end)";
      return report;
    }
    if (hashes[static_cast<std::size_t>(s.seq - 1)].second != s.hash) {
      report.problem = "seal at record " + std::to_string(s.seq) + ": chain hash differs";
      return report;
    }
    ++report.seals;
  }
  report.ok = true;
  return report;
}

}  // namespace tansiq::audit
