// Ingest and delete: validation off the writer thread, originator control and releasability
// inside the write job, audit and status in the same transaction.
#include "hub/ingest.h"

#include <future>
#include <memory>
#include <unordered_map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "stix/markings.h"
#include "stix/object.h"
#include "stix/search_text.h"
#include "stix/timestamp.h"
#include "text/analyzer.h"

namespace tansiq::hub {
namespace json = boost::json;
namespace {

// One object of the envelope after validation on the request thread.
struct Prepared {
  std::string id;
  std::string version_text;
  stix::ObjectFacts facts;
  std::string json;
  std::string error;                           // non-empty: refused before reaching the store
  std::optional<stix::Releasability> defines;  // it is a Tansiq releasability marking
  stix::SearchText search;
  std::shared_ptr<const void> prepared_search;  // analysed here, not on the writer thread
};

std::string StringOr(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

Prepared Prepare(const json::value& value, const policy::Reader& writer, const Directory& dir,
                 store::Store& store) {
  Prepared p;
  const json::object* o = value.if_object();
  if (!o) {
    p.error = "envelope entry is not a JSON object";
    return p;
  }
  p.id = StringOr(*o, "id");
  p.version_text = StringOr(*o, "modified");
  if (p.version_text.empty()) p.version_text = StringOr(*o, "created");
  auto facts = stix::Inspect(*o);
  if (!facts.ok()) {
    p.error = facts.status().message();
    return p;
  }
  p.facts = std::move(*facts);
  if (Status granular = stix::CheckGranularMarkings(*o, p.facts.object_marking_refs);
      !granular.ok()) {
    p.error = granular.message();  // a part of the object the hub could not withhold
    return p;
  }
  const store::Party* party = dir.PartyByIndex(writer.party);
  const std::string& own_identity =
      party ? party->identity_id : (writer.party == kHubParty ? dir.hub_identity : p.id);
  if (p.facts.created_by_ref && *p.facts.created_by_ref != own_identity &&
      (dir.PartyOfIdentity(*p.facts.created_by_ref) ||
       *p.facts.created_by_ref == dir.hub_identity)) {
    // Another party's (or the hub's) identity: nobody writes in another party's name. An author
    // who is no party of the hub (MITRE ATT&CK, a vendor, a news agency) is third-party content:
    // its bytes and created_by_ref are kept, and the writer's party — the contributor — is the
    // originator for the visibility rule and originator control (ReleasabilityResolver).
    p.error = "created_by_ref is another party's identity: a party writes as itself (" +
              (party ? party->identity_id : std::string("none")) +
              ") or contributes content of authors who are not parties";
    return p;
  }
  if (p.facts.type == "marking-definition") {
    auto rel = stix::ParseReleasability(*o);
    if (!rel.ok()) {
      p.error = rel.status().message();
      return p;
    }
    p.defines = std::move(*rel);
  }
  if (writer.party == kHubParty && p.facts.type == stix::kMessageType) {
    // The hub's own messages (watch notices, alerts, briefs) are made of what their
    // references said: a recall of one hides the message object with it.
    if (const json::value* refs = o->if_contains("object_refs"); refs && refs->is_array()) {
      for (const auto& r : refs->get_array()) {
        if (r.is_string()) p.facts.gate_refs.emplace_back(r.get_string());
      }
    }
  }
  p.json = json::serialize(value);
  p.search = stix::ExtractSearchText(*o);
  if (p.search.lang.empty()) {  // no STIX lang: the script decides, here rather than at write
    p.search.lang =
        std::string(text::LangCode(text::DetectLang(p.search.names + "\n" + p.search.body)));
  }
  p.prepared_search = store.PrepareSearch(p.search);
  return p;
}

// Resolves releasability inside the write job; records failures as messages.
class ReleasabilityResolver {
 public:
  ReleasabilityResolver(store::WriteTxn& txn, const policy::Reader& writer, const Directory& dir,
                        const std::unordered_map<std::string, std::string>& user_parties)
      : txn_(txn), writer_(writer), dir_(dir), user_parties_(user_parties) {}

  // Remembers a releasability marking stored earlier in this envelope.
  void Defined(const std::string& id, const stix::Releasability& r) { known_[id] = r; }

  Result<policy::Releasability> For(const Prepared& p) {
    auto party_of = [&](std::string_view identity) { return dir_.PartyOfIdentity(identity); };
    if (p.facts.type == "identity" && dir_.PartyOfIdentity(p.id) == writer_.party) {
      return policy::Public(writer_.party, dir_.all_parties);  // a party's own identity
    }
    if (p.defines) {
      auto rel = policy::MarkingDefinitionReleasability(writer_.party, *p.defines, party_of);
      if (!rel.ok()) return rel.status();
      for (const auto& name : p.defines->recipients) {
        if (!user_parties_.contains(name)) {
          return InvalidArgument("recipients: " + name + " is not a user of this hub");
        }
      }
      return rel;
    }
    std::optional<stix::Releasability> marking;
    for (const auto& ref : p.facts.object_marking_refs) {
      if (stix::TlpOfMarking(ref) != stix::Tlp::kNone) continue;
      auto found = Lookup(ref);
      if (!found.ok()) return found.status();
      if (!found->has_value()) continue;  // some other kind of marking
      if (marking) return InvalidArgument("more than one releasability marking");
      marking = std::move(**found);
    }
    return policy::ComputeReleasability(writer_.party,
                                        stix::StrictestTlp(p.facts.object_marking_refs), marking,
                                        dir_.all_parties, party_of);
  }

 private:
  // The releasability carried by marking-definition `id`, if it is one of this party's.
  Result<std::optional<stix::Releasability>> Lookup(const std::string& id) {
    auto it = known_.find(id);
    if (it != known_.end()) return it->second;
    auto found = Resolve(id);
    if (found.ok()) known_.emplace(id, *found);  // an envelope usually reuses one marking
    return found;
  }

  Result<std::optional<stix::Releasability>> Resolve(const std::string& id) {
    auto head = txn_.GetHead(id);
    if (!head.ok()) return head.status();
    if (!head->has_value()) return std::optional<stix::Releasability>();
    auto text = txn_.GetLatestJson(id);
    if (!text.ok()) return text.status();
    if (!text->has_value()) return std::optional<stix::Releasability>();
    boost::system::error_code ec;
    json::value v = json::parse(**text, ec);
    if (ec || !v.is_object()) return Internal("stored marking-definition is not JSON");
    auto rel = stix::ParseReleasability(v.get_object());
    if (!rel.ok()) return rel.status();
    if (rel->has_value() && (*head)->releasability.originator != writer_.party) {
      // Another party's marking: the writer may not borrow it (nor learn what it says).
      return InvalidArgument("marking " + id +
                             " is not one of your party's releasability markings");
    }
    return std::move(*rel);
  }

  store::WriteTxn& txn_;
  const policy::Reader& writer_;
  const Directory& dir_;
  const std::unordered_map<std::string, std::string>& user_parties_;
  // Markings resolved so far in this job, stored earlier or defined in the envelope.
  std::unordered_map<std::string, std::optional<stix::Releasability>> known_;
};

json::object StatusResource(const std::string& id, Micros requested,
                            const std::vector<IngestItem>& items, int ok, int failed) {
  json::array successes, failures;
  for (const auto& item : items) {
    json::object d;
    d["id"] = item.id;
    if (!item.version.empty()) d["version"] = item.version;
    if (!item.ok) d["message"] = item.message;
    (item.ok ? successes : failures).push_back(std::move(d));
  }
  json::object s;
  s["id"] = id;
  s["status"] = "complete";
  s["request_timestamp"] = stix::FormatMicros(requested);
  s["total_count"] = ok + failed;
  s["success_count"] = ok;
  // TAXII 2.1 forbids empty lists: a list with nothing in it is left out (its count stays).
  if (!successes.empty()) s["successes"] = std::move(successes);
  s["failure_count"] = failed;
  if (!failures.empty()) s["failures"] = std::move(failures);
  s["pending_count"] = 0;  // every envelope completes in its write job: never a "pendings"
  return s;
}

std::string PartyCode(const Directory& dir, policy::PartyIndex p) {
  const store::Party* party = dir.PartyByIndex(p);
  return party ? party->code : "-";
}

}  // namespace

namespace {

void IngestImpl(Hub& hub, const policy::Reader& writer, const store::Collection& collection,
                json::array objects, AlsoInTxn also, IngestDone done) {
  auto dir = hub.directory();
  const Micros requested = hub.clock().NowMicros();
  auto prepared = std::make_shared<std::vector<Prepared>>();
  prepared->reserve(objects.size());
  for (const auto& v : objects) prepared->push_back(Prepare(v, writer, *dir, hub.store()));
  objects.clear();

  // User name → party code, for RED recipients. Read before the job (not on the writer).
  auto user_parties = std::make_shared<std::unordered_map<std::string, std::string>>();
  bool needs_users = false;
  for (const auto& p : *prepared) needs_users |= p.defines && !p.defines->recipients.empty();
  if (needs_users) {
    auto users = hub.store().Users();
    if (!users.ok()) return done(users.status());
    for (const auto& u : *users) {
      const store::Party* party = dir->PartyByIndex(u.party);
      (*user_parties)[u.name] = party ? party->code : "";
    }
  }

  auto report = std::make_shared<IngestReport>();
  report->status_id = Hub::NewUuid();
  // What listeners see after commit; built only when someone listens.
  auto event = hub.commits().active() ? std::make_shared<CommitEvent>() : nullptr;
  if (event) event->writer = writer;
  auto job = [&hub, writer, collection, dir, prepared, user_parties, report, event, requested,
              also = std::move(also)](store::WriteTxn& txn) -> Status {
    if (event) event->objects.clear();  // a job may run again after a failed group
    report->items.clear();
    report->succeeded = report->failed = 0;
    ReleasabilityResolver resolver(txn, writer, *dir, *user_parties);
    std::vector<audit::Entry> audit;
    audit.reserve(prepared->size());
    const std::string party_code = PartyCode(*dir, writer.party);
    for (const Prepared& p : *prepared) {
      IngestItem item{p.id, p.version_text, p.error, false};
      if (item.message.empty()) {
        auto head = txn.GetHead(p.id);
        if (!head.ok()) return head.status();
        if (head->has_value() && (*head)->releasability.originator != writer.party) {
          item.message = "only the originating party may add versions of this object";
        } else if (!head->has_value()) {
          // A deleted id stays its originator's: nobody else re-creates what others' objects
          // (relationships, notices) still name.
          auto deleted = txn.DeletedBy(p.id);
          if (!deleted.ok()) return deleted.status();
          if (deleted->has_value() && **deleted != writer.party) {
            item.message = "only the originating party may add versions of this object";
          }
        }
      }
      std::optional<policy::Releasability> rel;
      if (item.message.empty()) {
        auto r = resolver.For(p);
        if (r.ok()) {
          rel = std::move(*r);
        } else if (r.status().code() == ErrorCode::kInvalidArgument) {
          item.message = r.status().message();
        } else {
          return r.status();
        }
      }
      if (item.message.empty()) {
        store::NewVersion v;
        v.collection_id = collection.id;
        v.id = p.id;
        v.type = p.facts.type;
        v.spec_version = p.facts.spec_version;
        v.version = p.facts.version;
        v.version_text = p.facts.version ? p.version_text : "";
        v.json = p.json;
        v.refs = p.facts.all_refs;
        v.gate_refs = p.facts.gate_refs;
        v.releasability = std::move(*rel);
        v.search = p.search;
        v.prepared_search = p.prepared_search;
        auto put = txn.PutVersion(v);
        if (!put.ok()) return put.status();
        if (p.defines) resolver.Defined(p.id, *p.defines);
        if (event && !put->duplicate) {
          event->objects.push_back({p.id, p.facts.type, collection.id, put->version,
                                    put->date_added, p.json, p.search, v.releasability,
                                    p.facts.all_refs});
        }
        if (!p.facts.version) item.version = stix::FormatMicros(put->version);
        item.ok = true;
      }
      (item.ok ? report->succeeded : report->failed)++;
      audit.push_back({writer.user_name, party_code, "object.write", p.id.empty() ? "-" : p.id,
                       item.ok ? "ok" : "refused: " + item.message});
      report->items.push_back(std::move(item));
    }
    if (also) {
      for (const IngestItem& item : report->items) {
        if (!item.ok)
          return Unprocessable(item.id.empty() ? item.message : item.id + ": " + item.message);
      }
      TANSIQ_RETURN_IF_ERROR(also(txn));
    }
    report->status_json = json::serialize(StatusResource(
        report->status_id, requested, report->items, report->succeeded, report->failed));
    TANSIQ_RETURN_IF_ERROR(
        txn.PutStatus({report->status_id, writer.user_id, requested, report->status_json}));
    return hub.auditor().Append(txn, audit);
  };
  hub.store().Submit(std::move(job), [&hub, report, event, done = std::move(done)](Status s) {
    if (!s.ok()) return done(s);
    if (event && !event->objects.empty()) hub.commits().Publish(std::move(*event));
    done(std::move(*report));
  });
}

}  // namespace

void Ingest(Hub& hub, const policy::Reader& writer, const store::Collection& collection,
            json::array objects, IngestDone done) {
  IngestImpl(hub, writer, collection, std::move(objects), nullptr, std::move(done));
}

void IngestAll(Hub& hub, const policy::Reader& writer, const store::Collection& collection,
               json::array objects, AlsoInTxn also, IngestDone done) {
  if (!also) also = [](store::WriteTxn&) { return Status::Ok(); };  // still all-or-nothing
  IngestImpl(hub, writer, collection, std::move(objects), std::move(also), std::move(done));
}

Result<IngestReport> IngestAndWait(Hub& hub, const policy::Reader& writer,
                                   const store::Collection& collection, json::array objects) {
  std::promise<Result<IngestReport>> promise;
  auto future = promise.get_future();
  Ingest(hub, writer, collection, std::move(objects),
         [&promise](Result<IngestReport> r) { promise.set_value(std::move(r)); });
  return future.get();
}

void DeleteObject(Hub& hub, const policy::Reader& writer, const store::Collection& collection,
                  std::string id, store::DeleteSelector which, std::function<void(Status)> done) {
  auto dir = hub.directory();
  // An object held only in another party's private collection is as unknown to the writer as
  // an absent one (404, not the 403 below): the store's read-side rule knows collections.
  const bool readable = hub.store().IsVisible(writer, id);
  // The job always commits so that a refusal is audited too; the verdict travels beside it.
  auto verdict = std::make_shared<Status>();
  auto job = [&hub, writer, collection, dir, id = std::move(id), which = std::move(which), verdict,
              readable](store::WriteTxn& txn) -> Status {
    auto lookup = [&txn](std::string_view x) -> std::optional<policy::ObjectHead> {
      auto h = txn.GetHead(x);
      if (!h.ok()) return policy::ObjectHead{{.originator = -1}, {}};  // fail closed
      if (!h->has_value()) return std::nullopt;
      return policy::ObjectHead{(*h)->releasability, (*h)->gate_refs};
    };
    *verdict = Status::Ok();
    if (!readable || !policy::IsVisible(writer, id, lookup)) {
      *verdict = NotFound("no such object: " + id);
    } else {
      auto head = txn.GetHead(id);
      if (!head.ok()) return head.status();
      if ((*head)->releasability.originator != writer.party ||
          !(writer.roles & (policy::kOfficer | policy::kAdmin))) {
        *verdict = PermissionDenied("only an officer or admin of the originating party may delete");
      } else {
        auto n = txn.DeleteVersions(collection.id, id, which);
        if (!n.ok()) return n.status();
        if (*n == 0) *verdict = NotFound("no such object: " + id);
      }
    }
    std::string outcome = verdict->ok() ? "ok" : "refused: " + verdict->message();
    return hub.auditor().Append(
        txn, {{writer.user_name, PartyCode(*dir, writer.party), "object.delete", id, outcome}});
  };
  hub.store().Submit(std::move(job),
                     [verdict, done = std::move(done)](Status s) { done(s.ok() ? *verdict : s); });
}

}  // namespace tansiq::hub
