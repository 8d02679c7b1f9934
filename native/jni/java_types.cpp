#include "java_types.h"

#include <string>

#include "java_string.h"

namespace stm32mp::jni {
namespace {

JavaTypes g_types;

// Returns a global reference, or null with a Java exception pending (NoClassDefFoundError).
jclass global_class(JNIEnv* env, const char* name) {
  jclass local = env->FindClass(name);
  if (local == nullptr) return nullptr;
  auto global = static_cast<jclass>(env->NewGlobalRef(local));
  env->DeleteLocalRef(local);
  return global;
}

bool resolve(JNIEnv* env) {
  JavaTypes t;
  t.request_exception = global_class(env, "com/stm32mp/prelaunch/bridge/RequestException");
  if (t.request_exception == nullptr) return false;
  t.request_exception_ctor = env->GetMethodID(t.request_exception, "<init>", "(Ljava/lang/String;Ljava/lang/String;)V");
  if (t.request_exception_ctor == nullptr) return false;
  t.internal_exception = global_class(env, "com/stm32mp/prelaunch/bridge/InternalBridgeException");
  if (t.internal_exception == nullptr) return false;
  t.internal_exception_ctor = env->GetMethodID(t.internal_exception, "<init>", "(Ljava/lang/String;)V");
  if (t.internal_exception_ctor == nullptr) return false;
  t.illegal_state = global_class(env, "java/lang/IllegalStateException");
  t.null_pointer = global_class(env, "java/lang/NullPointerException");
  t.illegal_argument = global_class(env, "java/lang/IllegalArgumentException");
  if (t.illegal_state == nullptr || t.null_pointer == nullptr || t.illegal_argument == nullptr) return false;
  g_types = t;
  return true;
}

void release(JNIEnv* env) {
  for (jclass c : {g_types.request_exception, g_types.internal_exception, g_types.illegal_state,
                   g_types.null_pointer, g_types.illegal_argument}) {
    if (c != nullptr) env->DeleteGlobalRef(c);
  }
  g_types = JavaTypes{};
}

void throw_object(JNIEnv* env, jclass type, jmethodID ctor, jstring a, jstring b) {
  jobject ex = b == nullptr ? env->NewObject(type, ctor, a) : env->NewObject(type, ctor, a, b);
  if (ex != nullptr) env->Throw(static_cast<jthrowable>(ex));
  // else NewObject already left an exception (OutOfMemoryError) pending: that one reaches Java.
}

}  // namespace

const JavaTypes& java_types() { return g_types; }

void throw_new(JNIEnv* env, jclass type, std::string_view message) {
  env->ThrowNew(type, std::string(message).c_str());
}

void throw_request_error(JNIEnv* env, std::string_view code, std::string_view message) {
  jstring c = to_java(env, code);
  jstring m = c == nullptr ? nullptr : to_java(env, message);
  if (m == nullptr) return;  // OutOfMemoryError pending
  throw_object(env, g_types.request_exception, g_types.request_exception_ctor, c, m);
}

void throw_internal_error(JNIEnv* env, std::string_view message) {
  jstring m = to_java(env, message);
  if (m == nullptr) return;
  throw_object(env, g_types.internal_exception, g_types.internal_exception_ctor, m, nullptr);
}

}  // namespace stm32mp::jni

extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void* /*reserved*/) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_10) != JNI_OK) return JNI_ERR;
  // On failure a NoClassDefFoundError/NoSuchMethodError is pending; returning JNI_ERR makes
  // System.loadLibrary throw an UnsatisfiedLinkError, which PreLaunch keeps as the load error.
  return stm32mp::jni::resolve(env) ? JNI_VERSION_10 : JNI_ERR;
}

extern "C" JNIEXPORT void JNICALL JNI_OnUnload(JavaVM* vm, void* /*reserved*/) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_10) == JNI_OK) stm32mp::jni::release(env);
}
