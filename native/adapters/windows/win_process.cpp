#include "adapters/windows/win_process.h"

#include <algorithm>
#include <vector>

#include "adapters/windows/win_text.h"

namespace stm32mp::adapters::windows {

using ports::ProcessError;
using EKind = ports::ProcessError::Kind;

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    h_ = o.release();
  }
  return *this;
}

HANDLE Handle::release() {
  HANDLE h = h_;
  h_ = nullptr;
  return h;
}

void Handle::reset() {
  if (valid()) CloseHandle(h_);
  h_ = nullptr;
}

ProcessError start_failed(const std::string& what) {
  return ProcessError{EKind::start_failed, what + ": " + error_text(GetLastError())};
}

core::expected<Pipe, ProcessError> make_pipe(bool child_reads) {
  HANDLE r = nullptr;
  HANDLE w = nullptr;
  if (!CreatePipe(&r, &w, nullptr, 0)) return core::unexpected{start_failed("CreatePipe")};
  Pipe p{Handle(child_reads ? w : r), Handle(child_reads ? r : w)};
  if (!SetHandleInformation(p.theirs.get(), HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)) {
    return core::unexpected{start_failed("SetHandleInformation")};
  }
  return p;
}

core::expected<Handle, ProcessError> null_input() {
  SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, TRUE};
  Handle h(CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, nullptr));
  if (!h.valid()) return core::unexpected{start_failed("NUL")};
  return h;
}

bool drain_pipe(HANDLE pipe, std::string& sink, std::size_t cap, bool keep_tail, bool& got) {
  char buf[16384];
  for (;;) {
    DWORD available = 0;
    if (!PeekNamedPipe(pipe, nullptr, 0, nullptr, &available, nullptr)) return false;  // broken: all writers gone
    if (available == 0) return true;
    DWORD n = 0;
    if (!ReadFile(pipe, buf, std::min<DWORD>(available, sizeof buf), &n, nullptr)) return false;
    got = got || n > 0;
    sink.append(buf, n);
    if (sink.size() > cap) {
      if (keep_tail) {
        sink.erase(0, sink.size() - cap);
      } else {
        sink.resize(cap);
      }
    }
  }
}

namespace {

bool is_file(const std::wstring& path) {
  const DWORD attributes = GetFileAttributesW(path.c_str());
  return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) == 0;
}

// NAME when it is a file, else NAME.exe when NAME has no extension of its own.
std::optional<std::wstring> as_program(const std::wstring& candidate) {
  if (is_file(candidate)) return candidate;
  const auto slash = candidate.find_last_of(L"\\/");
  const bool has_extension = candidate.find(L'.', slash == std::wstring::npos ? 0 : slash + 1) != std::wstring::npos;
  if (!has_extension && is_file(candidate + L".exe")) return candidate + L".exe";
  return std::nullopt;
}

}  // namespace

core::expected<std::wstring, ProcessError> find_program(const std::wstring& name) {
  if (name.empty()) return core::unexpected{ProcessError{EKind::start_failed, "no program"}};
  if (name.find_first_of(L"\\/:") != std::wstring::npos) {
    if (auto found = as_program(name)) return *found;
    return core::unexpected{ProcessError{EKind::not_found, narrow(name) + " does not exist"}};
  }
  const DWORD n = GetEnvironmentVariableW(L"PATH", nullptr, 0);
  std::wstring path(n, L'\0');
  path.resize(n > 0 ? GetEnvironmentVariableW(L"PATH", path.data(), n) : 0);
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find(L';', start);
    if (end == std::wstring::npos) end = path.size();
    std::wstring dir = path.substr(start, end - start);
    if (dir.size() >= 2 && dir.front() == L'"' && dir.back() == L'"') dir = dir.substr(1, dir.size() - 2);
    if (!dir.empty()) {
      if (dir.back() != L'\\' && dir.back() != L'/') dir.push_back(L'\\');
      if (auto found = as_program(dir + name)) return *found;
    }
    start = end + 1;
  }
  return core::unexpected{ProcessError{EKind::not_found, narrow(name) + " is not installed (not found in PATH)"}};
}

