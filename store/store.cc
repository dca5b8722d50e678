// Backend-independent parts of the Store interface.
#include "store/store.h"

#include <future>

namespace tansiq::store {

Status Store::Write(WriteJob job) {
  std::promise<Status> done;
  std::future<Status> result = done.get_future();
  Submit(std::move(job), [&done](Status s) { done.set_value(std::move(s)); });
  return result.get();
}

}  // namespace tansiq::store
