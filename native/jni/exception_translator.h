#pragma once
// The one place where C++ failures become Java exceptions. Every native body runs inside
// translate_exceptions(); no C++ exception ever unwinds into the JVM.
//
//   JavaError            -> the Java exception it names (IllegalState/NullPointer/IllegalArgument)
//   api::RequestError    -> RequestException carrying the registry code
//   anything else        -> InternalBridgeException (a bug: "please report")

#include <jni.h>

#include <exception>
#include <string>
#include <type_traits>

#include "api/check_run.h"
#include "java_types.h"

namespace stm32mp::jni {

// Thrown only inside native bodies (the front end's top level) to leave with a given Java exception.
struct JavaError {
  enum class Kind { illegal_state, null_pointer, illegal_argument } kind;
  std::string message;
};

template <typename Body>
auto translate_exceptions(JNIEnv* env, Body&& body) noexcept -> decltype(body()) {
  using Result = decltype(body());
  const auto fail = [] {
    if constexpr (!std::is_void_v<Result>) return Result{};
  };
  try {
    return body();
  } catch (const JavaError& e) {
    const JavaTypes& t = java_types();
    const jclass type = e.kind == JavaError::Kind::illegal_state  ? t.illegal_state
                        : e.kind == JavaError::Kind::null_pointer ? t.null_pointer
                                                                  : t.illegal_argument;
    throw_new(env, type, e.message);
  } catch (const api::RequestError& e) {
    throw_request_error(env, e.code(), e.what());
  } catch (const std::exception& e) {
    throw_internal_error(env, e.what());
  } catch (...) {
    throw_internal_error(env, "unknown C++ exception");
  }
  return fail();
}

}  // namespace stm32mp::jni
