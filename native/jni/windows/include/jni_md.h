/* jni_md.h for Windows x86-64: the machine-dependent half of jni.h that Debian's Linux JDK cannot
   supply (its JNIEXPORT is a visibility attribute, its jlong a `long`, which is 32 bits on Windows).
   These are the types and calling convention the JNI specification fixes for 64-bit Windows: JNICALL
   is __stdcall (ignored by x86-64 compilers, kept for the 32-bit meaning), natives are exported with
   dllexport, jint is 32 bits and jlong 64 bits. */
#ifndef STM32MP_PRELAUNCH_JNI_MD_H
#define STM32MP_PRELAUNCH_JNI_MD_H

#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
#define JNICALL __stdcall

typedef int jint;
typedef long long jlong;
typedef signed char jbyte;

#endif
