#pragma once
// String conversion between std::string (UTF-8) and Java strings.
//
// Why not NewStringUTF/GetStringUTFChars: they use JNI's *modified* UTF-8, which differs from real
// UTF-8 for U+0000 and characters beyond the BMP; feeding them real UTF-8 (a path with an emoji in a
// report) is undefined behaviour. Going through UTF-16 (NewString/GetStringRegion) is exact.

#include <jni.h>

#include <string>
#include <string_view>

namespace stm32mp::jni {

// Null with an OutOfMemoryError pending when the JVM cannot allocate.
[[nodiscard]] jstring to_java(JNIEnv* env, std::string_view utf8);

// Invalid UTF-16 (lone surrogates) becomes U+FFFD.
[[nodiscard]] std::string from_java(JNIEnv* env, jstring s);

}  // namespace stm32mp::jni
