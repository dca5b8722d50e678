// Ingest: the write path of DESIGN.md's data flow. Objects are validated on the caller's
// thread, then one store job checks originator control, resolves releasability from the
// markings, stores each version, appends audit records and the TAXII status resource, all
// in one transaction (group-committed and fsync'ed before `done` runs).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>

#include "hub/hub.h"

namespace tansiq::hub {

struct IngestItem {
  std::string id;       // may be empty when the object had none
  std::string version;  // its modified/created as written, if any
  std::string message;  // why it failed (empty on success)
  bool ok = false;
};

struct IngestReport {
  std::string status_id;
  std::string status_json;  // the TAXII 2.1 status resource, as stored
  std::vector<IngestItem> items;
  int succeeded = 0;
  int failed = 0;
};

using IngestDone = std::function<void(Result<IngestReport>)>;

// Stores `objects` in `collection` on behalf of `writer`. Per-object problems are failures
// in the report; the rest of the envelope is stored. The call returns at once; `done` runs
// on the store's writer thread once everything is durable (or with a storage error, in
// which case nothing was stored). The caller must have checked CanWriteCollection.
void Ingest(Hub& hub, const policy::Reader& writer, const store::Collection& collection,
            boost::json::array objects, IngestDone done);

// For use cases that store objects together with records of their own (a message and its
// delivery queue): every object is stored or none is — the first refusal fails the whole job
// with Unprocessable and that refusal's text — and `also` runs in the same transaction,
// after the objects, before the audit records.
using AlsoInTxn = std::function<Status(store::WriteTxn&)>;
void IngestAll(Hub& hub, const policy::Reader& writer, const store::Collection& collection,
               boost::json::array objects, AlsoInTxn also, IngestDone done);

// Ingest and wait (CLI import).
Result<IngestReport> IngestAndWait(Hub& hub, const policy::Reader& writer,
                                   const store::Collection& collection, boost::json::array objects);

// Deletes the selected versions of `id` from `collection` (TAXII DELETE). NotFound when the
// object is absent from the collection or invisible to `writer`; PermissionDenied when it is
// visible but `writer` is not an officer or admin of its originating party.
void DeleteObject(Hub& hub, const policy::Reader& writer, const store::Collection& collection,
                  std::string id, store::DeleteSelector which, std::function<void(Status)> done);

}  // namespace tansiq::hub
