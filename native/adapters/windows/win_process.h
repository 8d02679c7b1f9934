#pragma once
// One child process of ours on Windows: started with CreateProcessW from a fixed command line, with no
// console window (CREATE_NO_WINDOW: a GUI host such as the IDE must not flash one, and the child can never
// prompt), inheriting exactly the three handles it is given, inside a job object of its own so that ending
// it ends what it started too (a proxy's own ssh, a ProxyJump's children), as the POSIX adapter kills the
// process group. Always waited for on the way out.
#include <windows.h>

#include <optional>
#include <string>

#include "core/cancellation.h"
#include "core/expected.h"
#include "ports/child_processes.h"

namespace stm32mp::adapters::windows {

// Owns a Win32 HANDLE (INVALID_HANDLE_VALUE and null both mean none).
class Handle {
 public:
  Handle() = default;
  explicit Handle(HANDLE h) : h_(h) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : h_(o.release()) {}
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  [[nodiscard]] HANDLE get() const { return h_; }
  [[nodiscard]] bool valid() const { return h_ != nullptr && h_ != INVALID_HANDLE_VALUE; }
  HANDLE release();
  void reset();

 private:
  HANDLE h_ = nullptr;
};

// An anonymous pipe whose child end (read end when the child reads) is inheritable, ours not.
struct Pipe {
  Handle ours;
  Handle theirs;
};
[[nodiscard]] core::expected<Pipe, ports::ProcessError> make_pipe(bool child_reads);
// The NUL device for a child's stdin, inheritable.
[[nodiscard]] core::expected<Handle, ports::ProcessError> null_input();

// argv[0] as CreateProcessW should start it: a name with a '\', '/' or ':' as given, otherwise the first
// PATH directory holding NAME or NAME.exe (never the current directory, which CreateProcessW's own search
// would try first). not_found with the reason otherwise.
[[nodiscard]] core::expected<std::wstring, ports::ProcessError> find_program(const std::wstring& name);

class WinProcess {
 public:
  // Starts `program` (a full path) with `line` as its command line and the given standard handles.
  [[nodiscard]] static core::expected<WinProcess, ports::ProcessError> start(const std::wstring& program,
                                                                           const std::wstring& line, HANDLE in,
                                                                           HANDLE out, HANDLE err);
  WinProcess(WinProcess&&) noexcept = default;
  WinProcess& operator=(WinProcess&&) noexcept = default;
  ~WinProcess() { end(core::Millis{0}); }

  // The exit code once it ended, nullopt while it runs; never blocks.
  [[nodiscard]] std::optional<int> exited() const;
  // Waits at most `grace` for it to end by itself, then ends the job (or the process without one) and
  // waits for it.
  void end(core::Millis grace);

 private:
  WinProcess() = default;
  Handle process_;
  Handle job_;
};

// Appends what the pipe holds now without blocking (PeekNamedPipe), keeping at most `cap` bytes (the
// first, or the last when keep_tail); sets `got` when bytes came. false once the write ends are all closed.
bool drain_pipe(HANDLE pipe, std::string& sink, std::size_t cap, bool keep_tail, bool& got);

// What `what` failed with (GetLastError), as a start_failed error.
[[nodiscard]] ports::ProcessError start_failed(const std::string& what);

}  // namespace stm32mp::adapters::windows
