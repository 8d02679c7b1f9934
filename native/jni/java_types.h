#pragma once
// Classes and method ids the bridge needs, resolved once in JNI_OnLoad on the loading thread (the
// right class loader under OSGi) and kept as global references. Nothing is looked up later, and no
// native worker thread ever touches JNI: Java polls.

#include <jni.h>

#include <string_view>

namespace stm32mp::jni {

struct JavaTypes {
  jclass request_exception = nullptr;    // com.stm32mp.prelaunch.bridge.RequestException(String code, String msg)
  jmethodID request_exception_ctor = nullptr;
  jclass internal_exception = nullptr;   // com.stm32mp.prelaunch.bridge.InternalBridgeException(String msg)
  jmethodID internal_exception_ctor = nullptr;
  jclass illegal_state = nullptr;        // java.lang.IllegalStateException
  jclass null_pointer = nullptr;         // java.lang.NullPointerException
  jclass illegal_argument = nullptr;     // java.lang.IllegalArgumentException
};

// Valid after a successful JNI_OnLoad.
[[nodiscard]] const JavaTypes& java_types();

// Each raises a Java exception in env; the caller must return to Java right after.
void throw_request_error(JNIEnv* env, std::string_view code, std::string_view message);
void throw_internal_error(JNIEnv* env, std::string_view message);
void throw_new(JNIEnv* env, jclass type, std::string_view message);

}  // namespace stm32mp::jni
