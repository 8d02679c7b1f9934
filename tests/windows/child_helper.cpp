// A stand-in for ssh.exe and for proxy programs in the Windows child process tests (built as ssh.exe in a
// folder of its own, which the tests put in PATH). What it does is chosen by its first argument:
//   -G [-F FILE] -- HOST  an `ssh -G` answer for HOST: "host HOST", FILE's lines (the tests write the
//                    configuration already in ssh -G's resolved `key value` form: this stand-in resolves
//                    nothing, real OpenSSH does that in the Linux tests), then hostname HOST, port 22 and
//                    user root unless FILE set them. FILE /dev/null (OpenSSH's defaults) adds nothing.
//   args A B …        prints each argument on a line of its own (UTF-8): the command line's round trip
//   exit N           says so on stderr and exits with N
//   sleep            sleeps a minute (the deadline and cancel cases)
//   flood N          writes N bytes on stdout
//   echo             copies stdin to stdout until end-of-file, then "echo done" on stderr and exit 3
//   relay HOST PORT  connects to HOST:PORT and relays stdin/stdout both ways (a ProxyCommand like nc)
//   … -W HOST:PORT … ProxyJump's `ssh -W` (any other options ignored; the jump host is not visited): relays
//                    to HOST:PORT directly, so the argv the adapter builds for a ProxyJump is what is run
//   spawn-sleep      starts `ssh.exe sleep`, prints that child's process id, then sleeps a minute
#include <winsock2.h>
#include <windows.h>
#include <shellapi.h>
#include <ws2tcpip.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string utf8(const wchar_t* w) {
  const int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, nullptr, 0, nullptr, nullptr);
  std::string s(static_cast<std::size_t>(n > 0 ? n - 1 : 0), '\0');
  if (n > 1) WideCharToMultiByte(CP_UTF8, 0, w, -1, s.data(), n, nullptr, nullptr);
  return s;
}

void put(DWORD which, const std::string& text) {
  DWORD n = 0;
  WriteFile(GetStdHandle(which), text.data(), static_cast<DWORD>(text.size()), &n, nullptr);
}

int relay(const std::string& host, const std::string& port) {
  WSADATA data{};
  WSAStartup(MAKEWORD(2, 2), &data);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) {
    put(STD_ERROR_HANDLE, "relay: cannot resolve " + host + "\n");
    return 2;
  }
  SOCKET s = socket(found->ai_family, SOCK_STREAM, IPPROTO_TCP);
  if (connect(s, found->ai_addr, static_cast<int>(found->ai_addrlen)) != 0) {
    put(STD_ERROR_HANDLE, "relay: connection to " + host + ":" + port + " refused\n");
    return 2;
  }
  freeaddrinfo(found);
  std::thread up([s] {
    char buf[65536];
    DWORD n = 0;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n, nullptr) && n > 0) {
      if (send(s, buf, static_cast<int>(n), 0) <= 0) break;
    }
    shutdown(s, SD_SEND);
  });
  up.detach();  // the process ends when the board's side ends
  char buf[65536];
  for (;;) {
    const int n = recv(s, buf, sizeof buf, 0);
    if (n <= 0) break;
    DWORD written = 0;
    if (!WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), buf, static_cast<DWORD>(n), &written, nullptr)) break;
  }
  return 0;
}

}  // namespace

int main() {
  int argc = 0;
  wchar_t** wargv = CommandLineToArgvW(GetCommandLineW(), &argc);
  std::vector<std::string> argv;
  for (int i = 0; i < argc; ++i) argv.push_back(utf8(wargv[i]));
  const std::string mode = argc > 1 ? argv[1] : "";
  for (std::size_t i = 1; i + 1 < argv.size(); ++i) {
    if (argv[i] != "-W") continue;
    const std::string& target = argv[i + 1];
    const auto colon = target.rfind(':');
    if (colon == std::string::npos) return 64;
    std::string host = target.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return relay(host, target.substr(colon + 1));
  }
  if (mode == "-G") {
    const std::string host = argv.back();
    std::string answer = "host " + host + "\n";
    if (argc > 3 && argv[2] == "-F" && argv[3] != "/dev/null") {
      std::ifstream file{std::filesystem::path(wargv[3])};
      if (!file) {
        put(STD_ERROR_HANDLE, "Can't open user config file " + argv[3] + ": No such file or directory\n");
        return 255;
      }
      answer += std::string(std::istreambuf_iterator<char>(file), {});
    }
    for (const char* key : {"hostname ", "port ", "user "}) {
      if (answer.find(std::string("\n") + key) != std::string::npos) continue;
      answer += key + (std::string(key) == "hostname " ? host : std::string(key) == "port " ? "22" : "root") + "\n";
    }
    put(STD_OUTPUT_HANDLE, answer);
    return 0;
  }
  if (mode == "args") {
    for (int i = 2; i < argc; ++i) put(STD_OUTPUT_HANDLE, argv[static_cast<std::size_t>(i)] + "\n");
    return 0;
  }
  if (mode == "exit" && argc > 2) {
    put(STD_ERROR_HANDLE, "failing with " + argv[2] + "\n");
    return std::stoi(argv[2]);
  }
  if (mode == "sleep") {
    Sleep(60000);
    return 0;
  }
  if (mode == "flood" && argc > 2) {
    put(STD_OUTPUT_HANDLE, std::string(std::stoul(argv[2]), 'x'));
    return 0;
  }
  if (mode == "echo") {
    char buf[65536];
    DWORD n = 0;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n, nullptr) && n > 0) {
      DWORD written = 0;
      WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), buf, n, &written, nullptr);
    }
    put(STD_ERROR_HANDLE, "echo done\n");
    return 3;
  }
  if (mode == "relay" && argc > 3) return relay(argv[2], argv[3]);
  if (mode == "spawn-sleep") {
    wchar_t self[MAX_PATH];
    GetModuleFileNameW(nullptr, self, MAX_PATH);
    std::wstring line = L"\"" + std::wstring(self) + L"\" sleep";
    STARTUPINFOW si{};
    si.cb = sizeof si;
    PROCESS_INFORMATION pi{};
    if (!CreateProcessW(self, line.data(), nullptr, nullptr, FALSE, CREATE_NO_WINDOW, nullptr, nullptr, &si, &pi)) return 4;
    put(STD_OUTPUT_HANDLE, std::to_string(pi.dwProcessId) + "\n");
    Sleep(60000);
    return 0;
  }
  put(STD_ERROR_HANDLE, "child_helper: unknown mode '" + mode + "'\n");
  return 64;
}
