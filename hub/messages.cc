// The Messenger's life cycle (start, flush, shutdown), its metrics and webhook rows, and the
// public entry points, which forward to Messenger::Impl (internal/messenger_impl.h: one file
// per job beside this one).
#include "hub/messages.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "hub/internal/messenger_impl.h"

namespace tansiq::hub {

namespace json = boost::json;
using dissem::DeliveryAction;
using dissem::OutgoingFrame;

Messenger::Impl::Impl(Hub& hub, MessagingOptions options)
    : hub_(hub),
      options_(options),
      tracker_(hub.clock(), options_.policy, [this](const Member& m) { return AlternatesOf(m); }),
      // No copy of all N rows per confirmation; never while a Tick is between changing
      // messages and counting their writes (PendingWrites).
      writes_([this](const std::string& id) { tracker_.ForgetIf(id, Settled); }),
      watches_(hub, [this](HubMessage m, DoneWith done) {
        SendFromHub(std::move(m), std::move(done));
      }) {}

Messenger::Impl::~Impl() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  if (timer_.joinable()) timer_.join();
  watches_.Stop();
  writes_.Wait();
}

Status Messenger::Impl::Start() {
  auto ids = hub_.store().MessagesWithDeadlines();
  if (!ids.ok()) return ids.status();
  for (const auto& id : *ids) {
    auto tracked = EnsureTracked(id);
    if (!tracked.ok()) return tracked.status();
  }
  TANSIQ_RETURN_IF_ERROR(watches_.Start());
  if (options_.start_timer) timer_ = std::thread([this] { TimerLoop(); });
  if (!ids->empty()) spdlog::info("dissemination: resumed {} message(s)", ids->size());
  return Status::Ok();
}

void Messenger::Impl::Flush() {
  writes_.Wait();
  watches_.WaitForWrites();
  hub_.commits().Drain();
  writes_.Wait();
  watches_.WaitForWrites();
}

std::string Messenger::Impl::Metrics() {
  DrainSamples();
  return metrics_.Text(tracker_.size());
}

void Messenger::Impl::DrainSamples() { metrics_.Add(tracker_.TakeLatencySamples()); }

std::vector<store::WebhookDelivery> Messenger::Impl::HookRows(const Member& to,
                                                              const std::string& message_id,
                                                              int realert,
                                                              const std::string& escalated_for) {
  WebhookOutbox* w = outbox_.load();
  if (!w) return {};
  return w->RowsFor(to.AsReader(), message_id, realert, escalated_for);
}

void Messenger::Impl::HooksEnqueued(const std::vector<store::WebhookDelivery>& rows) {
  if (rows.empty()) return;
  if (WebhookOutbox* w = outbox_.load()) w->Enqueued(rows);
}

Messenger::Messenger(Hub& hub, MessagingOptions options)
    : impl_(std::make_unique<Impl>(hub, options)) {}
Messenger::~Messenger() = default;
void Messenger::SetSink(PushSink* sink) { impl_->SetSink(sink); }
void Messenger::SetWebhookOutbox(WebhookOutbox* outbox) { impl_->SetWebhookOutbox(outbox); }
Result<std::string> Messenger::FrameFor(const policy::Reader& to, std::string_view message_id,
                                        int realert, std::string_view escalated_for) {
  return impl_->FrameFor(to, message_id, realert, escalated_for);
}
Status Messenger::Start() { return impl_->Start(); }
void Messenger::Send(const policy::Reader& sender, const json::object& body, SendDone done) {
  impl_->Send(sender, body, std::move(done));
}
void Messenger::SendFromHub(HubMessage message, DoneWith done) {
  impl_->SendFromHub(std::move(message), std::move(done));
}
void Messenger::Received(const policy::Reader& reader, std::string id, std::string session,
                         DoneStatus done) {
  impl_->Apply(reader, std::move(id), Impl::Change::kReceived, std::move(session), std::move(done));
}
void Messenger::Read(const policy::Reader& reader, std::string id, DoneStatus done) {
  impl_->Apply(reader, std::move(id), Impl::Change::kRead, "", std::move(done));
}
void Messenger::Acknowledge(const policy::Reader& reader, std::string id, DoneStatus done) {
  impl_->Apply(reader, std::move(id), Impl::Change::kAcknowledged, "", std::move(done));
}
Result<std::vector<OutgoingFrame>> Messenger::Pending(const policy::Reader& reader) {
  return impl_->Pending(reader);
}
Result<std::string> Messenger::View(const policy::Reader& reader, std::string_view id) {
  return impl_->View(reader, id);
}
Result<std::string> Messenger::List(const policy::Reader& reader, bool sent, std::size_t limit,
                                    std::size_t offset) {
  return impl_->List(reader, sent, limit, offset);
}
void Messenger::AddWatch(const policy::Reader& reader, const json::object& body, DoneWith done) {
  impl_->watches().Add(reader, body, std::move(done));
}
Result<std::string> Messenger::ListWatches(const policy::Reader& reader) {
  return impl_->watches().List(reader);
}
void Messenger::DeleteWatch(const policy::Reader& reader, std::string id, DoneStatus done) {
  impl_->watches().Delete(reader, std::move(id), std::move(done));
}
std::vector<DeliveryAction> Messenger::Tick() { return impl_->Tick(); }
std::string Messenger::Metrics() { return impl_->Metrics(); }
void Messenger::Flush() { impl_->Flush(); }

}  // namespace tansiq::hub
