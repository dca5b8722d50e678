// Clang thread-safety annotations (-Wthread-safety), as in Abseil's and LevelDB's
// thread_annotations.h: the compiler checks that a member marked TANSIQ_GUARDED_BY(mu_) is
// only touched with mu_ held. They expand to nothing on other compilers. Use them with
// base/mutex.h, whose Mutex is a capability.
#pragma once

#if defined(__clang__)
#define TANSIQ_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define TANSIQ_THREAD_ANNOTATION(x)
#endif

// A type whose instances are a lock (a "capability").
#define TANSIQ_CAPABILITY(x) TANSIQ_THREAD_ANNOTATION(capability(x))
// An RAII type that holds a capability for its lifetime.
#define TANSIQ_SCOPED_CAPABILITY TANSIQ_THREAD_ANNOTATION(scoped_lockable)
// A member that may only be read or written with `x` held.
#define TANSIQ_GUARDED_BY(x) TANSIQ_THREAD_ANNOTATION(guarded_by(x))
// A pointer member whose pointee may only be touched with `x` held.
#define TANSIQ_PT_GUARDED_BY(x) TANSIQ_THREAD_ANNOTATION(pt_guarded_by(x))
// A function its caller must call with the capabilities held (exclusively / shared).
#define TANSIQ_REQUIRES(...) TANSIQ_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define TANSIQ_REQUIRES_SHARED(...) \
  TANSIQ_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// A function its caller must call without the capabilities held (it takes them itself).
#define TANSIQ_EXCLUDES(...) TANSIQ_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// Functions that take or release a capability.
#define TANSIQ_ACQUIRE(...) TANSIQ_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define TANSIQ_ACQUIRE_SHARED(...) TANSIQ_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define TANSIQ_RELEASE(...) TANSIQ_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TANSIQ_RELEASE_SHARED(...) TANSIQ_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define TANSIQ_TRY_ACQUIRE(...) TANSIQ_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// Tells the analysis the capability is held here (checked at run time by the caller).
#define TANSIQ_ASSERT_CAPABILITY(x) TANSIQ_THREAD_ANNOTATION(assert_capability(x))
// A function that returns a reference to the capability `x`.
#define TANSIQ_RETURN_CAPABILITY(x) TANSIQ_THREAD_ANNOTATION(lock_returned(x))
// Turns the analysis off for one function; say why beside it.
#define TANSIQ_NO_THREAD_SAFETY_ANALYSIS TANSIQ_THREAD_ANNOTATION(no_thread_safety_analysis)
