// Loads stm32mp_prelaunch_jni.dll the way a JVM does (LoadLibraryW, then the Java_* natives looked
// up by name) and calls the entry points through a minimal JNIEnv: strings are the only values that
// cross (UTF-16 in, UTF-16 out). Debian has no Windows JVM, so this stands in for one under wine.
// Usage: jni_load_test <dll> <recorded device tree .json> [<work dir>]; prints what it checked, exit 0
// when all held. With a work dir, a check runs through start/waitFor/result/close on a launch file and an
// image in a folder whose name no ANSI code page can spell (Greek and Chinese): the DLL runs in the JVM's
// code page, not the .exe's UTF-8 one, so only UTF-8 → UTF-16 opens find them.
#include <windows.h>

#include <jni.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

struct FakeString {
  std::u16string units;
};

int g_failures = 0;
std::string g_thrown;

void check(bool ok, const char* what, const std::string& detail = "") {
  std::printf("%s: %s%s%s\n", ok ? "ok" : "FAILED", what, detail.empty() ? "" : " -- ", detail.c_str());
  if (!ok) ++g_failures;
}

jstring JNICALL new_string(JNIEnv*, const jchar* units, jsize n) {
  return reinterpret_cast<jstring>(new FakeString{std::u16string(reinterpret_cast<const char16_t*>(units), static_cast<std::size_t>(n))});
}
jsize JNICALL string_length(JNIEnv*, jstring s) { return static_cast<jsize>(reinterpret_cast<FakeString*>(s)->units.size()); }
void JNICALL string_region(JNIEnv*, jstring s, jsize start, jsize n, jchar* out) {
  std::memcpy(out, reinterpret_cast<FakeString*>(s)->units.data() + start, static_cast<std::size_t>(n) * sizeof(jchar));
}
// Exceptions: the library throws through FindClass + ThrowNew (or NewObject + Throw); record them.
std::string g_last_class;
jclass JNICALL find_class(JNIEnv*, const char* name) {
  g_last_class = name;
  return reinterpret_cast<jclass>(1);
}
jint JNICALL throw_new(JNIEnv*, jclass, const char* message) {
  g_thrown = g_last_class + ": " + message;
  return 0;
}
jint JNICALL throw_object(JNIEnv*, jthrowable) {
  g_thrown = "Throw(an exception object)";
  return 0;
}
jmethodID JNICALL method_id(JNIEnv*, jclass, const char*, const char*) { return reinterpret_cast<jmethodID>(1); }
jobject JNICALL new_object(JNIEnv*, jclass, jmethodID, ...) { return reinterpret_cast<jobject>(1); }
// jni.h's C++ JNIEnv::NewObject forwards its arguments to NewObjectV.
jobject JNICALL new_object_v(JNIEnv*, jclass, jmethodID, va_list) { return reinterpret_cast<jobject>(1); }
jobject JNICALL new_global_ref(JNIEnv*, jobject o) { return o; }
void JNICALL delete_ref(JNIEnv*, jobject) {}
jboolean JNICALL exception_check(JNIEnv*) { return g_thrown.empty() ? JNI_FALSE : JNI_TRUE; }

JNIEnv* g_env = nullptr;
jint JNICALL get_env(JavaVM*, void** env, jint) {
  *env = g_env;
  return JNI_OK;
}

