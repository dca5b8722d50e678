// Bridges callback APIs (store write completions on the writer thread) into coroutines:
// the result is handed back on the awaiting coroutine's executor.
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tansiq::server {

// `start(callback)` begins the operation; `callback(T)` may run on any thread, once.
// Callers keep `start` in a named local: GCC 12 mishandles temporaries inside co_await.
template <typename T, typename Start>
boost::asio::awaitable<T> Await(Start& start) {
  namespace asio = boost::asio;
  auto executor = co_await asio::this_coro::executor;
  auto holder =
      co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::shared_ptr<T>)>(
          [&start, executor](auto handler) {
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            // Tracked: the io_context keeps running (shutdown waits) until the result is back.
            auto tracked = asio::prefer(executor, asio::execution::outstanding_work.tracked);
            start(std::function<void(T)>([h, tracked](T value) {
              auto v = std::make_shared<T>(std::move(value));
              asio::post(tracked, [h, v]() mutable { std::move (*h)(v); });
            }));
          },
          asio::use_awaitable);
  co_return std::move(*holder);
}

}  // namespace tansiq::server