core::expected<WinProcess, ProcessError> WinProcess::start(const std::wstring& program, const std::wstring& line,
                                                           HANDLE in, HANDLE out, HANDLE err) {
  // Exactly these handles are inherited, not every inheritable handle another thread has open right now.
  std::vector<HANDLE> inherited{in};
  for (HANDLE h : {out, err}) {
    if (h != inherited.front() && (inherited.size() < 2 || h != inherited[1])) inherited.push_back(h);
  }
  SIZE_T size = 0;
  (void)InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
  std::vector<unsigned char> storage(size);
  auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(storage.data());
  if (!InitializeProcThreadAttributeList(attributes, 1, 0, &size)) {
    return core::unexpected{start_failed("InitializeProcThreadAttributeList")};
  }
  struct Cleanup {
    LPPROC_THREAD_ATTRIBUTE_LIST list;
    ~Cleanup() { DeleteProcThreadAttributeList(list); }
  } cleanup{attributes};
  if (!UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited.data(),
                                 inherited.size() * sizeof(HANDLE), nullptr, nullptr)) {
    return core::unexpected{start_failed("UpdateProcThreadAttribute")};
  }
  STARTUPINFOEXW si{};
  si.StartupInfo.cb = sizeof si;
  si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  si.StartupInfo.hStdInput = in;
  si.StartupInfo.hStdOutput = out;
  si.StartupInfo.hStdError = err;
  si.lpAttributeList = attributes;
  std::wstring mutable_line = line;  // CreateProcessW may write into it
  PROCESS_INFORMATION pi{};
  // Suspended until it is in its job: nothing it starts can escape the job.
  if (!CreateProcessW(program.c_str(), mutable_line.data(), nullptr, nullptr, TRUE,
                      CREATE_NO_WINDOW | CREATE_SUSPENDED | EXTENDED_STARTUPINFO_PRESENT | CREATE_UNICODE_ENVIRONMENT,
                      nullptr, nullptr, &si.StartupInfo, &pi)) {
    const DWORD code = GetLastError();
    const EKind kind = code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND ? EKind::not_found : EKind::start_failed;
    return core::unexpected{ProcessError{kind, narrow(program) + ": " + error_text(code)}};
  }
  WinProcess p;
  p.process_ = Handle(pi.hProcess);
  Handle thread(pi.hThread);
  // Kill-on-close: should this process die without ending it, Windows ends the child with the job.
  p.job_ = Handle(CreateJobObjectW(nullptr, nullptr));
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!p.job_.valid() ||
      !SetInformationJobObject(p.job_.get(), JobObjectExtendedLimitInformation, &limits, sizeof limits) ||
      !AssignProcessToJobObject(p.job_.get(), p.process_.get())) {
    p.job_.reset();  // no job (a host that forbids nested jobs): the process alone is ended
  }
  ResumeThread(thread.get());
  return p;
}

std::optional<int> WinProcess::exited() const {
  if (!process_.valid()) return -1;
  if (WaitForSingleObject(process_.get(), 0) != WAIT_OBJECT_0) return std::nullopt;
  DWORD code = 0;
  if (!GetExitCodeProcess(process_.get(), &code)) return -1;
  return static_cast<int>(code);
}

void WinProcess::end(core::Millis grace) {
  if (!process_.valid()) return;
  if (WaitForSingleObject(process_.get(), static_cast<DWORD>(grace.count())) != WAIT_OBJECT_0) {
    if (job_.valid()) {
      TerminateJobObject(job_.get(), 1);
    } else {
      TerminateProcess(process_.get(), 1);
    }
    WaitForSingleObject(process_.get(), 10000);  // ends at once after a kill; bounded all the same
  } else if (job_.valid()) {
    TerminateJobObject(job_.get(), 1);  // what it left running in its job goes with it
  }
}

}  // namespace stm32mp::adapters::windows