std::wstring widen(const std::string& s) {
  const int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

// Writes `content` to the UTF-8 `path` through the wide API (what a Java program's files are to Windows).
bool write_wide(const std::string& path, const std::string& content) {
  const HANDLE h = CreateFileW(widen(path).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) return false;
  DWORD written = 0;
  const BOOL ok = WriteFile(h, content.data(), static_cast<DWORD>(content.size()), &written, nullptr);
  CloseHandle(h);
  return ok != 0 && written == content.size();
}

std::string json_escaped(const std::string& s) {
  std::string out;
  for (const char c : s) out += c == '\\' ? std::string("\\\\") : std::string(1, c);
  return out;
}

std::string to_utf8(jstring s) {
  if (s == nullptr) return "<null>";
  const auto& u = reinterpret_cast<FakeString*>(s)->units;
  const int n = WideCharToMultiByte(CP_UTF8, 0, reinterpret_cast<const wchar_t*>(u.data()), static_cast<int>(u.size()), nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, reinterpret_cast<const wchar_t*>(u.data()), static_cast<int>(u.size()), out.data(), n, nullptr, nullptr);
  return out;
}

jstring from_utf8(JNIEnv* env, const std::string& s) {
  const int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return new_string(env, reinterpret_cast<const jchar*>(w.data()), static_cast<jsize>(w.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: jni_load_test <dll> <device tree .json> [<work dir>]\n");
    return 2;
  }
  JNINativeInterface_ table{};
  table.NewString = new_string;
  table.GetStringLength = string_length;
  table.GetStringRegion = string_region;
  table.FindClass = find_class;
  table.ThrowNew = throw_new;
  table.Throw = throw_object;
  table.GetMethodID = method_id;
  table.NewObject = new_object;
  table.NewObjectV = new_object_v;
  table.NewGlobalRef = new_global_ref;
  table.DeleteGlobalRef = delete_ref;
  table.DeleteLocalRef = delete_ref;
  table.ExceptionCheck = exception_check;
  JNIEnv env{};
  env.functions = &table;
  g_env = &env;
  JNIInvokeInterface_ invoke{};
  invoke.GetEnv = get_env;
  JavaVM vm{};
  vm.functions = &invoke;

  const HMODULE dll = LoadLibraryA(argv[1]);
  check(dll != nullptr, "LoadLibrary", argv[1]);
  if (dll == nullptr) return 1;
  const auto lookup = [&](const char* name) {
    FARPROC p = GetProcAddress(dll, name);
    check(p != nullptr, "export", name);
    // void(*)() is the generic function pointer GCC lets one cast to any other function type.
    return reinterpret_cast<void (*)()>(p);
  };
  using AbiVersion = jint(JNICALL*)(JNIEnv*, jclass);
  using LibraryVersion = jstring(JNICALL*)(JNIEnv*, jclass);
  using Devices = jstring(JNICALL*)(JNIEnv*, jclass, jstring);
  const auto abi = reinterpret_cast<AbiVersion>(lookup("Java_com_stm32mp_prelaunch_bridge_PreLaunchNative_abiVersion"));
  const auto version = reinterpret_cast<LibraryVersion>(lookup("Java_com_stm32mp_prelaunch_bridge_PreLaunchNative_libraryVersion"));
  const auto devices = reinterpret_cast<Devices>(lookup("Java_com_stm32mp_prelaunch_bridge_PreLaunchNative_devices"));
  using OnLoad = jint(JNICALL*)(JavaVM*, void*);
  using OnUnload = void(JNICALL*)(JavaVM*, void*);
  const auto on_load = reinterpret_cast<OnLoad>(lookup("JNI_OnLoad"));
  const auto on_unload = reinterpret_cast<OnUnload>(lookup("JNI_OnUnload"));
  if (g_failures != 0) return 1;

  // What the JVM does first: JNI_OnLoad caches the exception classes the natives throw.
  const jint loaded = on_load(&vm, nullptr);
  check(loaded == JNI_VERSION_10, "JNI_OnLoad() asks for JNI 10", std::to_string(loaded));

  const jint a = abi(&env, nullptr);
  check(a >= 1, "abiVersion()", std::to_string(a));
  const std::string v = to_utf8(version(&env, nullptr));
  check(!v.empty() && v != "<null>" && g_thrown.empty(), "libraryVersion()", v);

  // The path crosses as a JSON string: backslashes escaped.
  std::string tree;
  for (const char c : std::string(argv[2])) tree += c == '\\' ? std::string("\\\\") : std::string(1, c);
  const std::string out = to_utf8(devices(&env, nullptr, from_utf8(&env, R"({"sysfs_root":")" + tree + R"("})")));
  check(g_thrown.empty(), "devices() threw nothing", g_thrown);
  check(out.find("\"COM40\"") != std::string::npos && out.find("004A00323234510A33353533") != std::string::npos,
        "devices() lists COM40 and its ST-LINK", out.substr(0, 400));

  g_thrown.clear();
  const std::string bad = to_utf8(devices(&env, nullptr, from_utf8(&env, "{not json")));
  check(!g_thrown.empty() && bad == "<null>", "devices() with a broken request throws a Java exception, not a C++ one",
        g_thrown + " / returned " + bad);
  if (argc == 4) {
    // A user's workspace under a non-ASCII name: "Δοκιμή 测试" (UTF-8 bytes spelled out).
    const std::string dir = std::string(argv[3]) + "/\xCE\x94\xCE\xBF\xCE\xBA\xCE\xB9\xCE\xBC\xCE\xAE "
                                                   "\xE6\xB5\x8B\xE8\xAF\x95";
    const std::string launch = dir + "/Blink \xCE\x94.launch", image = dir + "/Blink \xCE\x94.elf";
    const std::string launch_xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
        "<launchConfiguration type=\"com.st.stm32cube.ide.mcu.debug.launch.launchConfigurationType\">\n"
        "<booleanAttribute key=\"org.eclipse.cdt.debug.gdbjtag.core.loadImageThruSerialDevice\" value=\"true\"/>\n"
        "<stringAttribute key=\"org.eclipse.cdt.debug.gdbjtag.core.serialDeviceLoader\" value=\"COM41\"/>\n"
        "</launchConfiguration>\n";
    check(CreateDirectoryW(widen(dir).c_str(), nullptr) != 0 && write_wide(launch, launch_xml) &&
              write_wide(image, "not an ELF image"),
          "a launch file and an image in a non-ASCII folder", dir);
    using Start = jlong(JNICALL*)(JNIEnv*, jclass, jstring);
    using WaitFor = jboolean(JNICALL*)(JNIEnv*, jclass, jlong, jlong);
    using Result = jstring(JNICALL*)(JNIEnv*, jclass, jlong);
    using Close = void(JNICALL*)(JNIEnv*, jclass, jlong);
    const auto start = reinterpret_cast<Start>(lookup("Java_com_stm32mp_prelaunch_bridge_PreLaunchNative_start"));
    const auto wait_for = reinterpret_cast<WaitFor>(lookup("Java_com_stm32mp_prelaunch_bridge_PreLaunchNative_waitFor"));
    const auto result = reinterpret_cast<Result>(lookup("Java_com_stm32mp_prelaunch_bridge_PreLaunchNative_result"));
    const auto close = reinterpret_cast<Close>(lookup("Java_com_stm32mp_prelaunch_bridge_PreLaunchNative_close"));
    g_thrown.clear();
    const std::string request = R"({"launch":")" + json_escaped(launch) + R"(","elf":")" + json_escaped(image) +
                                R"(","sysfs_root":")" + tree + R"(","only":["config","image","devices","serial-port"]})";
    const jlong run = start(&env, nullptr, from_utf8(&env, request));
    check(run != 0 && g_thrown.empty(), "start() with UTF-8 paths", g_thrown);
    const bool done = run != 0 && wait_for(&env, nullptr, run, 60000) == JNI_TRUE;
    check(done, "waitFor() within 60 s");
    const std::string report = done ? to_utf8(result(&env, nullptr, run)) : "";
    if (run != 0) close(&env, nullptr, run);
    // Read: the launch file's COM41 reaches the serial-port step (SER002 naming COM40); the image is read
    // and found not to be an ELF (IMG002), not unreadable (IMG001); no launch file missing (CFG001).
    check(report.find("SER002") != std::string::npos && report.find("COM40") != std::string::npos,
          "the launch file in the non-ASCII folder was read (SER002 naming COM40)", report.substr(0, 600));
    check(report.find("IMG002") != std::string::npos && report.find("IMG001") == std::string::npos,
          "the image in the non-ASCII folder was read (IMG002, not IMG001)", report.substr(0, 600));
    check(report.find("CFG001") == std::string::npos, "no CFG001 (launch file missing)");
  }
  on_unload(&vm, nullptr);
  check(FreeLibrary(dll) != 0, "FreeLibrary");
  return g_failures == 0 ? 0 : 1;
}
